"""The outbox: a database change and the event it implies are published together or not at all.

Writers call `add_to_outbox(session, topic, record)` inside the transaction of their change. The relay
(`OutboxRelay.run_once`) publishes unpublished rows in order, waits for the broker's acknowledgement, then marks
them published. A crash between the broker's ack and the mark republishes the same record with the same
`message_id`, which idempotent consumers ignore: the effect happens once.
"""

from __future__ import annotations

import threading

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bus.catalog import spec
from bus.publisher import KafkaPublisher, record_key
from bus.records import Record, utcnow

from .tables import OutboxMessage

log = structlog.get_logger(__name__)


def add_to_outbox(session: Session, topic: str, record: Record, key: str | None = None) -> OutboxMessage:
    """Queue a record for publishing in the caller's transaction."""
    entry = spec(topic)
    if not isinstance(record, entry.record):
        raise TypeError(f"topic {topic} carries {entry.record.__name__}, not {type(record).__name__}")
    row = OutboxMessage(
        topic=topic,
        key=key or record_key(entry, record),
        message_id=record.message_id,
        payload=record.to_json(),
        created_at=utcnow(),
    )
    session.add(row)
    return row


class OutboxRelay:
    """Publishes outbox rows to the bus, oldest first."""

    def __init__(self, sessions: sessionmaker[Session], publisher: KafkaPublisher, topic_prefix: str,
                 batch_size: int = 500) -> None:
        self._sessions = sessions
        self._publisher = publisher
        self._prefix = topic_prefix
        self._batch = batch_size
        self._stop = threading.Event()

    def run_once(self) -> int:
        """Publish one batch; return how many rows were published."""
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.published_at.is_(None))
                .order_by(OutboxMessage.id)
                .limit(self._batch)
            ).all()
            if not rows:
                return 0
            for row in rows:
                self._publisher.send_raw(spec(row.topic).full_name(self._prefix), row.payload, row.key)
            self._publisher.flush(timeout=30)
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([r.id for r in rows]))
                .values(published_at=utcnow(), attempts=OutboxMessage.attempts + 1)
            )
            session.commit()
            log.info("outbox.published", count=len(rows))
            return len(rows)

    def run_forever(self, idle_s: float = 0.2) -> None:
        """Relay until `stop()`; errors are logged and retried with back-off, never swallowed silently."""
        delay = idle_s
        while not self._stop.is_set():
            try:
                published = self.run_once()
                delay = idle_s
            except Exception as exc:  # broker or database down: back off, keep the rows
                log.warning("outbox.retry", error=f"{type(exc).__name__}: {exc}", retry_in_s=delay)
                published = 0
                delay = min(delay * 2, 10.0)
            if not published:
                self._stop.wait(delay)

    def stop(self) -> None:
        """Ask `run_forever` to return."""
        self._stop.set()


def replay_since(sessions: sessionmaker[Session], since) -> int:  # noqa: ANN001 - datetime
    """Mark outbox rows created since `since` as unpublished, so the relay sends them again.

    Used when the embedded broker (which keeps messages in memory) starts afresh: what it held is re-published,
    and idempotent consumers ignore what they had already applied. Returns the number of rows queued again.
    """
    with sessions() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.created_at >= since, OutboxMessage.published_at.is_not(None))
            .values(published_at=None)
        )
        session.commit()
        return result.rowcount or 0


def pending_count(sessions: sessionmaker[Session]) -> int:
    """How many outbox rows wait to be published (dashboards)."""
    from sqlalchemy import func

    with sessions() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.published_at.is_(None))) or 0


__all__ = ["OutboxRelay", "add_to_outbox", "pending_count", "record_key", "replay_since"]
