"""AoC Ambassadors as a process: potential personalities → nomination with a reason → shortlist → proposal to the
Secretary-General → appointment with term dates → activity log (op-eds, fora, projects) → renewal reminders.

One person, one record: a personality who is a member of the network carries the member's id (mobilize/'s network;
the console looks the member up through mobilize's queries, registry never reads mobilize's tables), and the
same member cannot be added twice. An appointment (and a renewal) also queues a `RegistryCommand` on the
`ambassadors` registry through the outbox, so the registry list, the yearly report and the op-ed counts kept from
the main stream (`reg_member_activity`, by member id) all see the same person.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import RegistryCommand
from db.outbox import add_to_outbox
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from . import queries
from .programmes import ProgrammeError, move, record_step, utcnow
from .tables_programmes import AmbassadorActivityRow, AmbassadorCandidateRow

PROGRAMME = "ambassadors"
MOVES: dict[str, tuple[str, ...]] = {
    "potential": ("nominated", "withdrawn"),
    "nominated": ("shortlisted", "withdrawn"),
    "shortlisted": ("proposed", "withdrawn"),
    "proposed": ("appointed", "declined"),
    "appointed": ("former",),
    "declined": ("potential",),
    "withdrawn": ("potential",),
    "former": ("potential",),
}
STAGES = {"potential": "Potential personalities", "nominated": "Nominated", "shortlisted": "Shortlisted",
          "proposed": "Proposed to the Secretary-General", "appointed": "Ambassadors", "former": "Former Ambassadors",
          "declined": "Declined", "withdrawn": "Withdrawn"}
ACTIVITY_KINDS = {"oped": "Op-ed", "forum": "Forum or meeting", "project": "Project", "media": "Interview or media",
                  "other": "Other"}
RENEWAL_LEAD_DAYS = 90


def term_check(starts: date, ends: date) -> None:
    """A term ends after it starts and lasts at most five years."""
    if ends <= starts:
        raise ProgrammeError("The term must end after it starts.")
    if ends > starts + timedelta(days=5 * 366):
        raise ProgrammeError("A term lasts at most five years; renew it when it ends.")


def renewal_due(term_ends: date | None, today: date, lead_days: int = RENEWAL_LEAD_DAYS) -> bool:
    """Whether a term ends within `lead_days` (or has ended) and so needs a renewal decision."""
    return term_ends is not None and term_ends <= today + timedelta(days=lead_days)


# --- handlers -----------------------------------------------------------------------------------------------------

def add_personality(session: Session, *, name: str, member_id: str = "", email: str = "", country: str = "",
                    profile: str = "", actor: str = "", candidate_id: str = "",
                    now: datetime | None = None) -> AmbassadorCandidateRow:
    """Put a personality on the list of potential Ambassadors (a network member by id: one person, not two)."""
    now = now or utcnow()
    if not name.strip():
        raise ProgrammeError("Give the personality's name, or choose the network member.")
    if member_id and session.scalar(select(AmbassadorCandidateRow.id)
                                    .where(AmbassadorCandidateRow.member_id == member_id)):
        raise ProgrammeError(f"{name.strip()} is already on the list (same network member).")
    row = AmbassadorCandidateRow(id=candidate_id or uuid.uuid4().hex[:12], name=name.strip()[:200],
                                 member_id=member_id.strip()[:64], email=email.strip()[:320],
                                 country=country.strip()[:80], profile=profile.strip()[:5000], stage="potential",
                                 created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    record_step(session, PROGRAMME, row.id, "potential", actor=actor, now=now,
                text=f"{row.name} added to the potential personalities"
                     + (" (a member of the network)." if row.member_id else "."))
    return row


def _candidate(session: Session, candidate_id: str) -> AmbassadorCandidateRow:
    row = session.get(AmbassadorCandidateRow, candidate_id)
    if row is None:
        raise ProgrammeError("There is no such personality.")
    return row


def _step(session: Session, row: AmbassadorCandidateRow, to: str, actor: str, text: str, now: datetime | None,
          data: dict | None = None) -> None:
    row.stage = move(MOVES, row.stage, to, row.name)
    row.updated_at = now or utcnow()
    record_step(session, PROGRAMME, row.id, to, actor=actor, text=text, now=now, data=data)


def nominate(session: Session, candidate_id: str, reason: str, *, actor: str, now: datetime | None = None) -> None:
    """Nominate a potential personality, with the reason."""
    row = _candidate(session, candidate_id)
    if len(reason.strip()) < 10:
        raise ProgrammeError("Say why in a sentence or two: the reason goes with the proposal.")
    row.reason, row.nominated_by = reason.strip()[:5000], actor
    _step(session, row, "nominated", actor, f"Nominated: {reason.strip()[:300]}", now)


def shortlist(session: Session, candidate_id: str, *, actor: str, now: datetime | None = None) -> None:
    """Put a nominee on the shortlist."""
    row = _candidate(session, candidate_id)
    _step(session, row, "shortlisted", actor, "Shortlisted.", now)


def propose(session: Session, candidate_id: str, proposed_on: date, *, actor: str, now: datetime | None = None) -> None:
    """Record the proposal to the Secretary-General."""
    row = _candidate(session, candidate_id)
    row.proposed_on = proposed_on
    _step(session, row, "proposed", actor, f"Proposed to the Secretary-General on {proposed_on:%d %b %Y}.", now)


def appoint(session: Session, candidate_id: str, term_starts: date, term_ends: date, *, actor: str,
            now: datetime | None = None) -> None:
    """Record the Secretary-General's appointment with its term; the ambassadors registry gets the entry."""
    row = _candidate(session, candidate_id)
    term_check(term_starts, term_ends)
    row.term_starts, row.term_ends, row.reminded_for = term_starts, term_ends, None
    _step(session, row, "appointed", actor,
          f"Appointed by the Secretary-General for {term_starts:%d %b %Y} – {term_ends:%d %b %Y}.", now,
          {"term_starts": term_starts.isoformat(), "term_ends": term_ends.isoformat()})
    _to_registry(session, row, actor, now)


