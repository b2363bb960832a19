"""The send ledger against relays that fail after taking the message, on SQLite and PostgreSQL: at most one copy.

The same ledger and mailer objects are driven through every pass, as a worker drives them; between passes the row's
back-off is made due at once, as if its retry time had come.
"""

from __future__ import annotations

from sqlalchemy import select, update

from db.engine import transaction
from mail import queries
from mail.adapters import SendGridMailer, SmtpMailer
from mail.ledger import deliver_queued, queue_mail
from mail.ports import OutgoingMessage
from mail.tables import MailLedgerEntry
from tests.support.mail_servers import SendGridEndpoint, SmtpInbox

PASSES = 6


def _queue(sessions, key: str, to: str = "grace@example.org") -> None:
    with transaction(sessions) as s:
        queue_mail(s, OutgoingMessage(to=to, subject="Op-ed request", text="Please answer."), purpose="invite",
                   attempt_key=key)


def _passes(sessions, mailer) -> list:
    reports = []
    for _ in range(PASSES):
        reports.append(deliver_queued(sessions, mailer))
        with transaction(sessions) as s:  # the retry time has come
            s.execute(update(MailLedgerEntry).values(next_attempt_at=None))
    return reports


def _row(sessions) -> MailLedgerEntry:
    with sessions() as s:
        return s.scalar(select(MailLedgerEntry))


def _shown_to_officer(sessions) -> list[MailLedgerEntry]:
    """What the console's mail page lists under "Email that did not leave for sure"."""
    with sessions() as s:
        return queries.ledger_entries(s, statuses=("failed", "uncertain"))


def test_smtp_relay_dropping_the_line_after_data_gets_one_copy_and_the_row_is_uncertain(sessions):
    """A relay that keeps the message and drops the line before its reply, six ledger passes: one copy, uncertain."""
    with SmtpInbox() as inbox:
        inbox.drop_after_data = PASSES
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        _queue(sessions, "inv-drop")
        reports = _passes(sessions, mailer)
        assert len(inbox.to("grace@example.org")) == 1
    assert reports[0].uncertain == 1 and sum(r.sent + r.retried for r in reports) == 0
    row = _row(sessions)
    assert row.status == "uncertain" and row.attempts == 1 and "may have been delivered" in row.error
    assert [(e.recipient, e.status) for e in _shown_to_officer(sessions)] == [("grace@example.org", "uncertain")]


def test_smtp_refused_before_hand_over_is_retried_then_sent_once(sessions):
    """Connection refused, then 451 to RCPT: both retried; once the relay takes it, exactly one copy, sent."""
    inbox = SmtpInbox()
    mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
    _queue(sessions, "inv-refused")
    assert deliver_queued(sessions, mailer).retried == 1  # nobody listening yet
    with transaction(sessions) as s:
        s.execute(update(MailLedgerEntry).values(next_attempt_at=None))
    with inbox:
        inbox.rcpt_replies = ["451 4.3.0 Mailbox busy, try later"]
        reports = _passes(sessions, mailer)
        assert len(inbox.to("grace@example.org")) == 1
    assert reports[0].retried == 1 and reports[1].sent == 1
    assert _row(sessions).status == "sent" and _shown_to_officer(sessions) == []


def test_smtp_permanent_refusal_of_the_recipient_is_failed_not_uncertain(sessions):
    """550 to RCPT: the row is failed (certainly not delivered), shown to the officer, never tried again."""
    with SmtpInbox() as inbox:
        inbox.rcpt_replies = ["550 5.1.1 No such user"]
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        _queue(sessions, "inv-unknown")
        _passes(sessions, mailer)
        assert inbox.messages == []
    row = _row(sessions)
    assert row.status == "failed" and row.attempts == 1


def test_sendgrid_reset_after_the_request_gets_one_copy_and_the_row_is_uncertain(sessions):
    """SendGrid reads the request and the connection is reset before its answer, six passes: one copy, uncertain."""
    with SendGridEndpoint() as server:
        server.reset_after_read = PASSES
        mailer = SendGridMailer("SG.test-key", host=server.url, from_address="rr@aoc.example.org", timeout_s=5)
        _queue(sessions, "inv-reset")
        _passes(sessions, mailer)
        assert server.recipients() == ["grace@example.org"]
    row = _row(sessions)
    assert row.status == "uncertain" and row.attempts == 1 and "may have been accepted" in row.error
    assert [e.status for e in _shown_to_officer(sessions)] == ["uncertain"]


def test_sendgrid_unreachable_is_retried_then_sent_once(sessions):
    """SendGrid refusing connections keeps the email queued; once it answers, one copy."""
    server = SendGridEndpoint()
    mailer = SendGridMailer("SG.test-key", host=server.url, from_address="rr@aoc.example.org", timeout_s=5)
    _queue(sessions, "inv-down")
    assert deliver_queued(sessions, mailer).retried == 1
    with transaction(sessions) as s:
        s.execute(update(MailLedgerEntry).values(next_attempt_at=None))
    with server:
        _passes(sessions, mailer)
        assert server.recipients() == ["grace@example.org"]
    assert _row(sessions).status == "sent"
