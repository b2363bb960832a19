"""The outbox: a database change and the event it implies are published together or not at all.

Writers call `add_to_outbox(session, topic, record)` inside the transaction of their change; a record too large for
the bus is refused there (`RecordTooLarge`), so the user action that made it gets a clear error. The relay
(`OutboxRelay.run_once`) sends pending rows in order and marks a row published only when the broker acknowledged
that row's own send. A crash between the broker's ack and the mark republishes the same record with the same
`message_id`, which idempotent consumers ignore: the effect happens once. A row that can never be published as it
is (too large for the broker, topic unknown) is parked with its reason: the rows behind it go on, and an operator
sees it on /ops and can re-drive it. Published rows and processed-message markers older than the retention are
pruned by the relay (`prune`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from kafka import errors as kafka_errors
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bus.catalog import spec
from bus.publisher import KafkaPublisher, record_key
from bus.records import Record, utcnow

from .tables import OutboxMessage, ProcessedMessage

log = structlog.get_logger(__name__)

#: Largest record the outbox accepts, in bytes of JSON. Kafka's default message size limit (broker
#: `message.max.bytes`, producer `max_request_size`) is 1 MiB including the batch overhead.
MAX_RECORD_BYTES = 900_000

#: Errors that mean this record can never be published as it is: the row is parked, the rest go on.
UNPUBLISHABLE = (kafka_errors.MessageSizeTooLargeError, kafka_errors.RecordListTooLargeError,
                 kafka_errors.InvalidTopicError, kafka_errors.TopicAuthorizationFailedError)

#: Errors after which a producer does not recover by itself: it is closed and built again.
FATAL = (kafka_errors.UnknownProducerIdError, kafka_errors.OutOfOrderSequenceNumberError,
         kafka_errors.InvalidProducerEpochError, kafka_errors.ProducerFencedError, kafka_errors.IllegalStateError)


class RecordTooLarge(ValueError):
    """A record larger than the bus accepts; the message says which and how large (safe to show to users)."""


def add_to_outbox(session: Session, topic: str, record: Record, key: str | None = None) -> OutboxMessage:
    """Queue a record for publishing in the caller's transaction; `RecordTooLarge` if the bus could never carry it."""
    entry = spec(topic)
    if not isinstance(record, entry.record):
        raise TypeError(f"topic {topic} carries {entry.record.__name__}, not {type(record).__name__}")
    payload = record.to_json()
    if len(payload) > MAX_RECORD_BYTES:
        raise RecordTooLarge(f"This {type(record).__name__} is {len(payload):,} bytes; the bus carries at most "
                             f"{MAX_RECORD_BYTES:,}. Shorten the text.")
    row = OutboxMessage(
        topic=topic,
        key=key or record_key(entry, record),
        message_id=record.message_id,
        payload=payload,
        created_at=utcnow(),
    )
    session.add(row)
    return row


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


class OutboxRelay:
    """Publishes outbox rows to the bus, oldest first, each marked only once the broker acknowledged it."""

    def __init__(self, sessions: sessionmaker[Session], publisher: KafkaPublisher, topic_prefix: str,
                 batch_size: int = 500, ack_timeout_s: float = 30.0, retention: timedelta | None = None,
                 prune_every_s: float = 3600.0) -> None:
        self._sessions = sessions
        self._publisher = publisher
        self._prefix = topic_prefix
        self._batch = batch_size
        self._ack_timeout = ack_timeout_s
        self._retention = retention
        self._prune_every = prune_every_s
        self._pruned_at: float | None = None
        self._stop = threading.Event()

    def run_once(self) -> int:
        """Publish one batch; return how many rows the broker acknowledged (and were marked published).

        Rows whose send failed stay pending (sent again next time); rows that can never be sent are parked. A
        producer in a fatal state, or whose sends did not complete in time, is rebuilt. Raises when nothing at
        all could be sent (the broker is unreachable), so `run_forever` backs off.
        """
        with self._sessions() as session:
            rows = session.execute(
                select(OutboxMessage.id, OutboxMessage.topic, OutboxMessage.key, OutboxMessage.payload)
                .where(OutboxMessage.published_at.is_(None), OutboxMessage.parked_at.is_(None))
                .order_by(OutboxMessage.id)
                .limit(self._batch)
            ).all()
        if not rows:
            return 0
        sent: list[tuple[int, object]] = []
        parked: dict[int, str] = {}
        stopped: BaseException | None = None
        for row_id, topic, key, payload in rows:
            try:
                full = spec(topic).full_name(self._prefix)
            except KeyError:
                parked[row_id] = f"topic {topic!r} is not in the catalog"
                continue
            try:
                sent.append((row_id, self._publisher.send_raw(full, payload, key)))
            except UNPUBLISHABLE as exc:
                parked[row_id] = _error(exc)
            except Exception as exc:  # the producer cannot send now: keep this row and the rest for next time
                stopped = exc
                break
        try:
            self._publisher.flush(timeout=self._ack_timeout)
        except kafka_errors.KafkaTimeoutError as exc:
            stopped = stopped or exc
        acked: list[int] = []
        failed: dict[int, str] = {}
        first_failure: BaseException | None = None
        for row_id, future in sent:
            if not future.is_done:
                continue
            if future.succeeded():
                acked.append(row_id)
            elif isinstance(future.exception, UNPUBLISHABLE):
                parked[row_id] = _error(future.exception)
            else:
                failed[row_id] = _error(future.exception)
                first_failure = first_failure or future.exception
                if isinstance(future.exception, FATAL):
                    stopped = stopped or future.exception
        if stopped is not None or (failed and not acked):
            # Its state is suspect (a fatal error, sends that did not complete, or nothing acknowledged at all, as
            # when the broker restarted and forgot this producer): a new producer sends what this one held.
            self._publisher.reset()
        self._record(acked, parked, failed)
        if not acked and (stopped is not None or first_failure is not None):
            raise stopped or first_failure  # nothing could be sent: `run_forever` backs off
        return len(acked)

    def _record(self, acked: list[int], parked: dict[int, str], failed: dict[int, str]) -> None:
        now = utcnow()
        with self._sessions() as session:
            if acked:
                session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(acked))
                                .values(published_at=now, attempts=OutboxMessage.attempts + 1, last_error=None),
                                execution_options={"synchronize_session": False})
            for row_id, reason in parked.items():
                session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                                .values(parked_at=now, last_error=reason, attempts=OutboxMessage.attempts + 1))
            for row_id, reason in failed.items():
                session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                                .values(last_error=reason, attempts=OutboxMessage.attempts + 1))
            session.commit()
        if acked:
            log.info("outbox.published", count=len(acked))
        for row_id, reason in parked.items():
            log.error("outbox.parked", row=row_id, reason=reason)
        if failed:
            log.warning("outbox.send_failed", count=len(failed), first_error=next(iter(failed.values())))

    def prune_if_due(self) -> None:
        """Prune old rows when the retention is set and the last pruning is older than `prune_every_s`."""
        if self._retention is None or (self._pruned_at is not None
                                       and time.monotonic() - self._pruned_at < self._prune_every):
            return
        self._pruned_at = time.monotonic()
        outbox, processed = prune(self._sessions, utcnow() - self._retention)
        log.info("outbox.pruned", outbox_rows=outbox, processed_markers=processed)

    def run_forever(self, idle_s: float = 0.2) -> None:
        """Relay until `stop()`; errors are logged and retried with back-off, never swallowed silently."""
        delay = idle_s
        while not self._stop.is_set():
            try:
                self.prune_if_due()
                published = self.run_once()
                delay = idle_s
            except Exception as exc:  # broker or database down: back off, keep the rows
                log.warning("outbox.retry", error=_error(exc), retry_in_s=delay)
                published = 0
                delay = min(delay * 2, 10.0)
            if not published:
                self._stop.wait(delay)

    def stop(self) -> None:
        """Ask `run_forever` to return."""
        self._stop.set()


