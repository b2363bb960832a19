"""Fora (registration, agenda, outcomes linked to entries) and the newsletter (double opt-in, issue composed from
activity, handed to distribute, one email per subscriber with one-click unsubscribe) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.records import NewsletterIssueReady, RegistryCommand
from db.engine import transaction
from db.tables import OutboxMessage
from distribute import newsletter as dnews
from links import SignedLinks
from mail.tables import MailLedgerEntry
from registry import fora, handlers, newsletter
from registry import publicforms as pf

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def _create(session, registry, entity_id, data):
    handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                    request_id=f"t-{entity_id}", data=data, actor="t"), now=NOW)


@pytest.fixture
def forum(sessions):
    with transaction(sessions) as session:
        _create(session, "events", "forum-27", {"name": "Annual Forum 2027", "kind": "annual_forum",
                                                "starts_on": "2027-04-20", "ends_on": "2027-04-21", "city": "Fes"})
        _create(session, "partners", "p-1", {"name": "Dialogue Foundation", "kind": "foundation"})
        _create(session, "projects", "pr-1", {"title": "Peer mediators", "category": "aoc_project",
                                              "theme": "youth", "role": "managing"})
    return sessions


def _registration(session, name, email, submission=None):
    given = pf.FormInput(values={"name": name, "email": email, "attendance": "speaker", "consent": "on"})
    checked = pf.check(session, fora.REGISTRATION, given, submission=submission, now=NOW)
    assert checked.ok, checked.errors
    row = pf.save_submission(session, fora.REGISTRATION, checked, subject_id="forum-27", submission=submission,
                             deadline=datetime(2027, 4, 19, 23, 59, tzinfo=UTC), now=NOW)
    return checked, row


def test_a_registration_is_one_per_email_and_closes_before_the_forum(forum):
    """A registration is stored and can be changed; the same email twice is refused; after closing, refused."""
    with transaction(forum) as session:
        checked, row = _registration(session, "Amina", "amina@example.org")
        reg_id = fora.register(session, "forum-27", checked, row, now=NOW)
    with transaction(forum) as session:
        checked, row2 = _registration(session, "Amina R.", "amina@example.org",
                                      submission=session.get(pf.FormSubmissionRow, reg_id))
        fora.register(session, "forum-27", checked, row2, now=NOW)
    with transaction(forum) as session, pytest.raises(fora.ForaError, match="already registered"):
        checked, other = _registration(session, "Someone", "amina@example.org")
        fora.register(session, "forum-27", checked, other, now=NOW)
    with transaction(forum) as session, pytest.raises(fora.ForaError, match="closed"):
        checked, late = _registration(session, "Late", "late@example.org")
        fora.register(session, "forum-27", checked, late, now=datetime(2027, 4, 20, 8, tzinfo=UTC))
    with forum() as session:
        regs = fora.registrations(session, "forum-27")
    assert [(r["name"], r["attendance"]) for r in regs] == [("Amina R.", "Speaker")]


def test_agenda_items_fall_within_the_forum_and_outcomes_link_to_entries(forum):
    """An agenda item outside the forum's days is refused; an outcome must name an active entry of a fitting
    registry, and shows that entry's title."""
    with transaction(forum) as session:
        fora.add_agenda_item(session, "forum-27", day=date(2027, 4, 21), starts="09:30", ends="10:30",
                             title="Opening", now=NOW)
        with pytest.raises(fora.ForaError, match="within the forum"):
            fora.add_agenda_item(session, "forum-27", day=date(2027, 5, 1), starts="09:00", title="Late", now=NOW)
        with pytest.raises(fora.ForaError, match="links to an entry of: partners"):
            fora.add_outcome(session, "forum-27", kind="partnership", title="x", registry="projects",
                             entity_id="pr-1")
        with pytest.raises(fora.ForaError, match="no active entry"):
            fora.add_outcome(session, "forum-27", kind="project_launch", title="x", registry="projects",
                             entity_id="nope")
        fora.add_outcome(session, "forum-27", kind="project_launch", title="", registry="projects",
                         entity_id="pr-1", now=NOW)
        fora.add_outcome(session, "forum-27", kind="partnership", title="Dialogue Foundation joins",
                         registry="partners", entity_id="p-1", now=NOW)
    with forum() as session:
        seen = fora.forum(session, "forum-27", now=NOW)
    assert [a["title"] for a in seen["agenda"]] == ["Opening"]
    assert {(o["kind"], o["entry_title"]) for o in seen["outcomes"]} == {
        ("project_launch", "Peer mediators"), ("partnership", "Dialogue Foundation")}


def test_only_confirmed_subscribers_receive_an_issue_once_each(forum):
    """Sign-up is pending until confirmed; the issue goes to confirmed subscribers only, one ledger email each,
    with List-Unsubscribe and List-Unsubscribe-Post; handing the command over twice sends no second copy."""
    sessions = forum
    links = SignedLinks("k" * 32, sessions, "https://aoc.example.org")
    with transaction(sessions) as session:
        a = newsletter.sign_up(session, links, email="Ana@Example.org", name="Ana", lang="es", now=NOW)
        b = newsletter.sign_up(session, links, email="bo@example.org", now=NOW)
        newsletter.sign_up(session, links, email="cy@example.org", now=NOW)
        newsletter.confirm(session, a, now=NOW)
        newsletter.confirm(session, b, now=NOW)
        newsletter.unsubscribe(session, b, now=NOW)
    with sessions() as session:
        confirmations = list(session.scalars(select(MailLedgerEntry).where(
            MailLedgerEntry.purpose == newsletter.CONFIRM_PURPOSE)))
        assert newsletter.subscriber_counts(session) == {"pending": 1, "confirmed": 1, "unsubscribed": 1}
    assert len(confirmations) == 3 and "/newsletter/confirm/" in confirmations[0].message["text"]
    with transaction(sessions) as session:
        issue_id = newsletter.compose(session, date(2027, 2, 1), date(2027, 3, 31), created_by="officer", now=NOW)
        assert newsletter.send_issue(session, issue_id, links, actor="officer", now=NOW) == 1
        with pytest.raises(newsletter.NewsletterError, match="already sent"):
            newsletter.send_issue(session, issue_id, links, actor="officer", now=NOW)
    with sessions() as session:
        payload = session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.topic == "newsletter.issues")).one()
    record = NewsletterIssueReady.from_json(payload)
    assert [r["email"] for r in record.recipients] == ["ana@example.org"]
    assert "Coming up" in record.text and "Annual Forum 2027" in record.text
    for _ in range(2):  # a redelivered command
        with transaction(sessions) as session:
            dnews.queue_issue(session, record)
    with sessions() as session:
        sent = list(session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == dnews.PURPOSE)))
    assert len(sent) == 1 and sent[0].recipient == "ana@example.org"
    headers = sent[0].message["headers"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<https://aoc.example.org/newsletter/unsubscribe/")


def test_an_empty_period_or_no_subscriber_says_why(forum):
    """Composing a period without activity, or sending with no confirmed subscriber, is refused with a reason."""
    links = SignedLinks("k" * 32, forum, "https://aoc.example.org")
    with transaction(forum) as session:
        with pytest.raises(newsletter.NewsletterError, match="Nothing happened"):
            newsletter.compose(session, date(2020, 1, 1), date(2020, 1, 31), created_by="o", now=NOW)
        issue_id = newsletter.compose(session, NOW.date() - timedelta(days=30), NOW.date(), created_by="o", now=NOW)
        with pytest.raises(newsletter.NewsletterError, match="Nobody has confirmed"):
            newsletter.send_issue(session, issue_id, links, actor="o", now=NOW)
