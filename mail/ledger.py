"""The send ledger: at most one copy of every email, even when messages are redelivered or workers die.

`queue_mail(session, message, purpose=..., attempt_key=...)` adds a `queued` row in the caller's transaction, so
the email leaves if and only if the change that implies it is committed (a mail outbox). The same key queued twice
is ignored. `deliver_queued(sessions, mailer)` claims each row by committing it as `pending`, sends, then records
`sent` or `failed`. A row still `pending` after `pending_grace_s` (the worker died between the claim and the
record) becomes `uncertain`: it may or may not have left, and it is never resent automatically. So does a send whose
mailer says the provider may have it (`MailError.delivered_unknown`: an SMTP relay that took the whole message and
dropped the line before its reply, SendGrid's connection reset or timed out after the request). The console lists
`uncertain` and `failed` rows (`queries.ledger_entries`, on /mobilize/mail) for an officer to check by hand.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bus.records import utcnow

from .ports import Mailer, MailError, OutgoingMessage
from .tables import MailLedgerEntry

log = structlog.get_logger(__name__)

STATUSES = ("queued", "pending", "sent", "failed", "uncertain")


def message_to_dict(message: OutgoingMessage) -> dict:
    """JSON-ready form of a message (stored in the ledger)."""
    data = dataclasses.asdict(message)
    data["categories"] = list(message.categories)
    return data


def message_from_dict(data: dict) -> OutgoingMessage:
    """The message stored by `message_to_dict`."""
    fields = {f.name for f in dataclasses.fields(OutgoingMessage)}
    values = {k: v for k, v in data.items() if k in fields}
    values["categories"] = tuple(values.get("categories") or ())
    return OutgoingMessage(**values)


def queue_mail(session: Session, message: OutgoingMessage, *, purpose: str, attempt_key: str, ref: str = "",
               now: datetime | None = None) -> MailLedgerEntry | None:
    """Queue `message` in the caller's transaction; None if (purpose, recipient, attempt_key) was queued before."""
    recipient = message.to.strip().lower()
    existing = session.scalar(select(MailLedgerEntry.id).where(
        MailLedgerEntry.purpose == purpose, MailLedgerEntry.recipient == recipient,
        MailLedgerEntry.attempt_key == attempt_key))
    if existing is not None:
        return None
    if not message.idempotency_key:
        message = dataclasses.replace(message, idempotency_key=f"{purpose}:{attempt_key}")
    row = MailLedgerEntry(purpose=purpose, recipient=recipient, attempt_key=attempt_key, status="queued",
                          subject=message.subject[:500], message=message_to_dict(message), ref=ref,
                          created_at=now or utcnow())
    # No SAVEPOINT here: on SQLite (pysqlite) releasing a savepoint opened first commits the whole transaction.
    # A concurrent insert of the same key fails the caller's transaction on the unique key; its retry finds the row.
    session.add(row)
    session.flush()
    return row


@dataclasses.dataclass
class DeliveryReport:
    """What one `deliver_queued` pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0


def mark_stale_pending(session: Session, *, grace_s: float, now: datetime | None = None) -> int:
    """Rows left `pending` longer than `grace_s` become `uncertain` (never resent); returns how many."""
    now = now or utcnow()
    result = session.execute(
        update(MailLedgerEntry)
        .where(MailLedgerEntry.status == "pending", MailLedgerEntry.pending_at < now - timedelta(seconds=grace_s))
        .values(status="uncertain", error="the worker stopped during the send: it may or may not have left; "
                                          "not resent automatically")
    )
    return result.rowcount or 0


def _claim(sessions: sessionmaker[Session], row_id: int) -> MailLedgerEntry | None:
    with sessions() as session, session.begin():
        claimed = session.execute(
            update(MailLedgerEntry)
            .where(MailLedgerEntry.id == row_id, MailLedgerEntry.status == "queued")
            .values(status="pending", pending_at=utcnow(), attempts=MailLedgerEntry.attempts + 1)
        ).rowcount
        if not claimed:
            return None
        return session.get(MailLedgerEntry, row_id)


def deliver_queued(sessions: sessionmaker[Session], mailer: Mailer, *, limit: int = 100, max_attempts: int = 5,
                   pending_grace_s: float = 120.0) -> DeliveryReport:
    """Send queued email, oldest first, each at most once."""
    report = DeliveryReport()
    now = utcnow()
    with sessions() as session, session.begin():
        report.uncertain += mark_stale_pending(session, grace_s=pending_grace_s, now=now)
        ids = session.scalars(
            select(MailLedgerEntry.id)
            .where(MailLedgerEntry.status == "queued")
            .where((MailLedgerEntry.next_attempt_at.is_(None)) | (MailLedgerEntry.next_attempt_at <= now))
            .order_by(MailLedgerEntry.id)
            .limit(limit)
        ).all()
    for row_id in ids:
        row = _claim(sessions, row_id)
        if row is None:
            continue
        message = message_from_dict(row.message)
        values: dict
        try:
            result = mailer.send(message)
            values = {"status": "sent", "sent_at": utcnow(), "provider_id": result.provider_id[:200], "error": None}
            report.sent += 1
        except MailError as exc:
            if exc.delivered_unknown:
                values = {"status": "uncertain", "error": str(exc)[:2000]}
                report.uncertain += 1
            elif exc.transient and row.attempts < max_attempts:
                delay = min(2 ** row.attempts * 5, 600)
                values = {"status": "queued", "error": str(exc)[:2000],
                          "next_attempt_at": utcnow() + timedelta(seconds=delay)}
                report.retried += 1
            else:
                values = {"status": "failed", "error": str(exc)[:2000]}
                report.failed += 1
            log.warning("mail.not_sent", purpose=row.purpose, to=row.recipient, status=values["status"],
                        error=str(exc))
        with sessions() as session, session.begin():
            session.execute(update(MailLedgerEntry).where(MailLedgerEntry.id == row_id)
                            .values(backend=mailer.name, **values))
        if values["status"] == "sent":
            log.info("mail.sent", purpose=row.purpose, to=row.recipient, backend=mailer.name)
    return report


def send_once(sessions: sessionmaker[Session], mailer: Mailer, message: OutgoingMessage, *, purpose: str,
              attempt_key: str, ref: str = "") -> str:
    """Queue and deliver one message now; returns its ledger status (`sent` also when it was sent before)."""
    with sessions() as session, session.begin():
        queue_mail(session, message, purpose=purpose, attempt_key=attempt_key, ref=ref)
    recipient = message.to.strip().lower()
    with sessions() as session:
        row = session.scalar(select(MailLedgerEntry).where(
            MailLedgerEntry.purpose == purpose, MailLedgerEntry.recipient == recipient,
            MailLedgerEntry.attempt_key == attempt_key))
    if row.status == "queued":
        row = _claim(sessions, row.id)
        if row is None:
            return "pending"
        try:
            result = mailer.send(message)
        except MailError as exc:
            status = "uncertain" if exc.delivered_unknown else "failed"
            with sessions() as session, session.begin():
                session.execute(update(MailLedgerEntry).where(MailLedgerEntry.id == row.id)
                                .values(status=status, error=str(exc)[:2000], backend=mailer.name))
            return status
        with sessions() as session, session.begin():
            session.execute(update(MailLedgerEntry).where(MailLedgerEntry.id == row.id).values(
                status="sent", sent_at=utcnow(), provider_id=result.provider_id[:200], backend=mailer.name))
        return "sent"
    return row.status
