"""Read side of mail/ for the console: the demo sink and the send ledger."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .tables import MailLedgerEntry, SinkMessage


def sink_messages(session: Session, *, to: str = "", limit: int = 200) -> list[SinkMessage]:
    """The newest messages in the demo sink, optionally for one recipient."""
    query = select(SinkMessage).order_by(SinkMessage.id.desc()).limit(limit)
    if to:
        query = query.where(SinkMessage.to == to.strip().lower())
    return list(session.scalars(query))


def sink_message(session: Session, message_id: int) -> SinkMessage | None:
    """One message of the sink."""
    return session.get(SinkMessage, message_id)


def ledger_entries(session: Session, *, ref: str = "", statuses: tuple[str, ...] = (), limit: int = 200
                   ) -> list[MailLedgerEntry]:
    """Ledger rows, newest first, filtered by reference and status."""
    query = select(MailLedgerEntry).order_by(MailLedgerEntry.id.desc()).limit(limit)
    if ref:
        query = query.where(MailLedgerEntry.ref == ref)
    if statuses:
        query = query.where(MailLedgerEntry.status.in_(statuses))
    return list(session.scalars(query))


def ledger_counts(session: Session) -> dict[str, int]:
    """How many ledger rows are in each status (dashboards)."""
    rows = session.execute(select(MailLedgerEntry.status, func.count()).group_by(MailLedgerEntry.status))
    return {status: count for status, count in rows}
