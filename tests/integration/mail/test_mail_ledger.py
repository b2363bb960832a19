"""The send ledger on SQLite and PostgreSQL: each email leaves at most once, failures are kept and shown."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bus.records import utcnow
from db.engine import transaction
from mail.adapters import SmtpMailer
from mail.ledger import deliver_queued, queue_mail, send_once
from mail.ports import OutgoingMessage
from mail.tables import MailLedgerEntry
from tests.support.mail_servers import SmtpInbox


def _msg(to: str = "grace@example.org") -> OutgoingMessage:
    return OutgoingMessage(to=to, subject="Op-ed request", text="Please answer.")


def test_queued_twice_sends_once(sessions):
    """The same (purpose, recipient, key) queued twice and delivered twice reaches the inbox once."""
    with SmtpInbox() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        for _ in range(2):
            with transaction(sessions) as s:
                queue_mail(s, _msg(), purpose="invite", attempt_key="inv-1")
            deliver_queued(sessions, mailer)
        deliver_queued(sessions, mailer)
        assert len(inbox.to("grace@example.org")) == 1
    with sessions() as s:
        assert s.scalar(select(MailLedgerEntry.status)) == "sent"


def test_mail_queued_in_a_rolled_back_transaction_never_leaves(sessions):
    """An email queued by a change that rolled back is not sent (it leaves with its change or not at all)."""
    with SmtpInbox() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        try:
            with transaction(sessions) as s:
                queue_mail(s, _msg(), purpose="invite", attempt_key="inv-2")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        assert deliver_queued(sessions, mailer).sent == 0
        assert inbox.messages == []


def test_relay_down_keeps_mail_queued_then_sends_it(sessions):
    """With the relay down the email stays queued with the error; once it is back the email leaves once."""
    inbox = SmtpInbox()
    mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=2)
    with transaction(sessions) as s:
        queue_mail(s, _msg(), purpose="invite", attempt_key="inv-3")
    report = deliver_queued(sessions, mailer)
    assert report.retried == 1
    with sessions() as s:
        row = s.scalar(select(MailLedgerEntry))
        assert row.status == "queued" and "unreachable" in row.error
    with transaction(sessions) as s:
        s.execute(update(MailLedgerEntry).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    with inbox:
        assert deliver_queued(sessions, mailer).sent == 1
        assert len(inbox.messages) == 1


def test_pending_row_left_by_a_dead_worker_is_never_resent(sessions):
    """A row left `pending` (worker killed mid-send) becomes `uncertain` after the grace period, never resent."""
    with SmtpInbox() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        with transaction(sessions) as s:
            queue_mail(s, _msg(), purpose="invite", attempt_key="inv-4")
            s.flush()
            s.execute(update(MailLedgerEntry).values(status="pending", pending_at=utcnow() - timedelta(minutes=5)))
        report = deliver_queued(sessions, mailer, pending_grace_s=60)
        assert report.uncertain == 1 and inbox.messages == []
        assert send_once(sessions, mailer, _msg(), purpose="invite", attempt_key="inv-4") == "uncertain"
        assert inbox.messages == []
