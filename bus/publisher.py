"""Publishing records with kafka-python, for plain producers (ingest's poller, the outbox relay, tools, tests)."""

from __future__ import annotations

from typing import Protocol

import structlog
from kafka import KafkaProducer

from config.settings import KafkaSettings

from .catalog import TopicSpec, spec
from .records import Record

log = structlog.get_logger(__name__)


class Publisher(Protocol):
    """Sends records to topics of the catalog."""

    def publish(self, topic: str, record: Record, key: str | None = None) -> None:
        """Send one record to a topic (by its unprefixed catalog name)."""

    def flush(self, timeout: float | None = None) -> None:
        """Wait until everything sent has completed (check each send's result: a flush does not raise for it)."""

    def close(self) -> None:
        """Flush and release the connection."""


def record_key(topic: TopicSpec, record: Record) -> str:
    """The message key: the record field the catalog names as the topic's key (e.g. `article_id`)."""
    value = getattr(record, topic.key, None)
    return str(value) if value else record.message_id


def _abandon(producer: KafkaProducer) -> None:
    """Close a producer without waiting for the records it holds (their futures fail).

    kafka-python's `close(timeout)` flushes first and raises `KafkaTimeoutError` while records are pending, before it
    stops its sender thread: that thread went on retrying for the life of the process, and the producer's finalizer
    failed the same way later. So when records are pending, the sender is force-closed (kafka-python's own path for
    this: it fails the pending batches and closes the connections) and the producer is closed after it.
    """
    from kafka.errors import KafkaTimeoutError

    try:
        producer.close(timeout=0)
        return
    except KafkaTimeoutError:
        pass
    except Exception as exc:  # a broken producer may fail to close in other ways; it is stopped below either way
        log.warning("publisher.reset_close_failed", error=f"{type(exc).__name__}: {exc}")
    sender = getattr(producer, "_sender", None)
    if sender is not None:
        sender.force_close()
        sender.join(timeout=10)
    try:
        producer.close(timeout=0)
    except Exception as exc:
        log.warning("publisher.reset_close_failed", error=f"{type(exc).__name__}: {exc}")


class KafkaPublisher:
    """A `Publisher` over kafka-python's producer: acks from all replicas, retries, keys from the catalog."""

    def __init__(self, kafka: KafkaSettings, **overrides: object) -> None:
        self._prefix = kafka.topic_prefix
        options: dict[str, object] = {
            "bootstrap_servers": kafka.servers,
            "client_id": f"{kafka.client_id}-publisher",
            "acks": "all",
            "retries": 10,
            "linger_ms": 5,
            "max_in_flight_requests_per_connection": 1,  # keeps order per partition across retries
            "request_timeout_ms": int(kafka.request_timeout_s * 1000),
            # send() waits at most this long for metadata (a topic not created yet, a broker down), not 60 s
            "max_block_ms": int(kafka.request_timeout_s * 1000),
            # Idempotence off, on purpose. The idempotent producer's state (producer id, sequence numbers) lives in
            # the broker; the embedded broker keeps it in memory, so after a restart every send fails with
            # UNKNOWN_PRODUCER_ID and the producer stays broken (docs/guarantees.md 3). What idempotence would buy,
            # no duplicate from a retried send, every consumer already has: records carry a deterministic
            # message_id and consumers ignore one they handled (db/idempotency.py). Order per partition is kept by
            # one request in flight per connection.
            "enable_idempotence": False,
        }
        options.update(overrides)
        self._options = options
        self._producer: KafkaProducer | None = KafkaProducer(**options)

    @property
    def producer(self) -> KafkaProducer:
        """The current kafka-python producer (built again after `reset()`)."""
        if self._producer is None:
            self._producer = KafkaProducer(**self._options)
        return self._producer

    def reset(self) -> None:
        """Drop the producer and what it still holds; the next send builds a new one.

        For a producer in a state it does not leave by itself (a fatal error, sends that never complete): records
        it held are abandoned, so their senders (the outbox relay) must keep them and send them again.
        """
        producer, self._producer = self._producer, None
        if producer is not None:
            _abandon(producer)
        log.warning("publisher.reset")

    def publish(self, topic: str, record: Record, key: str | None = None):
        """Send a record; returns its future (see `send_raw`)."""
        entry = spec(topic)
        if not isinstance(record, entry.record):
            raise TypeError(f"topic {topic} carries {entry.record.__name__}, not {type(record).__name__}")
        return self.send_raw(entry.full_name(self._prefix), record.to_json(), key or record_key(entry, record))

    def send_raw(self, full_topic: str, value: bytes, key: str | bytes | None = None,
                 headers: list[tuple[str, bytes]] | None = None):
        """Send bytes as they are to a topic by its full name; returns the future of this one record.

        The future tells whether the broker acknowledged this record (`future.get()` raises its error).
        """
        if isinstance(key, str):
            key = key.encode("utf-8")
        return self.producer.send(full_topic, value=value, key=key, headers=headers or [])

    def flush(self, timeout: float | None = None) -> None:
        """Block until every send has completed, acknowledged or failed.

        It does not raise for a failed send (kafka-python's flush never does): check each send's future. It raises
        `KafkaTimeoutError` when sends are still in progress after `timeout`.
        """
        if self._producer is not None:
            self._producer.flush(timeout=timeout)

    def close(self, timeout: float = 10) -> None:
        """Flush and close; records the broker never acknowledged are reported, not silently dropped."""
        from kafka.errors import KafkaTimeoutError

        producer, self._producer = self._producer, None
        if producer is None:
            return
        try:
            producer.close(timeout=timeout)
        except KafkaTimeoutError:
            log.warning("publisher.closed_with_unacknowledged_records", timeout_s=timeout)
