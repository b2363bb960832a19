"""Tables the spine owns: the outbox, the processed-message markers that make consumers idempotent, and the
re-drives of rejected messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class OutboxMessage(Base):
    """A record to publish, written in the same transaction as the change that implies it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Set when the row can never be published as it is (too large, topic unknown); `last_error` says why.
    #: A parked row is left aside (the rows behind it go on) until an operator re-drives it from /ops.
    parked_at: Mapped[datetime | None] = mapped_column(index=True)


class ProcessedMessage(Base):
    """Marks a message a consumer has handled, written in the same transaction as the handler's change."""

    __tablename__ = "processed_messages"

    consumer: Mapped[str] = mapped_column(String(120), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class Redrive(Base):
    """A rejected message an operator sent back to its source topic: who, whether the payload was corrected, and
    what became of it.

    Written `sent` by the web when the operator re-drives (committed before the send; `not sent` if the broker did
    not take it); the consumer the message was rejected by writes `applied` or `rejected again` (with the reason)
    when it has handled the re-driven copy (`bus.app.consume`). One table for both sides (issue 14: it was two,
    `web_redrives` and this one, repeating partition, offset and topic); migrations spine_0004 and web_0004.
    """

    __tablename__ = "redrives"

    redrive_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rejected_partition: Mapped[int] = mapped_column(Integer)
    rejected_offset: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), index=True)
    source_topic: Mapped[str] = mapped_column(String(200))
    consumer: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    by_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
