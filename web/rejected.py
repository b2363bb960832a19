"""The `rejected` topic for operators: read it page by page, and re-drive a message to its source topic.

Reading uses a group-less consumer and the high watermark of a Fetch (never ListOffsets: shared/GROUND.md).
Re-driving sends the original bytes (or a corrected payload, validated against the source topic's record first) with
the original key, a `rrm-redriven-from` header, a new re-drive id and the consumer that rejected it (db/redrives.py:
the copy is applied once, under a message id of its own, by that consumer only), and records it in the spine's
`redrives` table (`db.tables.Redrive`: who, whether corrected, and what became of it: sent, applied, rejected again,
not sent).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy.orm import Session

from bus.catalog import BY_NAME, spec
from bus.publisher import KafkaPublisher
from bus.records import MessageRejected
from config.settings import Settings
from db.redrives import NOT_SENT, REDRIVE_FOR_HEADER, REDRIVE_ID_HEADER, redrives_of, settle_redrive, start_redrive
from db.tables import Redrive

FAR_PAST_END = 2**40


class RedriveError(ValueError):
    """A rejected message cannot be re-driven as asked; the message says why."""


@dataclass
class RejectedMessage:
    """One message of the `rejected` topic, decoded for display."""

    partition: int
    offset: int
    at: datetime
    record: MessageRejected | None
    raw_record: bytes
    redrives: list[Redrive] = field(default_factory=list)  # oldest first

    @staticmethod
    def outcome_of(redrive: Redrive) -> tuple[str, str]:
        """What became of one re-drive: ("applied" | "rejected again" | "sent" | "not sent", reason)."""
        return redrive.outcome, redrive.reason

    @property
    def last_outcome(self) -> str:
        """What became of the latest re-drive ("" if never re-driven)."""
        return self.redrives[-1].outcome if self.redrives else ""

    @property
    def payload(self) -> bytes:
        """The rejected message's original bytes."""
        if self.record is None or not self.record.raw_b64:
            return b""
        try:
            return base64.b64decode(self.record.raw_b64)
        except ValueError:
            return b""

    @property
    def key(self) -> bytes:
        """The rejected message's original key."""
        if self.record is None or not self.record.key_b64:
            return b""
        try:
            return base64.b64decode(self.record.key_b64)
        except ValueError:
            return b""

    @property
    def payload_text(self) -> str:
        """The payload for people: pretty JSON if it is JSON, else the text with undecodable bytes marked."""
        raw = self.payload
        try:
            return json.dumps(json.loads(raw), indent=2, ensure_ascii=False, sort_keys=True)
        except (ValueError, UnicodeDecodeError):
            return raw.decode("utf-8", "backslashreplace")

    @property
    def source(self) -> str:
        """The unprefixed source topic (or the full name if it is not one of ours)."""
        return self.record.source_topic if self.record else ""


def _consumer(settings: Settings) -> KafkaConsumer:
    kafka = settings.kafka
    return KafkaConsumer(bootstrap_servers=kafka.servers, group_id=None, enable_auto_commit=False,
                         fetch_max_wait_ms=100, request_timeout_ms=int(kafka.request_timeout_s * 1000) + 5000,
                         client_id=f"{kafka.client_id}-rejected-viewer", bootstrap_timeout_ms=5000)


