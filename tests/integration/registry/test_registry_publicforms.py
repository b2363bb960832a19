"""The public forms kit on SQLite and PostgreSQL: errors per field, files kept across a refused post, edit links
that work until the deadline and not after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.engine import transaction
from links import SignedLinks
from registry import publicforms as pf

PDF = b"%PDF-1.4\n" + b"x" * 2000
FORM = pf.PublicForm("test.form", (
    pf.Field("name", "Your name", required=True, max_chars=20),
    pf.Field("email", "Email", kind="email", required=True),
    pf.Field("amount", "Amount", kind="number", minimum=100, maximum=5000),
    pf.Field("plan", "Plan", kind="file", required=True, max_bytes=10_000),
))
NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def test_every_bad_field_has_its_error_and_the_typed_text_stays(sessions):
    """Each refused field gets a sentence of its own; what was typed comes back as typed."""
    given = pf.FormInput(values={"name": "A" * 30, "email": "not-an-email", "amount": "lots"})
    with transaction(sessions) as session:
        checked = pf.check(session, FORM, given, now=NOW)
    assert set(checked.errors) == {"name", "email", "amount", "plan"}
    assert "at most 20" in checked.errors["name"] and "name@example.org" in checked.errors["email"]
    assert checked.raw["email"] == "not-an-email" and checked.raw["amount"] == "lots"


def test_a_file_sent_with_a_refused_post_is_kept_for_the_next(sessions):
    """A good file arriving with a bad email is stored; the corrected post reuses it without a new upload."""
    first = pf.FormInput(values={"name": "Amina", "email": "bad"}, uploads={"plan": pf.Upload("plan.pdf", "", PDF)})
    with transaction(sessions) as session:
        refused = pf.check(session, FORM, first, now=NOW)
    assert not refused.ok and "plan" not in refused.errors and refused.files["plan"]["filename"] == "plan.pdf"
    second = pf.FormInput(values={"name": "Amina", "email": "amina@example.org"}, kept=dict(refused.kept))
    with transaction(sessions) as session:
        checked = pf.check(session, FORM, second, now=NOW)
        assert checked.ok
        row = pf.save_submission(session, FORM, checked, deadline=NOW + timedelta(days=3), now=NOW)
        submission_id = row.id
    with sessions() as session:
        files = pf.attachments_of(session, submission_id)
    assert [(f.filename, f.size, f.data[:5]) for f in files] == [("plan.pdf", len(PDF), b"%PDF-")]


def test_files_are_checked_by_size_and_by_their_bytes(sessions):
    """A file over the cap or of another type than its name claims is refused with the reason."""
    with transaction(sessions) as session:
        big = pf.check(session, FORM, pf.FormInput(uploads={"plan": pf.Upload("p.pdf", "", PDF * 10)}), now=NOW)
        fake = pf.check(session, FORM, pf.FormInput(uploads={"plan": pf.Upload("p.pdf", "application/pdf",
                                                                                b"MZ\x90\x00exe")}), now=NOW)
    assert "the limit is 10 KB" in big.errors["plan"]
    assert "is not a PDF file" in fake.errors["plan"]


def test_the_edit_link_works_until_the_deadline_and_not_after(sessions):
    """A signed edit link opens the submission before the deadline, and says the deadline passed after it."""
    links = SignedLinks("k" * 32, sessions)
    deadline = datetime.now(UTC) + timedelta(hours=2)
    given = pf.FormInput(values={"name": "Amina", "email": "amina@example.org"},
                         uploads={"plan": pf.Upload("plan.pdf", "", PDF)})
    with transaction(sessions) as session:
        row = pf.save_submission(session, FORM, pf.check(session, FORM, given), deadline=deadline)
        token = pf.edit_token(links, FORM, row.id, deadline)
    with transaction(sessions) as session:
        opened = pf.open_for_edit(session, links, FORM, token)
        again = pf.check(session, FORM, pf.FormInput(values={"name": "Amina B.", "email": "amina@example.org"}),
                         submission=opened)
        pf.save_submission(session, FORM, again, submission=opened)
    with sessions() as session:
        opened = pf.open_for_edit(session, links, FORM, token)
        assert opened.answers["name"] == "Amina B." and opened.edits == 1
        assert [f.filename for f in pf.attachments_of(session, opened.id)] == ["plan.pdf"]
        with pytest.raises(pf.FormClosed, match="deadline"):
            pf.open_for_edit(session, links, FORM, token, now=deadline + timedelta(seconds=1))


def test_pending_files_never_claimed_are_purged_after_two_days(sessions):
    """A file left behind by someone who gave up is deleted by the timer's purge, a bound one is not."""
    with transaction(sessions) as session:
        pf.check(session, FORM, pf.FormInput(uploads={"plan": pf.Upload("p.pdf", "", PDF)}), now=NOW)
    with transaction(sessions) as session:
        assert pf.purge_pending(session, now=NOW + timedelta(days=1)) == 0
        assert pf.purge_pending(session, now=NOW + timedelta(days=3)) == 1
