"""Tables mail/ owns: the send ledger (also the queue of email to send) and the demo sink."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class MailLedgerEntry(Base):
    """One email, keyed by (purpose, recipient, attempt key).

    `queued` (in the caller's transaction) -> `pending` (committed just before the send) -> `sent` or `failed`.
    A row found `pending` after a crash becomes `uncertain` and is never sent again automatically.
    """

    __tablename__ = "mail_ledger"
    __table_args__ = (UniqueConstraint("purpose", "recipient", "attempt_key", name="uq_mail_ledger_key"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(80))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    attempt_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    message: Mapped[dict] = mapped_column(JSON)
    ref: Mapped[str] = mapped_column(String(120), default="", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    pending_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    backend: Mapped[str] = mapped_column(String(20), default="")
    provider_id: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text)


class SinkMessage(Base):
    """An email kept by the demo sink instead of being sent, readable in the console."""

    __tablename__ = "mail_sink"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    to: Mapped[str] = mapped_column(String(320), index=True)
    to_name: Mapped[str] = mapped_column(String(200), default="")
    from_address: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[dict] = mapped_column(JSON)
    categories: Mapped[list] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime]
