"""What every mobilize use case shares: its dependencies, its error, the incident's timeline, invitations and
state changes. Use cases take the caller's session and change the store; nothing here sends or publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import utcnow
from config.settings import Settings

from .model import OPEN_STATUSES, MobilizationStatus, mobilization_move
from .ports import LinkMaker
from .tables import Invitation, Mobilization, Piece, TimelineEntry

#: Severities (detect/escalation.py) whose mobilizations page members even in their quiet hours.
URGENT_SEVERITIES = ("critical",)


class MobilizeError(ValueError):
    """A request that cannot be carried out; the message is meant for the person who asked."""


@dataclass
class Deps:
    """What the use cases need: settings, a link maker, a clock."""

    settings: Settings
    links: LinkMaker
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        """The current time."""
        return self.clock()


def note(session: Session, mobilization_id: str, actor: str, kind: str, text: str, at: datetime) -> None:
    """Add a timeline entry."""
    session.add(TimelineEntry(mobilization_id=mobilization_id, at=at, actor=actor, kind=kind, text=text))


def fmt_time(at: datetime) -> str:
    """A time as people read it in emails and on the timeline."""
    return at.strftime("%Y-%m-%d %H:%M UTC")


def invitations_of(session: Session, mobilization_id: str, *statuses: str) -> list[Invitation]:
    """A mobilization's invitations (only those in `statuses` if given), oldest first."""
    query = select(Invitation).where(Invitation.mobilization_id == mobilization_id).order_by(Invitation.sent_at,
                                                                                            Invitation.id)
    if statuses:
        query = query.where(Invitation.status.in_(statuses))
    return list(session.scalars(query))


def open_mobilization(session: Session, mobilization_id: str) -> Mobilization:
    """The mobilization, if it exists and is still open; else a MobilizeError for the officer."""
    mob = session.get(Mobilization, mobilization_id)
    if mob is None:
        raise MobilizeError("There is no such mobilization.")
    if mob.status not in OPEN_STATUSES:
        raise MobilizeError(f"This mobilization is {mob.status}: nothing more can be done on it.")
    return mob


def move(mob: Mobilization | Piece, to: MobilizationStatus) -> None:
    """Put the mobilization (or one of its pieces) in state `to` (model.IllegalTransition if forbidden)."""
    mob.status = mobilization_move(mob.status, to).value


# ------------------------------------------------------------------------------------------------------------ pieces
def piece_id_for(mobilization_id: str, number: int) -> str:
    """The id of a mobilization's piece `number` (1, 2, ...): stable, so a redelivered command finds it again."""
    return f"{mobilization_id}-{number}"


def pieces_of(session: Session, mobilization_id: str) -> list[Piece]:
    """A mobilization's pieces, by number."""
    return list(session.scalars(select(Piece).where(Piece.mobilization_id == mobilization_id)
                                .order_by(Piece.number)))


def piece_label(piece: Piece) -> str:
    """How people name a piece: "Piece 2 (co-authored pair)"."""
    return f"Piece {piece.number} ({'co-authored pair' if piece.kind == 'pair' else 'solo'})"


_STAGE_ORDER = (MobilizationStatus.PAGING, MobilizationStatus.DRAFTING, MobilizationStatus.REVIEW)


def sync_status(session: Session, mob: Mobilization, now: datetime) -> None:
    """The mobilization's state follows its pieces: the least advanced open piece's state while any is open; once
    all are closed, approved if any piece was approved (else rejected, else stopped), and the incident closes."""
    session.flush()
    pieces = pieces_of(session, mob.id)
    if not pieces:
        return
    still_open = [p.status for p in pieces if p.status in OPEN_STATUSES]
    if still_open:
        target = min((MobilizationStatus(s) for s in still_open), key=_STAGE_ORDER.index)
    else:
        statuses = {p.status for p in pieces}
        target = next(s for s in (MobilizationStatus.APPROVED, MobilizationStatus.REJECTED,
                                  MobilizationStatus.STOPPED) if s in statuses or s == MobilizationStatus.STOPPED)
    if target != mob.status:
        move(mob, target)
    mob.wave = max(p.wave for p in pieces)
    if not still_open and mob.closed_at is None:
        mob.closed_at = now
        if mob.decided_at is None and target != MobilizationStatus.STOPPED:
            mob.decided_at = now
