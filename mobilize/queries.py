"""Read side of mobilize/ for the console: lists, one mobilization with its timeline, the review queue, figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .model import DraftStatus, MobilizationStatus
from .tables import (
    Draft,
    DraftComment,
    DraftRevision,
    InboundReply,
    Invitation,
    Member,
    Mobilization,
    Piece,
    StoryBrief,
    TimelineEntry,
)


def members(session: Session, *, include_inactive: bool = True) -> list[Member]:
    """The network, by name."""
    query = select(Member).order_by(Member.name)
    if not include_inactive:
        query = query.where(Member.active.is_(True))
    return list(session.scalars(query))


def member(session: Session, member_id: str) -> Member | None:
    """One member."""
    return session.get(Member, member_id)


def mobilizations(session: Session, limit: int = 100) -> list[Mobilization]:
    """Mobilizations, newest first."""
    return list(session.scalars(select(Mobilization).order_by(Mobilization.started_at.desc()).limit(limit)))


def mobilization(session: Session, mobilization_id: str) -> Mobilization | None:
    """One mobilization."""
    return session.get(Mobilization, mobilization_id)


def mobilization_for_story(session: Session, story_id: str) -> Mobilization | None:
    """The mobilization of a story, if any."""
    return session.scalar(select(Mobilization).where(Mobilization.story_id == story_id))


def story(session: Session, story_id: str) -> StoryBrief | None:
    """What mobilize/ knows of a story (evidence for reviewers)."""
    return session.get(StoryBrief, story_id)


def stories_without_mobilization(session: Session, limit: int = 50) -> list[StoryBrief]:
    """Flagged stories nobody mobilized on yet (the officer may start one)."""
    started = select(Mobilization.story_id)
    return list(session.scalars(select(StoryBrief).where(StoryBrief.story_id.not_in(started))
                                .order_by(StoryBrief.received_at.desc()).limit(limit)))


def invitations(session: Session, mobilization_id: str) -> list[tuple[Invitation, Member]]:
    """Every invitation of a mobilization with its member, in paging order."""
    rows = session.execute(select(Invitation, Member).join(Member, Member.id == Invitation.member_id)
                           .where(Invitation.mobilization_id == mobilization_id)
                           .order_by(Invitation.wave, Invitation.sent_at, Member.name))
    return [(i, m) for i, m in rows]


def invitation(session: Session, invitation_id: str) -> tuple[Invitation, Member, Mobilization] | None:
    """One invitation with its member and mobilization."""
    inv = session.get(Invitation, invitation_id)
    if inv is None:
        return None
    return inv, session.get(Member, inv.member_id), session.get(Mobilization, inv.mobilization_id)


def timeline(session: Session, mobilization_id: str) -> list[TimelineEntry]:
    """Every step of a mobilization, oldest first."""
    return list(session.scalars(select(TimelineEntry).where(TimelineEntry.mobilization_id == mobilization_id)
                                .order_by(TimelineEntry.at, TimelineEntry.id)))


def draft_of(session: Session, mobilization_id: str) -> Draft | None:
    """The draft of a mobilization's first piece that has one."""
    return next(iter(drafts_of(session, mobilization_id)), None)


def drafts_of(session: Session, mobilization_id: str) -> list[Draft]:
    """The drafts of a mobilization's pieces, by piece number."""
    return list(session.scalars(select(Draft).join(Piece, Piece.id == Draft.piece_id)
                                .where(Draft.mobilization_id == mobilization_id).order_by(Piece.number)))


def pieces(session: Session, mobilization_id: str) -> list[tuple[Piece, Draft | None, list[Member]]]:
    """A mobilization's pieces, by number, each with its draft (if opened) and its accepted authors."""
    rows = []
    for piece in session.scalars(select(Piece).where(Piece.mobilization_id == mobilization_id)
                                 .order_by(Piece.number)):
        draft_row = session.scalar(select(Draft).where(Draft.piece_id == piece.id))
        authors = list(session.scalars(select(Member).join(Invitation, Invitation.member_id == Member.id).where(
            Invitation.piece_id == piece.id, Invitation.status == "accepted").order_by(Invitation.answered_at)))
        rows.append((piece, draft_row, authors))
    return rows


