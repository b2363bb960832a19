"""Tables of the registry's programmes run as processes (issue 16): the public forms kit (submissions and their
attachments), the Ambassadors' pipeline, the Youth Solidarity Fund's calls to reports, the Voluntary Trust Fund's
donors to the Advisory Board, and one timeline every step writes to.

People are linked by id, never by a typed name: an Ambassador who is a network member carries the member's id
(mobilize/'s network, read through its queries by the console), a donor carries its partner entry's id.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime

# --- public forms kit ------------------------------------------------------------------------------------------


class FormSubmissionRow(Base):
    """One person's answers to a public form, editable through a signed link until the form's deadline."""

    __tablename__ = "reg_form_submissions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    form: Mapped[str] = mapped_column(String(64), index=True, doc="which form, e.g. 'ysf.application'")
    subject_id: Mapped[str] = mapped_column(String(64), default="", index=True, doc="what it answers (a call, a forum)")
    email: Mapped[str] = mapped_column(String(320), default="")
    answers: Mapped[dict] = mapped_column(JSON)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    edits: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FormAttachmentRow(Base):
    """A file sent with a public form: kept from the moment it arrives (a bad submission does not lose it)."""

    __tablename__ = "reg_form_attachments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True, doc="random: also the claim ticket of a pending file")
    form: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    submission_id: Mapped[str] = mapped_column(String(64), default="", index=True, doc="'' while pending")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


# --- one timeline for every programme ---------------------------------------------------------------------------


class ProgrammeStepRow(Base):
    """A step a person took in a programme, as the timeline shows it."""

    __tablename__ = "reg_programme_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(320), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_reg_programme_steps_subject", "programme", "subject_id"),)


# --- Ambassadors -------------------------------------------------------------------------------------------------


class AmbassadorCandidateRow(Base):
    """A personality on the way to (or serving as) an AoC Ambassador."""

    __tablename__ = "reg_amb_candidates"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[str] = mapped_column(String(64), default="", index=True, doc="mobilize/'s member id, if any")
    email: Mapped[str] = mapped_column(String(320), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    profile: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text, default="", doc="why nominated")
    nominated_by: Mapped[str] = mapped_column(String(320), default="")
    proposed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    term_starts: Mapped[date | None] = mapped_column(Date, nullable=True)
    term_ends: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    reminded_for: Mapped[date | None] = mapped_column(Date, nullable=True, doc="term end last reminded about")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AmbassadorActivityRow(Base):
    """Something an Ambassador did: an op-ed, a forum, a project."""

    __tablename__ = "reg_amb_activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("reg_amb_candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    happened_on: Mapped[date] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- Youth Solidarity Fund ---------------------------------------------------------------------------------------


class YsfCallRow(Base):
    """A call for applications with its deadline, weighted criteria and eligibility rules."""

    __tablename__ = "reg_ysf_calls"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    criteria: Mapped[list] = mapped_column(JSON, doc="[{key, label, weight}]")
    rules: Mapped[dict] = mapped_column(JSON, doc="eligibility: max_age, max_amount, min_members")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    budget: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class YsfPanellistRow(Base):
    """A member of a call's review panel (a console account)."""

    __tablename__ = "reg_ysf_panellists"
    call_id: Mapped[str] = mapped_column(ForeignKey("reg_ysf_calls.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class YsfApplicationRow(Base):
    """An application to a call (its answers are in its form submission, same id)."""

    __tablename__ = "reg_ysf_applications"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("reg_ysf_calls.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    project_title: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    amount_requested: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    eligibility: Mapped[list] = mapped_column(JSON, default=list, doc="reasons it is not eligible ([] = eligible)")
    amount_granted: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    project_entry_id: Mapped[str] = mapped_column(String(64), default="")
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class YsfConflictRow(Base):
    """A panellist's declared conflict of interest with one application: that panellist cannot score it."""

    __tablename__ = "reg_ysf_conflicts"
    application_id: Mapped[str] = mapped_column(ForeignKey("reg_ysf_applications.id"), primary_key=True)
    panellist: Mapped[str] = mapped_column(String(320), primary_key=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UtcDateTime)


class YsfScoreRow(Base):
    """A panellist's scores of one application, per criterion (0-5), and their weighted total."""

    __tablename__ = "reg_ysf_scores"
    application_id: Mapped[str] = mapped_column(ForeignKey("reg_ysf_applications.id"), primary_key=True)
    panellist: Mapped[str] = mapped_column(String(320), primary_key=True)
    scores: Mapped[dict] = mapped_column(JSON)
    total: Mapped[float] = mapped_column(Numeric(8, 3))
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class YsfTrancheRow(Base):
    """A part of a grant, due and (once) paid."""

    __tablename__ = "reg_ysf_tranches"
    application_id: Mapped[str] = mapped_column(ForeignKey("reg_ysf_applications.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    due_on: Mapped[date] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class YsfReportRow(Base):
    """A report a grantee owes, reminded before and after it is due."""

    __tablename__ = "reg_ysf_reports"
    application_id: Mapped[str] = mapped_column(ForeignKey("reg_ysf_applications.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    reminders: Mapped[int] = mapped_column(Integer, default=0)


# --- Voluntary Trust Fund ----------------------------------------------------------------------------------------


class VtfDonorRow(Base):
    """A donor to the Trust Fund, linked to its partner entry."""

    __tablename__ = "reg_vtf_donors"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    partner_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    country: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VtfMoneyRow(Base):
    """A pledge or a receipt of one donor for one year."""

    __tablename__ = "reg_vtf_money"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    donor_id: Mapped[str] = mapped_column(ForeignKey("reg_vtf_donors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), doc="pledge or receipt")
    year: Mapped[int] = mapped_column(Integer, index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    dated: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VtfBoardMemberRow(Base):
    """A member of the Trust Fund's Advisory Board."""

    __tablename__ = "reg_vtf_board"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)


class VtfMeetingRow(Base):
    """A meeting of the Advisory Board: when, where, who attended."""

    __tablename__ = "reg_vtf_meetings"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[list] = mapped_column(JSON, default=list, doc="board member ids")
    minutes: Mapped[str] = mapped_column(Text, default="")


class VtfDecisionRow(Base):
    """A decision the Advisory Board took at a meeting."""

    __tablename__ = "reg_vtf_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("reg_vtf_meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)
