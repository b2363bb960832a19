"""Tables translate/ owns: jobs (one per approved op-ed), one version per language, the chunk cache, a timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class TranslationJob(Base):
    """An approved op-ed to translate: its original text as the officer approved it."""

    __tablename__ = "translation_jobs"

    oped_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mobilization_id: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    source_lang: Mapped[str] = mapped_column(String(16))
    authors: Mapped[list] = mapped_column(JSON, default=list)
    officer: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class TranslationVersion(Base):
    """One language of one op-ed: its status, the machine draft (if any) and the reviewed text."""

    __tablename__ = "translation_versions"

    oped_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    backend: Mapped[str] = mapped_column(String(40), default="")
    machine_title: Mapped[str] = mapped_column(Text, default="")
    machine_body: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[list] = mapped_column(JSON, default=list)
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]


class CachedChunk(Base):
    """A translated chunk, keyed by backend, language pair and the chunk's hash."""

    __tablename__ = "translation_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    backend: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(16))
    translated: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class TranslationEvent(Base):
    """A line of an op-ed's translation timeline, readable by people."""

    __tablename__ = "translation_timeline"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    oped_id: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(16), default="")
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200), default="")
    what: Mapped[str] = mapped_column(Text)
