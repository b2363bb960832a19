"""Records the engine itself emits: rejected messages and outbox bookkeeping."""

from __future__ import annotations

from .base import Record


class MessageRejected(Record, namespace="rrm.MessageRejected"):
    """A message that could not be decoded, validated or handled, kept with its reason and raw bytes."""

    key_fields = ("source_topic", "partition", "offset", "raw_b64")

    source_topic: str = ""
    partition: int = -1
    offset: int = -1
    consumer: str = ""
    reason: str = ""
    error_type: str = ""
    key_b64: str = ""
    raw_b64: str = ""
    headers: dict[str, str] | None = None
    redriven_from: str = ""
