"""The op-ed as a product, on SQLite and PostgreSQL: the authors' sign-off gates each language, the original with a
note, advance copies under embargo, placements through the link and through replies, the yearly outlet table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.records import OpEdPlaced, OpEdReleased, TranslationReady, TranslationSignedOff
from db.tables import OutboxMessage
from distribute import model, queries
from distribute.adapters import SendGridBatchSender
from distribute.distributions import record_signoff, record_translation
from distribute.placements import receive_reply, record_placement
from distribute.release import release_due
from distribute.tables import DistributionSend
from mail.adapters import SendGridMailer
from tests.integration.distribute.conftest import approve
from tests.support.mail_servers import SendGridEndpoint
from tests.support.transactions import in_transaction


@pytest.fixture
def sendgrid():
    """A local SendGrid v3 endpoint and a batch sender pointed at it."""
    with SendGridEndpoint() as endpoint:
        mailer = SendGridMailer("SG.test-key", host=endpoint.url, from_address="rr@aoc.example.org", timeout_s=10)
        yield endpoint, SendGridBatchSender(mailer)


def mails(endpoint) -> dict[str, dict]:
    """Per recipient: subject, send_at and the text part."""
    out = {}
    for request in endpoint.accepted:
        text = next(c["value"] for c in request.body["content"] if c["type"] == "text/plain")
        for person in request.body["personalizations"]:
            out[person["to"][0]["email"]] = {"subject": request.body["subject"], "text": text,
                                             "send_at": request.body.get("send_at")}
    return out


def outbox(sessions, topic: str, record_type):
    """Records waiting in the outbox on one topic."""
    with sessions() as session:
        return [record_type.from_json(p) for p in session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.topic == topic))]


def test_a_translation_not_signed_off_goes_out_as_the_original_with_a_note(sessions, seeded, composer, sendgrid):
    """French is approved but the authors have not signed it off: French editors get the English original with a
    note saying so, never the French text under the authors' names."""
    endpoint, batches = sendgrid
    approve(sessions, "oped-1", "fr", signed_off=False)
    seeded(4, languages=("en", "fr"), approved=("en",), release_in=timedelta(0))  # at the release time
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    french = mails(endpoint)["editor1@outlet1.example.org"]
    assert french["subject"] == "Title [en]"
    assert "No French version of this op-ed has been approved: here is the original in English." in french["text"]
    assert "Amina Haddad, Professor of Law, University of Tunis" in french["text"]


def test_without_the_original_setting_editors_of_a_missing_language_get_nothing(sessions, seeded, composer,
                                                                                sendgrid):
    """A distribution that says so mails nobody in a language with no signed-off version, and says why."""
    endpoint, batches = sendgrid
    dist = seeded(4, languages=("en", "ar"), approved=("en",), send_original=False, release_in=timedelta(0))
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    assert sorted(mails(endpoint)) == ["editor0@outlet0.example.org", "editor2@outlet2.example.org"]
    assert "editors in those languages were not mailed" in in_transaction(sessions, queries.distribution, dist).note


def test_a_signed_off_translation_carries_its_credit_line(sessions, seeded, composer, sendgrid):
    """Signed off by the authors, the French version goes to French editors with its credit line."""
    endpoint, batches = sendgrid
    seeded(2, languages=("en", "fr"))
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    french = mails(endpoint)["editor1@outlet1.example.org"]
    assert french["subject"] == "Title [fr]" and "Translated from English by Test Reviewer" in french["text"]


def test_a_sign_off_with_an_unknown_how_is_refused_and_a_repeat_changes_nothing(sessions):
    """`translations.signed_off` with an unknown `how` is refused (to `rejected`); the same message twice is kept
    once."""
    with pytest.raises(ValueError, match="unknown sign-off"):
        in_transaction(sessions, record_signoff, TranslationSignedOff(oped_id="o", lang="fr", how="maybe"))
    record = TranslationSignedOff(oped_id="o", lang="fr", how="officer_recorded", by="Officer",
                                  reason="approved by phone")
    assert in_transaction(sessions, record_signoff, record) is True
    assert in_transaction(sessions, record_signoff, record) is False
    assert in_transaction(sessions, queries.signoffs, "o")["fr"].reason == "approved by phone"


def test_advance_copy_leaves_now_and_is_released_at_the_embargo(sessions, seeded, composer, sendgrid):
    """An advance copy is handed over at once without send_at, EMBARGOED UNTIL in the subject; the distribution is
    released (OpEdReleased, mode advance) only at the release time."""
    endpoint, batches = sendgrid
    now = datetime.now(UTC)
    dist = seeded(3, languages=("en",), release_in=timedelta(hours=6), now=now, mode=model.ADVANCE_COPY)
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    got = mails(endpoint)
    assert len(got) == 3 and all(m["send_at"] is None for m in got.values())
    assert all(m["subject"].startswith("EMBARGOED UNTIL") for m in got.values())
    assert in_transaction(sessions, queries.distribution, dist).status == model.HANDED_OVER
    assert outbox(sessions, "opeds.released", OpEdReleased) == []
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now + timedelta(hours=6, seconds=1))
    released = outbox(sessions, "opeds.released", OpEdReleased)
    assert [(r.mode, r.recipients, r.authors[0]["name"]) for r in released] == [("advance", 3, "Amina Haddad")]


