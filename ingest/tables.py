"""The tables ingest/ owns: the feed registry with each feed's health, and the articles already seen.

Other stages and web/ read them through `ingest.queries`, never directly.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Feed(Base):
    """A news feed we poll, and how polling it went."""

    __tablename__ = "ingest_feeds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    lang: Mapped[str] = mapped_column(String(16), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    outlet: Mapped[str] = mapped_column(String(300), default="")
    interval_s: Mapped[int] = mapped_column(Integer, default=600)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(40), default="console")  # "file:<name>", "console", "demo"
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # health
    last_polled_at: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_status: Mapped[int] = mapped_column(Integer, default=0)
    last_note: Mapped[str] = mapped_column(Text, default="")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(BigInteger, default=0)
    items_rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    polls: Mapped[int] = mapped_column(BigInteger, default=0)
    next_poll_at: Mapped[datetime | None] = mapped_column(default=None)
    etag: Mapped[str] = mapped_column(String(500), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")


class SeenArticle(Base):
    """An article already published, by every key it can come back under (id, canonical URL, GUID)."""

    __tablename__ = "ingest_seen"

    article_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    url_key: Mapped[str] = mapped_column(String(40), default="", index=True)
    guid_key: Mapped[str] = mapped_column(String(40), default="", index=True)
    feed_id: Mapped[int | None] = mapped_column(BigId, default=None, index=True)
    url: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(16), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    published: Mapped[datetime | None] = mapped_column(default=None)
    first_seen_at: Mapped[datetime] = mapped_column(index=True)
    near_duplicate_of: Mapped[str] = mapped_column(String(36), default="")
    sketch: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
