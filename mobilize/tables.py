"""Tables mobilize/ owns: the network, mobilizations, invitations, drafts, replies and the timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class Member(Base):
    """A personality of the network. Background fields are self-declared, optional, and used only for pairing."""

    __tablename__ = "mobilize_members"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    languages: Mapped[list] = mapped_column(JSON)
    regions: Mapped[list] = mapped_column(JSON)
    countries: Mapped[list] = mapped_column(JSON)
    cultural_background: Mapped[str] = mapped_column(String(200), default="")
    faith_background: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[list] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    affiliation: Mapped[str] = mapped_column(String(300), default="", server_default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    max_per_month: Mapped[int] = mapped_column(default=4)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoryBrief(Base):
    """What mobilize/ knows of a flagged story (from `stories.flagged`), kept for matching and for reviewers."""

    __tablename__ = "mobilize_stories"

    story_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    severity: Mapped[str] = mapped_column(String(40), default="")
    data: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime]


class Mobilization(Base):
    """An incident: a story, a quorum of co-authors wanted, waves of invitations, a draft, a decision."""

    __tablename__ = "mobilize_mobilizations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), index=True)
    urgent: Mapped[bool] = mapped_column(default=False)
    quorum: Mapped[int] = mapped_column(default=2)
    wave: Mapped[int] = mapped_column(default=0)
    started_by: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime]
    first_accepted_at: Mapped[datetime | None]
    quorum_at: Mapped[datetime | None]
    first_draft_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Piece(Base):
    """One op-ed a mobilization commissions: solo (one author) or a co-authored pair, with its own invitations,
    draft, review and approval. `status` uses the mobilization states (paging, drafting, review, approved...)."""

    __tablename__ = "mobilize_pieces"
    __table_args__ = (UniqueConstraint("mobilization_id", "number", name="uq_mobilize_pieces_number"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    mobilization_id: Mapped[str] = mapped_column(ForeignKey("mobilize_mobilizations.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10), default="pair")
    quorum: Mapped[int] = mapped_column(default=2)
    status: Mapped[str] = mapped_column(String(20), index=True)
    wave: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    quorum_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Invitation(Base):
    """One member paged for one mobilization, with its deadline, reminder and answer."""

    __tablename__ = "mobilize_invitations"
    __table_args__ = (UniqueConstraint("mobilization_id", "member_id", name="uq_mobilize_invitations_pair"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mobilization_id: Mapped[str] = mapped_column(ForeignKey("mobilize_mobilizations.id"), index=True)
    piece_id: Mapped[str | None] = mapped_column(ForeignKey("mobilize_pieces.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("mobilize_members.id"), index=True)
    wave: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    reply_token: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime]
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    remind_at: Mapped[datetime | None] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]


class Draft(Base):
    """The op-ed the authors of one piece write together (one draft per piece)."""

    __tablename__ = "mobilize_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mobilization_id: Mapped[str] = mapped_column(ForeignKey("mobilize_mobilizations.id"), index=True)
    piece_id: Mapped[str | None] = mapped_column(ForeignKey("mobilize_pieces.id"), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_md: Mapped[str] = mapped_column(Text, default="", server_default="")
    lang: Mapped[str] = mapped_column(String(12), default="en")
    status: Mapped[str] = mapped_column(String(24), index=True)
    revision: Mapped[int] = mapped_column(default=0)
    submissions: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    overdue_noted_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]


class DraftRevision(Base):
    """One saved version of a draft, with who wrote it."""

    __tablename__ = "mobilize_draft_revisions"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_mobilize_draft_revisions_number"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("mobilize_drafts.id"), index=True)
    number: Mapped[int]
    author: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    body_html: Mapped[str] = mapped_column(Text)
    body_md: Mapped[str] = mapped_column(Text, default="", server_default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]


class DraftComment(Base):
    """A comment on a draft by a co-author or a duty officer."""

    __tablename__ = "mobilize_draft_comments"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("mobilize_drafts.id"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class InboundReply(Base):
    """An email reply from SendGrid Inbound Parse, attached to its invitation or kept as rejected with the reason."""

    __tablename__ = "mobilize_inbound_replies"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    invitation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    to: Mapped[str] = mapped_column(String(1000), default="")
    sender: Mapped[str] = mapped_column(String(1000), default="")
    subject: Mapped[str] = mapped_column(String(1000), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime]


class TimelineEntry(Base):
    """Every user-visible step of a mobilization, in order, readable by people."""

    __tablename__ = "mobilize_timeline"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    mobilization_id: Mapped[str] = mapped_column(ForeignKey("mobilize_mobilizations.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)


class Shift(Base):
    """Who is on call when: an officer (console account email) on duty from `starts_at` to `ends_at`. `level` 1 is
    alerted first; if nobody acknowledges in time, level 2, and so on (as PagerDuty escalates)."""

    __tablename__ = "mobilize_shifts"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    officer_email: Mapped[str] = mapped_column(String(320), index=True)
    officer_name: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[int] = mapped_column(default=1)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class Alert(Base):
    """A flagged or escalated story waiting for a duty officer's decision: open -> acknowledged -> mobilized or
    dismissed. `level` is the escalation step reached; `alerted` the addresses emailed so far."""

    __tablename__ = "mobilize_alerts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    severity: Mapped[str] = mapped_column(String(40), default="")
    cause: Mapped[str] = mapped_column(String(40), default="flagged")
    status: Mapped[str] = mapped_column(String(20), index=True)
    level: Mapped[int] = mapped_column(default=1)
    alerted: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime]
    escalate_at: Mapped[datetime | None] = mapped_column(index=True)
    acknowledged_by: Mapped[str] = mapped_column(String(200), default="")
    acknowledged_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None]
    decision: Mapped[str] = mapped_column(String(20), default="")
    reason: Mapped[str] = mapped_column(String(40), default="")
    mobilization_id: Mapped[str | None] = mapped_column(String(64))


# ------------------------------------------------------------------ authors' sign-off (issue 15, mobilize/signoff.py)
class DraftSignoff(Base):
    """One author's word on one version of something: agreeing to submit a revision (`kind` "submit", `ref` the
    revision), approving the final text after an officer's edits ("final", the revision), approving or objecting to a
    translation ("translation", "<lang>:<version>"). Also the officer's first edit of a submission ("edited")."""

    __tablename__ = "mobilize_signoffs"
    __table_args__ = (UniqueConstraint("draft_id", "kind", "ref", "member_id", name="uq_mobilize_signoffs_one"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("mobilize_drafts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class FinalText(Base):
    """The text an officer approved, and whether its authors have approved it in turn (`status` awaiting_authors,
    objected, approved; `how` authors or officer_recorded with `reason`). Also maps an op-ed id to its draft."""

    __tablename__ = "mobilize_final_texts"

    draft_id: Mapped[str] = mapped_column(ForeignKey("mobilize_drafts.id"), primary_key=True)
    oped_id: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_revision: Mapped[int]
    final_revision: Mapped[int]
    officer: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)
    how: Mapped[str] = mapped_column(String(20), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]


class ShownTranslation(Base):
    """A translation shown to the authors before it goes out under their names (`status` shown, objected,
    signed_off; `how` authors, no_objection or officer_recorded). A new version from translate/ starts again."""

    __tablename__ = "mobilize_translations"
    __table_args__ = (UniqueConstraint("oped_id", "lang", name="uq_mobilize_translations_lang"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    oped_id: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(12))
    draft_id: Mapped[str] = mapped_column(ForeignKey("mobilize_drafts.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    translator: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    how: Mapped[str] = mapped_column(String(20), default="")
    by: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    window_ends_at: Mapped[datetime] = mapped_column(index=True)
    signed_off_at: Mapped[datetime | None]


class ReleaseNotice(Base):
    """An op-ed release the authors were told about (one per distribution)."""

    __tablename__ = "mobilize_release_notices"

    distribution_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    oped_id: Mapped[str] = mapped_column(String(64), index=True)
    languages: Mapped[list] = mapped_column(JSON)
    released_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)
    told_at: Mapped[datetime]
