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
from .tables import Invitation, Mobilization, TimelineEntry

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


def move(mob: Mobilization, to: MobilizationStatus) -> None:
    """Put the mobilization in state `to` (model.IllegalTransition if the state machine forbids it)."""
    mob.status = mobilization_move(mob.status, to).value
