"""The tables registry/ owns: one per registry (the entry's validated data as JSON plus the columns lists and
filters need), the Clearinghouse's texts per language, and summary tables kept from the main stream's events (so
the yearly report never reads another stage's tables).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime


class EntryColumns:
    """What every registry table has: id, status (active/retired), version, data, times."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class FriendRow(EntryColumns, Base):
    """A member of the Group of Friends."""

    __tablename__ = "reg_friends"
    kind: Mapped[str] = mapped_column(String(32), default="")


class AmbassadorRow(EntryColumns, Base):
    """An Ambassador or a personality of the network."""

    __tablename__ = "reg_ambassadors"
    member_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    role: Mapped[str] = mapped_column(String(32), default="")


class PartnerRow(EntryColumns, Base):
    """A partner."""

    __tablename__ = "reg_partners"
    kind: Mapped[str] = mapped_column(String(32), default="")


class ProjectRow(EntryColumns, Base):
    """A project with its category, theme, the Alliance's role and its status."""

    __tablename__ = "reg_projects"
    category: Mapped[str] = mapped_column(String(32), default="")
    theme: Mapped[str] = mapped_column(String(32), default="", index=True)
    role: Mapped[str] = mapped_column(String(32), default="")
    project_status: Mapped[str] = mapped_column(String(32), default="")


class ResourceRow(EntryColumns, Base):
    """A Clearinghouse resource (its texts are in `reg_resource_texts`)."""

    __tablename__ = "reg_resources"
    kind: Mapped[str] = mapped_column(String(32), default="")
    theme: Mapped[str] = mapped_column(String(32), default="", index=True)
    subjects: Mapped[str] = mapped_column(String(300), default="", doc="space-separated subject codes, padded")
    oped_id: Mapped[str] = mapped_column(String(64), default="", index=True)


class ResourceTextRow(Base):
    """A resource in one language, with the normalized text the public search runs over."""

    __tablename__ = "reg_resource_texts"
    resource_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_reg_resource_texts_lang", "lang"),)


class EventRow(EntryColumns, Base):
    """A forum or meeting."""

    __tablename__ = "reg_events"
    kind: Mapped[str] = mapped_column(String(32), default="")
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)


class FundRow(EntryColumns, Base):
    """A contribution, pledge, application or grant."""

    __tablename__ = "reg_fund_entries"
    fund: Mapped[str] = mapped_column(String(32), default="", index=True)
    kind: Mapped[str] = mapped_column(String(32), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    currency: Mapped[str] = mapped_column(String(3), default="")
    year: Mapped[int] = mapped_column(Integer, default=0, index=True)
    decision: Mapped[str] = mapped_column(String(16), default="")


# --- kept from the main stream ---------------------------------------------------------------------------------

class MemberActivityRow(Base):
    """Counts per network member, from invitations.answered, opeds.approved and opeds.released."""

    __tablename__ = "reg_member_activity"
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    invitations_answered: Mapped[int] = mapped_column(Integer, default=0)
    invitations_accepted: Mapped[int] = mapped_column(Integer, default=0)
    opeds_written: Mapped[int] = mapped_column(Integer, default=0)
    opeds_published: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AnswerRow(Base):
    """An invitation's answer (accepted, declined, expired)."""

    __tablename__ = "reg_answers"
    invitation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mobilization_id: Mapped[str] = mapped_column(String(64), index=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    answer: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MobilizationRow(Base):
    """A mobilization as the report sees it."""

    __tablename__ = "reg_mobilizations"
    mobilization_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    urgent: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class OpEdRow(Base):
    """An approved op-ed, its original text and when it was first released."""

    __tablename__ = "reg_opeds"
    oped_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mobilization_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="en")
    authors: Mapped[list] = mapped_column(JSON, default=list)
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OpEdTextRow(Base):
    """An approved translation of an op-ed (translations.ready)."""

    __tablename__ = "reg_oped_texts"
    oped_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    ready_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReleaseRow(Base):
    """A distribution released to editors (opeds.released)."""

    __tablename__ = "reg_releases"
    distribution_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    oped_id: Mapped[str] = mapped_column(String(64), index=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    outlets: Mapped[list] = mapped_column(JSON, default=list)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    released_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

from . import tables_programmes as _programmes  # noqa: E402, F401 - the programmes' tables (issue 16), registered on Base
from . import tables_public as _public  # noqa: E402, F401 - the public processes' tables (issue 16), registered on Base