def sent_row(sessions, email: str) -> int:
    """The ledger row of one editor."""
    with sessions() as session:
        return session.scalar(select(DistributionSend.id).where(DistributionSend.email == email))


def test_placements_through_the_link_fill_the_outlet_table(sessions, seeded, composer, sendgrid):
    """"We will run it" then "it ran at <URL>" is one placement, never downgraded; a bad URL is refused; the outlet
    table counts it; OpEdPlaced leaves through the outbox."""
    endpoint, batches = sendgrid
    seeded(4, languages=("en", "fr"))
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    row = sent_row(sessions, "editor1@outlet1.example.org")
    in_transaction(sessions, record_placement, row, model.WILL_RUN)
    with pytest.raises(model.DistributeError, match="https://"):
        in_transaction(sessions, record_placement, row, model.RAN, "javascript:alert(1)")
    in_transaction(sessions, record_placement, row, model.RAN, "https://outlet1.example.com/opinion/1")
    in_transaction(sessions, record_placement, row, model.WILL_RUN)
    [placement] = in_transaction(sessions, queries.placements, oped_id="oped-1")
    assert (placement.outlet, placement.status, placement.url, placement.lang) == (
        "Outlet 1", "ran", "https://outlet1.example.com/opinion/1", "fr")
    now = datetime.now(UTC)
    table = in_transaction(sessions, queries.outlet_placements, now - timedelta(days=365), now + timedelta(days=1))
    assert [(r.outlet, r.ran, r.will_run, r.languages) for r in table] == [("Outlet 1", 1, 0, ("fr",))]
    placed = outbox(sessions, "opeds.placed", OpEdPlaced)
    assert [(p.status, p.outlet) for p in placed] == [("will_run", "Outlet 1"), ("ran", "Outlet 1")]
    assert placed[-1].authors[1]["name"] == "Jonas Berg" and placed[-1].title == "Title [fr]"


def test_replies_record_placements_or_are_kept_with_the_reason(sessions, seeded, composer, sendgrid):
    """A reply with the article's link records "ran"; "we will run it" records "will run"; a link only in the
    quoted email does not count; a stranger's reply is kept unmatched with the reason."""
    endpoint, batches = sendgrid
    dist = seeded(4, languages=("en",))
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    to = f"desk+{dist}@editors.aoc.example.org"
    ran = in_transaction(sessions, receive_reply, {"from": "Editor 0 <editor0@outlet0.example.org>", "to": to,
                                                   "text": "It ran: https://outlet0.example.com/a/1."})
    will = in_transaction(sessions, receive_reply, {"from": "editor1@outlet1.example.org", "to": to,
                                                    "text": "Thanks, we will run it on Sunday."})
    quoted = in_transaction(sessions, receive_reply, {
        "from": "editor2@outlet2.example.org", "to": to,
        "text": "Thanks!\n\nOn Mon, 30 Nov 2026 the secretariat wrote:\n> https://rrm.example.org/newsroom"})
    stranger = in_transaction(sessions, receive_reply, {"from": "x@nowhere.example.org", "to": to, "text": "hi"})
    assert [(r.status, r.reason) for r in (ran, will, quoted, stranger)] == [
        ("placed", "ran it at https://outlet0.example.com/a/1"), ("placed", "will run it"),
        ("matched", "the reply gives no link and does not say the outlet will run it"),
        ("unmatched", "no op-ed was sent to x@nowhere.example.org in the distribution this reply answers")]
    statuses = {p.outlet: (p.status, p.via) for p in in_transaction(sessions, queries.placements, oped_id="oped-1")}
    assert statuses == {"Outlet 0": ("ran", "reply"), "Outlet 1": ("will_run", "reply")}


def test_a_corrected_translation_needs_a_new_sign_off(sessions, seeded, composer, sendgrid):
    """When translate sends a corrected French text, the authors' earlier sign-off no longer covers it: French
    editors get the original with a note until the authors sign the new text off."""
    endpoint, batches = sendgrid
    approve(sessions, "oped-1", "fr")
    in_transaction(sessions, record_translation, TranslationReady(
        oped_id="oped-1", lang="fr", title="Titre corrigé", body="<p>Corrigé.</p>", source_lang="en",
        message_id="fr-v2"))
    assert "fr" not in in_transaction(sessions, queries.signoffs, "oped-1")
    seeded(2, languages=("en", "fr"), approved=("en",), release_in=timedelta(0))
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    assert mails(endpoint)["editor1@outlet1.example.org"]["subject"] == "Title [en]"
