"""The fora as a process (the Annual Forum, the Youth Forum, regional meetings): a public registration form (the
public forms kit: no account, a signed link to change the registration until registration closes), an agenda, and
outcomes (endorsements, partnership announcements, project launches) each linked to the registry entry it concerns.

A forum is an entry of the `events` registry. Registration closes at the end of the day before it starts (or on
`registration_closes` if the event's data says so). Every step is a `programmes.stepped` event (programme "fora").
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus.records import utcnow

from . import tables as t
from . import tables_public as tp
from .handlers import TABLES
from .programmes import record_step
from .publicforms import Checked, Field, PublicForm
from .tables_programmes import FormSubmissionRow

FORUM_KINDS = {"annual_forum": "Annual Forum", "youth_forum": "Youth Forum", "regional_meeting": "Regional meeting"}
ATTENDANCE = {"participant": "Participant", "speaker": "Speaker", "youth_delegate": "Youth delegate",
              "press": "Press", "observer": "Observer"}
OUTCOME_KINDS = {"endorsement": "Endorsement", "partnership": "Partnership announcement",
                 "project_launch": "Project launch"}
#: Which registries an outcome of each kind may link to.
OUTCOME_TARGETS = {"endorsement": ("friends", "partners", "projects", "clearinghouse"),
                   "partnership": ("partners",), "project_launch": ("projects",)}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

REGISTRATION = PublicForm("forum.registration", (
    Field("name", "Your full name", required=True, max_chars=200),
    Field("email", "Email", kind="email", required=True,
          hint="We send the confirmation and your link to change the registration here."),
    Field("organization", "Organization", max_chars=200),
    Field("country", "Country", max_chars=100),
    Field("attendance", "You come as", kind="select", required=True, options=tuple(ATTENDANCE.items())),
    Field("needs", "Access needs or dietary requirements", kind="long", max_chars=2000),
    Field("consent", "I agree that the Secretariat keeps these details to organize the forum", kind="checkbox",
          required=True),
))


class ForaError(ValueError):
    """A fora step that cannot be done; the message is a sentence for the person who tried."""


def _event(session: Session, event_id: str) -> t.EventRow:
    row = session.get(t.EventRow, event_id)
    if row is None or row.status != "active" or row.kind not in FORUM_KINDS:
        raise ForaError("There is no such forum.")
    return row


def registration_closes(event: t.EventRow) -> datetime:
    """When registration for a forum closes (UTC)."""
    given = (event.data or {}).get("registration_closes")
    if given:
        return datetime.combine(date.fromisoformat(given), time(23, 59), tzinfo=UTC)
    return datetime.combine(event.starts_on - timedelta(days=1), time(23, 59), tzinfo=UTC)


def _forum(event: t.EventRow, now: datetime) -> dict:
    data = event.data or {}
    closes = registration_closes(event)
    return {"id": event.id, "name": event.title, "kind": event.kind, "kind_label": FORUM_KINDS[event.kind],
            "starts_on": event.starts_on, "ends_on": data.get("ends_on") or str(event.starts_on),
            "city": data.get("city", ""), "country": data.get("country", ""), "host": data.get("host", ""),
            "themes": data.get("themes", []), "closes": closes, "open": now <= closes}


def fora(session: Session, *, upcoming_only: bool = False, now: datetime | None = None) -> list[dict]:
    """Fora of the events registry, soonest first (upcoming only: those still taking registrations)."""
    now = now or utcnow()
    rows = session.scalars(select(t.EventRow).where(t.EventRow.status == "active",
                                                    t.EventRow.kind.in_(list(FORUM_KINDS)))
                           .order_by(t.EventRow.starts_on))
    out = [_forum(e, now) for e in rows]
    return [f for f in out if f["open"]] if upcoming_only else out


def forum(session: Session, event_id: str, now: datetime | None = None) -> dict:
    """One forum with its agenda and outcomes (ForaError if unknown)."""
    out = _forum(_event(session, event_id), now or utcnow())
    out["agenda"] = agenda(session, event_id)
    out["outcomes"] = outcomes(session, event_id=event_id)
    out["registered"] = session.scalar(select(func.count()).select_from(tp.ForumRegistrationRow).where(
        tp.ForumRegistrationRow.event_id == event_id, tp.ForumRegistrationRow.status == "registered")) or 0
    return out


# --- registration ----------------------------------------------------------------------------------------------

def check_open(session: Session, event_id: str, now: datetime | None = None) -> t.EventRow:
    """The forum if it still takes registrations, else ForaError."""
    event = _event(session, event_id)
    if (now or utcnow()) > registration_closes(event):
        raise ForaError(f"Registration for {event.title} closed on {registration_closes(event):%d %B %Y}.")
    return event


def register(session: Session, event_id: str, checked: Checked, submission: FormSubmissionRow,
             now: datetime | None = None) -> str:
    """Record (or change) a registration from a checked form saved by the kit; returns the registration id (the
    kit's submission id). One registration per email and forum."""
    now = now or utcnow()
    event = check_open(session, event_id, now)
    a = checked.answers
    email = str(a.get("email") or "").strip().lower()
    other = session.scalar(select(tp.ForumRegistrationRow.id).where(
        tp.ForumRegistrationRow.event_id == event_id, tp.ForumRegistrationRow.email == email,
        tp.ForumRegistrationRow.id != submission.id))
    if other:
        raise ForaError(f"{email} is already registered for {event.title}: use the link in your confirmation "
                        "email to change that registration.")
    row = session.get(tp.ForumRegistrationRow, submission.id)
    first = row is None
    if row is None:
        row = tp.ForumRegistrationRow(id=submission.id, event_id=event_id, created_at=now, status="registered")
        session.add(row)
    row.name, row.email = str(a.get("name") or "")[:200], email[:254]
    row.organization, row.country = str(a.get("organization") or "")[:200], str(a.get("country") or "")[:100]
    row.attendance = str(a.get("attendance") or "participant")[:32]
    row.data, row.updated_at = {"needs": str(a.get("needs") or "")}, now
    session.flush()
    record_step(session, "fora", event_id, "registered" if first else "registration_changed", actor=email,
                text=f"{row.name} ({ATTENDANCE.get(row.attendance, row.attendance)})", now=now)
    return row.id


def registrations(session: Session, event_id: str) -> list[dict]:
    """A forum's registrations, by name."""
    R = tp.ForumRegistrationRow
    return [{"id": r.id, "name": r.name, "email": r.email, "organization": r.organization, "country": r.country,
             "attendance": ATTENDANCE.get(r.attendance, r.attendance), "needs": (r.data or {}).get("needs", ""),
             "status": r.status, "created_at": r.created_at}
            for r in session.scalars(select(R).where(R.event_id == event_id).order_by(R.name))]


# --- agenda ----------------------------------------------------------------------------------------------------

def add_agenda_item(session: Session, event_id: str, *, day: date, starts: str, ends: str = "", title: str,
                    speakers: str = "", room: str = "", actor: str = "", now: datetime | None = None) -> str:
    """Add a session to a forum's agenda (on one of its days); returns its id."""
    now = now or utcnow()
    event = _event(session, event_id)
    last = date.fromisoformat((event.data or {}).get("ends_on") or str(event.starts_on))
    errors = []
    if not event.starts_on <= day <= last:
        errors.append(f"The day must be within the forum ({event.starts_on} to {last}).")
    if not HHMM.match(starts or ""):
        errors.append("Give the start time as HH:MM, e.g. 09:30.")
    if ends and (not HHMM.match(ends) or ends <= starts):
        errors.append("The end time is HH:MM and after the start.")
    if not (title or "").strip():
        errors.append("Give the session a title.")
    if errors:
        raise ForaError(" ".join(errors))
    item_id = f"ag-{uuid.uuid4().hex[:12]}"
    session.add(tp.AgendaItemRow(id=item_id, event_id=event_id, day=day, starts=starts, ends=ends or "",
                                 title=title.strip()[:300], speakers=(speakers or "").strip()[:500],
                                 room=(room or "").strip()[:100], created_at=now))
    record_step(session, "fora", event_id, "agenda_item_added", actor=actor, text=f"{day} {starts} {title}", now=now)
    return item_id


def agenda(session: Session, event_id: str) -> list[dict]:
    """A forum's agenda in time order."""
    A = tp.AgendaItemRow
    return [{"id": a.id, "day": a.day, "starts": a.starts, "ends": a.ends, "title": a.title, "speakers": a.speakers,
             "room": a.room} for a in session.scalars(select(A).where(A.event_id == event_id)
                                                      .order_by(A.day, A.starts, A.title))]


# --- outcomes --------------------------------------------------------------------------------------------------

def add_outcome(session: Session, event_id: str, *, kind: str, title: str, registry: str, entity_id: str,
                summary: str = "", announced_on: date | None = None, actor: str = "",
                now: datetime | None = None) -> str:
    """Record an outcome of a forum, linked to an active entry of the registry it concerns; returns its id."""
    now = now or utcnow()
    event = _event(session, event_id)
    if kind not in OUTCOME_KINDS:
        raise ForaError(f"Choose the kind of outcome: {', '.join(OUTCOME_KINDS.values())}.")
    if registry not in OUTCOME_TARGETS[kind]:
        raise ForaError(f"A {OUTCOME_KINDS[kind].lower()} links to an entry of: {', '.join(OUTCOME_TARGETS[kind])}.")
    entry = session.get(TABLES[registry].table, entity_id)
    if entry is None or entry.status != "active":
        raise ForaError(f"There is no active entry {entity_id!r} in the {registry} registry: add it there first.")
    title = (title or "").strip() or entry.title
    outcome_id = f"out-{uuid.uuid4().hex[:12]}"
    session.add(tp.ForumOutcomeRow(id=outcome_id, event_id=event_id, kind=kind, title=title[:300],
                                   summary=(summary or "").strip()[:5000], entry_registry=registry,
                                   entity_id=entity_id, announced_on=announced_on or event.starts_on,
                                   created_at=now))
    record_step(session, "fora", event_id, "outcome_recorded", actor=actor, text=f"{OUTCOME_KINDS[kind]}: {title}",
                data={"kind": kind, "registry": registry, "entity_id": entity_id}, now=now)
    return outcome_id


def outcomes(session: Session, *, event_id: str = "", year: int | None = None) -> list[dict]:
    """Outcomes (of one forum, or of a year), with the title of the entry each links to."""
    Out, E = tp.ForumOutcomeRow, t.EventRow
    stmt = select(Out, E.title).join(E, E.id == Out.event_id).order_by(Out.announced_on, Out.title)
    if event_id:
        stmt = stmt.where(Out.event_id == event_id)
    if year:
        stmt = stmt.where(Out.announced_on >= date(year, 1, 1), Out.announced_on < date(year + 1, 1, 1))
    out = []
    for o, forum_name in session.execute(stmt):
        entry = session.get(TABLES[o.entry_registry].table, o.entity_id)
        out.append({"id": o.id, "event_id": o.event_id, "forum": forum_name, "kind": o.kind,
                    "kind_label": OUTCOME_KINDS.get(o.kind, o.kind), "title": o.title, "summary": o.summary,
                    "registry": o.entry_registry, "entity_id": o.entity_id,
                    "entry_title": entry.title if entry is not None else "(no longer in the registry)",
                    "announced_on": o.announced_on})
    return out


def link_targets(session: Session) -> dict[str, list[tuple[str, str]]]:
    """(id, title) of the active entries an outcome may link to, per registry."""
    names = sorted({r for targets in OUTCOME_TARGETS.values() for r in targets})
    return {name: [(r.id, r.title) for r in session.scalars(select(TABLES[name].table).where(
        TABLES[name].table.status == "active").order_by(TABLES[name].table.title))] for name in names}