def _high_watermarks(consumer: KafkaConsumer, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    for tp in tps:
        consumer.seek(tp, FAR_PAST_END)
    highs: dict[TopicPartition, int] = {}
    for _ in range(10):
        consumer.poll(timeout_ms=200)
        highs = {tp: consumer.highwater(tp) for tp in tps if consumer.highwater(tp) is not None}
        if len(highs) == len(tps):
            break
    return highs


def _partitions(consumer: KafkaConsumer, topic: str, wait_s: float = 3.0) -> set[int]:
    """The topic's partitions; a new client may need a moment for its first metadata answer."""
    deadline = time.monotonic() + wait_s
    partitions = consumer.partitions_for_topic(topic) or set()
    while not partitions and time.monotonic() < deadline:
        time.sleep(0.1)
        partitions = consumer.partitions_for_topic(topic) or set()
    return partitions


def read_rejected(settings: Settings, limit: int = 50, before: dict[int, int] | None = None
                  ) -> tuple[list[RejectedMessage], int]:
    """The newest `limit` rejected messages (before the given offsets per partition), newest first, and the total."""
    full = spec("rejected").full_name(settings.kafka.topic_prefix)
    consumer = _consumer(settings)
    try:
        partitions = _partitions(consumer, full)
        tps = [TopicPartition(full, p) for p in sorted(partitions)]
        if not tps:
            return [], 0
        consumer.assign(tps)
        highs = _high_watermarks(consumer, tps)
        found: list[RejectedMessage] = []
        for tp in tps:
            stop = min(highs.get(tp, 0), (before or {}).get(tp.partition, FAR_PAST_END))
            start = max(0, stop - limit)
            if stop <= start:
                continue
            consumer.seek(tp, start)
            found.extend(_read_range(consumer, tp, start, stop))
        found.sort(key=lambda m: (m.at, m.offset), reverse=True)
        return found[:limit], sum(highs.values())
    finally:
        consumer.close()


def read_one(settings: Settings, partition: int, offset: int) -> RejectedMessage | None:
    """One rejected message by its position, or None."""
    full = spec("rejected").full_name(settings.kafka.topic_prefix)
    consumer = _consumer(settings)
    try:
        if partition not in _partitions(consumer, full):
            return None
        tp = TopicPartition(full, partition)
        consumer.assign([tp])
        highs = _high_watermarks(consumer, [tp])
        if offset < 0 or offset >= highs.get(tp, 0):
            return None
        consumer.seek(tp, offset)
        found = _read_range(consumer, tp, offset, offset + 1)
        return found[0] if found else None
    finally:
        consumer.close()


def _read_range(consumer: KafkaConsumer, tp: TopicPartition, start: int, stop: int) -> list[RejectedMessage]:
    found = []
    empty = 0
    while empty < 5:
        batch = consumer.poll(timeout_ms=300, max_records=500).get(tp, [])
        if not batch:
            empty += 1
            continue
        for message in batch:
            if start <= message.offset < stop:
                try:
                    record = MessageRejected.from_json(message.value)
                except Exception:  # a malformed rejection is shown raw rather than hidden
                    record = None
                found.append(RejectedMessage(tp.partition, message.offset,
                                             datetime.fromtimestamp(message.timestamp / 1000, UTC), record,
                                             message.value))
        if batch[-1].offset >= stop - 1:
            break
    return found


def attach_redrives(session: Session, messages: list[RejectedMessage]) -> None:
    """Fill each message's `redrives` from the store, oldest first."""
    found = redrives_of(session, [(m.partition, m.offset) for m in messages])
    for message in messages:
        message.redrives = found.get((message.partition, message.offset), [])


def redrive(settings: Settings, session: Session, message: RejectedMessage, by_email: str,
            corrected: str | None = None) -> str:
    """Send a rejected message back to its source topic; returns the unprefixed topic name."""
    prefix = settings.kafka.topic_prefix
    if message.record is None:
        raise RedriveError("This rejection record is unreadable, so its source is unknown.")
    source = message.record.source_topic
    name = source[len(prefix):] if source.startswith(prefix) else ""
    if name not in BY_NAME or name == "rejected":
        raise RedriveError(f"The source topic {source!r} is not one of this engine's topics; it cannot be re-driven.")
    payload = message.payload
    if corrected is not None:
        corrected = corrected.replace("\r\n", "\n")
    edited = corrected is not None and corrected.strip() != message.payload_text.strip()
    if edited:
        payload = corrected.encode("utf-8")
        try:
            BY_NAME[name].record.from_json(payload)
        except Exception as exc:
            raise RedriveError(f"The corrected payload is not a valid {BY_NAME[name].record.__name__}: {exc}") from exc
    at, redrive_id = datetime.now(UTC), uuid.uuid4().hex
    # committed before the send: the consumer settles this row as soon as it has handled the copy
    with Session(session.get_bind()) as own, own.begin():
        start_redrive(own, redrive_id=redrive_id, rejected_partition=message.partition,
                      rejected_offset=message.offset, source_topic=name, consumer=message.record.consumer, at=at,
                      by_email=by_email, edited=edited)
    publisher = KafkaPublisher(settings.kafka, client_id=f"{settings.kafka.client_id}-redrive")
    try:
        headers = [("rrm-redriven-from", f"{prefix}rejected:{message.partition}:{message.offset}".encode()),
                   (REDRIVE_ID_HEADER, redrive_id.encode()),
                   (REDRIVE_FOR_HEADER, message.record.consumer.encode("utf-8"))]
        future = publisher.send_raw(source, payload, message.key or None, headers=headers)
        publisher.flush(timeout=settings.kafka.request_timeout_s)
        future.get(timeout=0)  # raises if the broker did not take it
    except Exception as exc:
        settle_redrive(sessionmaker_of(session), redrive_id, NOT_SENT, f"{type(exc).__name__}: {exc}")
        raise RedriveError(f"The bus did not take the message ({type(exc).__name__}); nothing was sent. "
                           "Try again in a minute.") from exc
    finally:
        publisher.close()
    return name


def sessionmaker_of(session: Session):
    """A session factory on the same database as `session` (for a write that must not wait for its commit)."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(bind=session.get_bind())
