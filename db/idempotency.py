"""Idempotent consumers: a message's effect and its processed marker are committed together."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import utcnow

from .tables import ProcessedMessage


def first_time(session: Session, consumer: str, message_id: str) -> bool:
    """Record that `consumer` handles `message_id` now; False if it already did (then change nothing).

    Call it inside the transaction that applies the message's effect: if that transaction rolls back, so does
    the marker, and the redelivered message is handled again.
    """
    seen = session.scalar(
        select(ProcessedMessage.message_id).where(
            ProcessedMessage.consumer == consumer, ProcessedMessage.message_id == message_id
        )
    )
    if seen is not None:
        return False
    session.add(ProcessedMessage(consumer=consumer, message_id=message_id, processed_at=utcnow()))
    session.flush()
    return True