def decline(session: Session, candidate_id: str, note: str = "", *, actor: str, now: datetime | None = None) -> None:
    """The proposal was not taken up (by the Secretary-General or by the personality)."""
    row = _candidate(session, candidate_id)
    _step(session, row, "declined", actor, f"Declined. {note.strip()}".strip(), now)


def withdraw(session: Session, candidate_id: str, note: str = "", *, actor: str, now: datetime | None = None) -> None:
    """Take a personality out of the pipeline."""
    row = _candidate(session, candidate_id)
    _step(session, row, "withdrawn", actor, f"Withdrawn. {note.strip()}".strip(), now)


def relist(session: Session, candidate_id: str, *, actor: str, now: datetime | None = None) -> None:
    """Put a declined, withdrawn or former Ambassador back on the list of potential personalities."""
    row = _candidate(session, candidate_id)
    row.reason, row.proposed_on = "", None
    _step(session, row, "potential", actor, "Back on the list of potential personalities.", now)


def renew(session: Session, candidate_id: str, term_ends: date, *, actor: str, now: datetime | None = None) -> None:
    """Renew an Ambassador's term to a new end date."""
    row = _candidate(session, candidate_id)
    if row.stage != "appointed":
        raise ProgrammeError("Only a serving Ambassador's term is renewed.")
    if row.term_ends and term_ends <= row.term_ends:
        raise ProgrammeError("The new end must be after the current one.")
    term_check(row.term_ends or row.term_starts, term_ends)
    previous, row.term_ends, row.reminded_for, row.updated_at = row.term_ends, term_ends, None, now or utcnow()
    record_step(session, PROGRAMME, row.id, "renewed", actor=actor, now=now,
                text=f"Term renewed to {term_ends:%d %b %Y} (was {previous:%d %b %Y}).")
    _to_registry(session, row, actor, now)


def end_term(session: Session, candidate_id: str, *, actor: str, now: datetime | None = None) -> None:
    """An Ambassador's term is over (not renewed)."""
    row = _candidate(session, candidate_id)
    _step(session, row, "former", actor, "Term ended.", now)
    entity = f"amb-{row.id}"
    if queries.exists(session, "ambassadors", entity):
        add_to_outbox(session, "registry.commands", RegistryCommand(
            registry="ambassadors", action="retire", entity_id=entity, request_id=f"amb-end-{row.id}-{row.term_ends}",
            actor=actor, occurred_at=now or utcnow()))


def _to_registry(session: Session, row: AmbassadorCandidateRow, actor: str, now: datetime | None) -> None:
    entity = f"amb-{row.id}"
    data = {"name": row.name, "role": "ambassador", "appointed_on": row.term_starts.isoformat(),
            "term_ends": row.term_ends.isoformat(), "member_id": row.member_id, "email": row.email,
            "notes": row.profile[:2000]}
    action = "update" if queries.exists(session, "ambassadors", entity) else "create"
    add_to_outbox(session, "registry.commands", RegistryCommand(
        registry="ambassadors", action=action, entity_id=entity, request_id=f"amb-{row.id}-{row.term_ends}",
        data=data, actor=actor, occurred_at=now or utcnow()))


