"""What the registry's programmes (Ambassadors, Youth Solidarity Fund, Trust Fund) share: a state machine check, and
the one way a step is recorded (a timeline row people read, and a `programmes.stepped` event through the outbox,
both in the caller's transaction).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus.records import ProgrammeStepped
from db.outbox import add_to_outbox

from .tables_programmes import ProgrammeStepRow


class ProgrammeError(ValueError):
    """A step that cannot be taken; the message is a sentence for the person who tried."""


class IllegalStep(ProgrammeError):
    """A move the programme's state machine forbids."""


def utcnow() -> datetime:
    """Now, tz-aware UTC."""
    return datetime.now(UTC)


def move(moves: dict[str, tuple[str, ...]], current: str, to: str, what: str) -> str:
    """`to` if the table `moves` allows current → to; otherwise `IllegalStep` naming what is allowed."""
    if to not in moves.get(current, ()):
        allowed = ", ".join(moves.get(current, ())) or "nothing"
        raise IllegalStep(f"{what} is {current.replace('_', ' ')}: it cannot become {to.replace('_', ' ')} "
                          f"(next: {allowed.replace('_', ' ')}).")
    return to


def money(value: object, what: str = "The amount") -> Decimal:
    """A positive amount with two decimals, or `ProgrammeError`."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ProgrammeError(f"{what} must be a number, e.g. 25000.") from None
    if not amount.is_finite() or amount <= 0:
        raise ProgrammeError(f"{what} must be more than zero.")
    return amount.quantize(Decimal("0.01"))


def record_step(session: Session, programme: str, subject_id: str, step: str, *, actor: str = "", text: str = "",
                data: dict | None = None, now: datetime | None = None) -> ProgrammeStepped:
    """Write a timeline row and put a `programmes.stepped` event in the outbox (the caller's transaction)."""
    now = now or utcnow()
    seq = session.scalar(select(func.count()).select_from(ProgrammeStepRow).where(
        ProgrammeStepRow.programme == programme, ProgrammeStepRow.subject_id == subject_id)) or 0
    session.add(ProgrammeStepRow(programme=programme, subject_id=subject_id, step=step, actor=actor, text=text, at=now))
    event = ProgrammeStepped(programme=programme, subject_id=subject_id, step=step, seq=seq + 1, actor=actor,
                             data={"text": text, **(data or {})}, occurred_at=now)
    add_to_outbox(session, "programmes.stepped", event)
    return event


def timeline(session: Session, programme: str, subject_id: str) -> list[ProgrammeStepRow]:
    """The steps of one subject, oldest first."""
    return list(session.scalars(select(ProgrammeStepRow).where(
        ProgrammeStepRow.programme == programme, ProgrammeStepRow.subject_id == subject_id)
        .order_by(ProgrammeStepRow.at, ProgrammeStepRow.id)))