def piece(session: Session, piece_id: str) -> Piece | None:
    """One piece."""
    return session.get(Piece, piece_id)


def draft(session: Session, draft_id: str) -> Draft | None:
    """One draft."""
    return session.get(Draft, draft_id)


def revisions(session: Session, draft_id: str) -> list[DraftRevision]:
    """A draft's revisions, newest first."""
    return list(session.scalars(select(DraftRevision).where(DraftRevision.draft_id == draft_id)
                                .order_by(DraftRevision.number.desc())))


def comments(session: Session, draft_id: str) -> list[DraftComment]:
    """A draft's comments, oldest first."""
    return list(session.scalars(select(DraftComment).where(DraftComment.draft_id == draft_id)
                                .order_by(DraftComment.created_at, DraftComment.id)))


def review_queue(session: Session) -> list[tuple[Draft, Mobilization]]:
    """Drafts waiting for a duty officer, oldest submission first."""
    rows = session.execute(select(Draft, Mobilization).join(Mobilization, Mobilization.id == Draft.mobilization_id)
                           .where(Draft.status == DraftStatus.SUBMITTED).order_by(Draft.submitted_at))
    return [(d, m) for d, m in rows]


def inbound_replies(session: Session, *, status: str = "", invitation_ids: list[str] | None = None,
                    limit: int = 200) -> list[InboundReply]:
    """Inbound email replies, newest first."""
    query = select(InboundReply).order_by(InboundReply.id.desc()).limit(limit)
    if status:
        query = query.where(InboundReply.status == status)
    if invitation_ids is not None:
        query = query.where(InboundReply.invitation_id.in_(invitation_ids))
    return list(session.scalars(query))


# ----------------------------------------------------------------------------------------------------------- figures
@dataclass(frozen=True)
class Figures:
    """Timings and rates of one mobilization or of all of them (minutes; None when it did not happen)."""

    mobilizations: int
    invited: int
    accepted: int
    declined: int
    expired: int
    answered_rate: float | None
    acceptance_rate: float | None
    to_first_acceptance_min: float | None
    to_draft_min: float | None
    to_approval_min: float | None
    approved: int


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 1)


def _med(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(median(kept), 1) if kept else None


def figures(session: Session, mobilization_id: str | None = None) -> Figures:
    """Time to first acceptance, to draft, to approval (medians overall) and response rates."""
    mob_query = select(Mobilization)
    inv_query = select(Invitation.status, func.count()).group_by(Invitation.status)
    if mobilization_id:
        mob_query = mob_query.where(Mobilization.id == mobilization_id)
        inv_query = inv_query.where(Invitation.mobilization_id == mobilization_id)
    mobs = list(session.scalars(mob_query))
    counts = dict(session.execute(inv_query).all())
    invited = sum(counts.values())
    accepted, declined, expired = counts.get("accepted", 0), counts.get("declined", 0), counts.get("expired", 0)
    decided = accepted + declined + expired
    return Figures(
        mobilizations=len(mobs), invited=invited, accepted=accepted, declined=declined, expired=expired,
        answered_rate=round((accepted + declined) / decided, 3) if decided else None,
        acceptance_rate=round(accepted / decided, 3) if decided else None,
        to_first_acceptance_min=_med([_minutes(m.started_at, m.first_accepted_at) for m in mobs]),
        to_draft_min=_med([_minutes(m.started_at, m.first_draft_at) for m in mobs]),
        to_approval_min=_med([_minutes(m.started_at, m.decided_at) for m in mobs
                              if m.status == MobilizationStatus.APPROVED]),
        approved=sum(1 for m in mobs if m.status == MobilizationStatus.APPROVED),
    )
