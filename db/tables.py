"""Tables the spine owns: the outbox and the processed-message markers that make consumers idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
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
