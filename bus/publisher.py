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
        """Wait until everything sent is acknowledged by the broker."""

    def close(self) -> None:
        """Flush and release the connection."""


def record_key(topic: TopicSpec, record: Record) -> str:
    """The message key: the record field the catalog names as the topic's key (e.g. `article_id`)."""
    value = getattr(record, topic.key, None)
    return str(value) if value else record.message_id


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
        }
        options.update(overrides)
        self._producer = KafkaProducer(**options)

    def publish(self, topic: str, record: Record, key: str | None = None) -> None:
        """Send a record; the future's failure surfaces at `flush`."""
        entry = spec(topic)
        if not isinstance(record, entry.record):
            raise TypeError(f"topic {topic} carries {entry.record.__name__}, not {type(record).__name__}")
        self.send_raw(entry.full_name(self._prefix), record.to_json(), key or record_key(entry, record))

    def send_raw(self, full_topic: str, value: bytes, key: str | bytes | None = None,
                 headers: list[tuple[str, bytes]] | None = None):
        """Send bytes as they are to a topic by its full name (re-drive, fault tests); returns the future."""
        if isinstance(key, str):
            key = key.encode("utf-8")
        return self._producer.send(full_topic, value=value, key=key, headers=headers or [])

    def flush(self, timeout: float | None = None) -> None:
        """Block until every send is acknowledged (raises the first delivery error)."""
        self._producer.flush(timeout=timeout)

    def close(self, timeout: float = 10) -> None:
        """Flush and close; records the broker never acknowledged are reported, not silently dropped."""
        from kafka.errors import KafkaTimeoutError

        try:
            self._producer.close(timeout=timeout)
        except KafkaTimeoutError:
            log.warning("publisher.closed_with_unacknowledged_records", timeout_s=timeout)