def log_activity(session: Session, candidate_id: str, *, kind: str, title: str, happened_on: date, url: str = "",
                 notes: str = "", actor: str = "", now: datetime | None = None) -> AmbassadorActivityRow:
    """Log something an Ambassador did (an op-ed, a forum, a project)."""
    now = now or utcnow()
    row = _candidate(session, candidate_id)
    if row.stage not in ("appointed", "former"):
        raise ProgrammeError("Activities are logged for Ambassadors (appointed).")
    if kind not in ACTIVITY_KINDS:
        raise ProgrammeError("Choose what kind of activity this is.")
    if not title.strip():
        raise ProgrammeError("Give the activity a title.")
    if url and not url.startswith(("http://", "https://")):
        raise ProgrammeError("The link must start with http:// or https://.")
    activity = AmbassadorActivityRow(candidate_id=row.id, kind=kind, title=title.strip()[:300],
                                     happened_on=happened_on, url=url.strip()[:500], notes=notes.strip()[:3000],
                                     recorded_by=actor, created_at=now)
    session.add(activity)
    session.flush()
    record_step(session, PROGRAMME, row.id, "activity", actor=actor, now=now,
                text=f"{ACTIVITY_KINDS[kind]}: {activity.title} ({happened_on:%d %b %Y}).")
    return activity


def appointed_for_members(session: Session, member_ids: list[str]) -> list[str]:
    """The serving Ambassadors (appointed) who are these network members: their candidate ids."""
    if not member_ids:
        return []
    return list(session.scalars(select(AmbassadorCandidateRow.id).where(
        AmbassadorCandidateRow.member_id.in_(member_ids), AmbassadorCandidateRow.stage == "appointed")))


def remind_renewals(session: Session, *, to: str, now: datetime | None = None,
                    lead_days: int = RENEWAL_LEAD_DAYS) -> int:
    """Queue one email to the Secretariat (`to`) per Ambassador whose term ends within `lead_days`; once per term
    end (a renewal resets it). The number queued."""
    now = now or utcnow()
    today = now.date()
    queued = 0
    for row in session.scalars(select(AmbassadorCandidateRow).where(AmbassadorCandidateRow.stage == "appointed")):
        if not renewal_due(row.term_ends, today, lead_days) or row.reminded_for == row.term_ends:
            continue
        text = (f"The term of AoC Ambassador {row.name} ends on {row.term_ends:%d %B %Y}.\n\nDecide whether to "
                "propose a renewal to the Secretary-General, and record it in the console (Ambassadors → "
                f"{row.name} → Renew), or end the term.\n")
        entry = queue_mail(session, OutgoingMessage(to=to, subject=f"Renewal due: Ambassador {row.name} "
                                                                   f"(term ends {row.term_ends:%d %b %Y})", text=text),
                           purpose="ambassador.renewal", attempt_key=f"{row.id}:{row.term_ends.isoformat()}",
                           ref=row.id, now=now)
        row.reminded_for = row.term_ends
        if entry is not None:
            queued += 1
            record_step(session, PROGRAMME, row.id, "renewal_reminded", actor="timer", now=now,
                        text=f"Renewal reminder sent (term ends {row.term_ends:%d %b %Y}).")
    return queued


# --- queries ------------------------------------------------------------------------------------------------------

def pipeline(session: Session) -> dict[str, list[AmbassadorCandidateRow]]:
    """Every personality by stage (in the order of STAGES)."""
    out: dict[str, list[AmbassadorCandidateRow]] = {stage: [] for stage in STAGES}
    for row in session.scalars(select(AmbassadorCandidateRow).order_by(AmbassadorCandidateRow.name)):
        out[row.stage].append(row)
    return out


def candidate(session: Session, candidate_id: str) -> AmbassadorCandidateRow | None:
    """One personality."""
    return session.get(AmbassadorCandidateRow, candidate_id)


def activities(session: Session, candidate_id: str) -> list[AmbassadorActivityRow]:
    """An Ambassador's activities, newest first."""
    return list(session.scalars(select(AmbassadorActivityRow).where(AmbassadorActivityRow.candidate_id ==
                                                                    candidate_id)
                                .order_by(AmbassadorActivityRow.happened_on.desc())))


def renewals_due(session: Session, now: datetime | None = None,
                 lead_days: int = RENEWAL_LEAD_DAYS) -> list[AmbassadorCandidateRow]:
    """Serving Ambassadors whose term ends within `lead_days` (or has ended)."""
    today = (now or utcnow()).date()
    rows = session.scalars(select(AmbassadorCandidateRow).where(AmbassadorCandidateRow.stage == "appointed")
                           .order_by(AmbassadorCandidateRow.term_ends))
    return [r for r in rows if renewal_due(r.term_ends, today, lead_days)]
