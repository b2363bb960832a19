"""Re-driven messages: each re-drive is applied once, and operators see what became of it.

A message rejected by a consumer keeps its `message_id`, and consumers that mark refusals (registry) or that had
written their marker before refusing would take a re-driven copy for one they handled. So a re-drive carries two
headers: `rrm-redrive-id` (new for every re-drive) and `rrm-redrive-for` (the consumer that rejected it).
`bus.app.consume` gives the copy a message id derived from the re-drive id (`redriven_message_id`): applied once
however often it is redelivered, never swallowed by the original's marker. Only the consumer named in
`rrm-redrive-for` handles it (others had applied the original already). That consumer then settles the re-drive
here: `applied` or `rejected again`, with the reason, shown on /ops/rejected.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bus.records import deterministic_id, utcnow

from .tables import Redrive

REDRIVE_ID_HEADER = "rrm-redrive-id"
REDRIVE_FOR_HEADER = "rrm-redrive-for"
SENT, APPLIED, REJECTED_AGAIN, NOT_SENT = "sent", "applied", "rejected again", "not sent"


def redriven_message_id(redrive_id: str, original_message_id: str) -> str:
    """The message id a re-driven copy is handled under: new for each re-drive, the same on redelivery."""
    return deterministic_id("redrive", redrive_id, original_message_id)


def start_redrive(session: Session, *, redrive_id: str, rejected_partition: int, rejected_offset: int,
                  source_topic: str, consumer: str, at: datetime, by_email: str = "", edited: bool = False) -> Redrive:
    """Record a re-drive as sent (by whom, with a corrected payload or not), in the caller's transaction."""
    row = Redrive(redrive_id=redrive_id, rejected_partition=rejected_partition, rejected_offset=rejected_offset,
                  source_topic=source_topic, consumer=consumer, outcome=SENT, reason="", sent_at=at,
                  by_email=by_email[:254], edited=edited)
    session.add(row)
    return row


def settle_redrive(sessions: sessionmaker[Session], redrive_id: str, outcome: str, reason: str = "") -> None:
    """Record what became of a re-driven message (a re-drive this store never saw, e.g. from a tool, is ignored)."""
    with sessions() as session, session.begin():
        row = session.get(Redrive, redrive_id)
        if row is not None:
            row.outcome, row.reason, row.settled_at = outcome, reason[:2000], utcnow()


def redrives_of(session: Session, positions: list[tuple[int, int]]) -> dict[tuple[int, int], list[Redrive]]:
    """The re-drives of rejected messages at (partition, offset), oldest first."""
    if not positions:
        return {}
    offsets = {o for _, o in positions}
    found: dict[tuple[int, int], list[Redrive]] = {}
    for row in session.scalars(select(Redrive).where(Redrive.rejected_offset.in_(offsets))
                               .order_by(Redrive.sent_at)):
        if (row.rejected_partition, row.rejected_offset) in positions:
            found.setdefault((row.rejected_partition, row.rejected_offset), []).append(row)
    return found
