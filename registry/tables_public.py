"""Tables of the registry's public processes: fora (registrations, agenda, outcomes), the Group of Friends' focal
points and consultations, Clearinghouse submissions and its search index, the newsletter's subscribers and issues.

The search index has one row per resource and language (`reg_search_docs`); the database's own full-text engine
works over it: on SQLite an FTS5 table `fts_reg_search` (rowid = `doc_no`), on PostgreSQL a `fts_vector` tsvector
column with a GIN index. Both are created by hand in the migration (objects named `fts_*` are left out of the
autogenerate comparison, see db/migrations/env.py), because neither exists on the other engine.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime

# --- fora ------------------------------------------------------------------------------------------------------


class ForumRegistrationRow(Base):
    """A person registered for a forum (the event is an entry of the `events` registry)."""

    __tablename__ = "reg_forum_registrations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organization: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    attendance: Mapped[str] = mapped_column(String(32), default="participant")
    status: Mapped[str] = mapped_column(String(16), default="registered", index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("event_id", "email", name="uq_reg_forum_registrations_event_email"),)


class AgendaItemRow(Base):
    """One session of a forum's agenda."""

    __tablename__ = "reg_forum_agenda"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    day: Mapped[date] = mapped_column(Date)
    starts: Mapped[str] = mapped_column(String(5), doc="HH:MM local time")
    ends: Mapped[str] = mapped_column(String(5), default="")
    title: Mapped[str] = mapped_column(String(300))
    speakers: Mapped[str] = mapped_column(String(500), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ForumOutcomeRow(Base):
    """An endorsement, partnership announcement or project launch at a forum, linked to the entry it concerns."""

    __tablename__ = "reg_forum_outcomes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    entry_registry: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    announced_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Group of Friends ------------------------------------------------------------------------------------------


class FocalPointRow(Base):
    """A focal point of a member of the Group of Friends (a `friends` entry: a State or an organization)."""

    __tablename__ = "reg_focal_points"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    friend_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    lang: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ConsultationRow(Base):
    """A consultation of the Group of Friends: a question sent to focal points, answered by a deadline."""

    __tablename__ = "reg_consultations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ConsultationRecipientRow(Base):
    """A focal point a consultation was sent to, and their reply."""

    __tablename__ = "reg_consultation_recipients"
    consultation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    focal_point_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    position: Mapped[str] = mapped_column(String(16), default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


# --- Clearinghouse ---------------------------------------------------------------------------------------------


class SubmissionRow(Base):
    """A resource proposed by the public, waiting for moderation (approved ones become `clearinghouse` entries)."""

    __tablename__ = "reg_submissions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    data: Mapped[dict] = mapped_column(JSON)
    submitter_name: Mapped[str] = mapped_column(String(200), default="")
    submitter_email: Mapped[str] = mapped_column(String(254), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    moderated_by: Mapped[str] = mapped_column(String(254), default="")
    moderated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resource_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SearchDocRow(Base):
    """A Clearinghouse resource in one language as the full-text engine indexes it, with the facets."""

    __tablename__ = "reg_search_docs"
    doc_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    resource_id: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    regconfig: Mapped[str] = mapped_column(String(32), default="simple")
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="", doc="the text as the engine reads it (stemmed on SQLite)")
    theme: Mapped[str] = mapped_column(String(32), default="", index=True)
    region: Mapped[str] = mapped_column(String(100), default="", index=True)
    kind: Mapped[str] = mapped_column(String(32), default="", index=True)
    year: Mapped[int] = mapped_column(Integer, default=0, index=True)

    __table_args__ = (UniqueConstraint("resource_id", "lang", name="uq_reg_search_docs_resource_lang"),)


# --- newsletter ------------------------------------------------------------------------------------------------


class SubscriberRow(Base):
    """A newsletter subscriber: pending until they confirm from the email (double opt-in)."""

    __tablename__ = "reg_newsletter_subscribers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class NewsletterIssueRow(Base):
    """An issue of the newsletter: composed from the registry's activity, then handed to distribute/ to send."""

    __tablename__ = "reg_newsletter_issues"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    items: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (Index("ix_reg_newsletter_issues_period", "period_start", "period_end"),)