def prune(sessions: sessionmaker[Session], before: datetime) -> tuple[int, int]:
    """Delete outbox rows published and processed-message markers written before `before`; return both counts.

    Pending and parked rows are kept whatever their age. `before` must lie before the embedded broker's replay
    window (settings check it): a replayed message must still find its processed marker.
    """
    with sessions() as session:
        outbox = session.execute(delete(OutboxMessage).where(OutboxMessage.published_at < before))
        processed = session.execute(delete(ProcessedMessage).where(ProcessedMessage.processed_at < before))
        session.commit()
        return outbox.rowcount or 0, processed.rowcount or 0


@dataclass(frozen=True)
class ParkedRow:
    """An outbox row the relay set aside, for the operator dashboard."""

    id: int
    topic: str
    message_id: str
    size: int
    reason: str
    created_at: datetime
    parked_at: datetime


def parked_rows(sessions: sessionmaker[Session], limit: int = 50) -> list[ParkedRow]:
    """Parked outbox rows, oldest first."""
    with sessions() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.topic, OutboxMessage.message_id,
                   func.length(OutboxMessage.payload), OutboxMessage.last_error, OutboxMessage.created_at,
                   OutboxMessage.parked_at)
            .where(OutboxMessage.parked_at.is_not(None)).order_by(OutboxMessage.id).limit(limit)
        ).all()
    return [ParkedRow(r[0], r[1], r[2], r[3] or 0, r[4] or "", r[5], r[6]) for r in rows]


def redrive_parked(sessions: sessionmaker[Session], row_id: int) -> bool:
    """Queue a parked row for publishing again (after the broker's limit was raised, the topic created...)."""
    with sessions() as session:
        result = session.execute(update(OutboxMessage)
                                 .where(OutboxMessage.id == row_id, OutboxMessage.parked_at.is_not(None))
                                 .values(parked_at=None, last_error=None))
        session.commit()
        return bool(result.rowcount)


def table_sizes(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Row counts of the spine's tables, for the operator dashboard."""
    with sessions() as session:
        return {
            "outbox": session.scalar(select(func.count()).select_from(OutboxMessage)) or 0,
            "outbox_pending": session.scalar(select(func.count()).where(
                OutboxMessage.published_at.is_(None), OutboxMessage.parked_at.is_(None))) or 0,
            "outbox_parked": session.scalar(select(func.count()).where(OutboxMessage.parked_at.is_not(None))) or 0,
            "processed_messages": session.scalar(select(func.count()).select_from(ProcessedMessage)) or 0,
        }


def replay_since(sessions: sessionmaker[Session], since) -> int:  # datetime
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
    """How many outbox rows wait to be published (dashboards); parked rows are not counted."""
    with sessions() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.published_at.is_(None),
                                                          OutboxMessage.parked_at.is_(None))) or 0


__all__ = ["MAX_RECORD_BYTES", "OutboxRelay", "ParkedRow", "RecordTooLarge", "add_to_outbox", "parked_rows",
           "pending_count", "prune", "record_key", "redrive_parked", "replay_since", "table_sizes"]
