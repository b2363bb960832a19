"""Duty officers on call: the rota (who is on duty when), alerts for flagged or escalated stories, the officer's
acknowledgement and decision, and escalation to the next officer in the rota when nobody acknowledges in time.

An alert is raised once per story (when detect flags or escalates it and no mobilization exists). The officers on
call at the lowest level of the rota get an email with the evidence (one ledger row per purpose and recipient) and
see a badge in the console. Nobody acknowledges within `RRM_MOBILIZE__ALERT_ACK_S`: the next level is alerted
(`escalate_due`, run by the timers), as PagerDuty escalates; with nobody on call at all, the secretariat's
`RRM_MOBILIZE__OFFICER_EMAIL` gets it. The officer then mobilizes (pieces, see `stories.start_mobilization`) or
dismisses it with a reason; the web route records the same decision in detect/ as a labeled example.
Each function takes the caller's session (the caller's transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus.records import deterministic_id
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from .incident import Deps, MobilizeError, fmt_time, note
from .model import PieceOrder
from .tables import Alert, Mobilization, Shift, StoryBrief

log = structlog.get_logger(__name__)


class AlertStatus:
    """Where an alert stands (stored strings)."""

    OPEN = "open"  # waiting for an officer to acknowledge
    ACKNOWLEDGED = "acknowledged"  # an officer took it and is deciding
    MOBILIZED = "mobilized"
    DISMISSED = "dismissed"


#: Alerts still waiting for a decision (the console's badge counts them).
PENDING = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
#: Detect's severities, lowest first: a pending alert whose story rises is told again.
SEVERITY_RANK = {"watch": 1, "alert": 2, "critical": 3}
#: Why an officer may dismiss a story (the same keys as detect.handlers.DISMISS_REASONS).
DISMISS_REASONS = {
    "false_alarm": "False alarm: not a polarizing event",
    "outside_mandate": "Outside the mandate",
    "already_covered": "Already covered",
}
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+$")  # console accounts' addresses (the demo's are officer@demo)
MAX_SHIFT = timedelta(days=14)


# -------------------------------------------------------------------------------------------------------------- rota
def save_shift(session: Session, *, officer_email: str, officer_name: str = "", level: int = 1,
               starts_at: datetime, ends_at: datetime, note_text: str = "", created_by: str = "",
               now: datetime, shift_id: int | None = None) -> Shift:
    """Add a shift (or change shift `shift_id`); MobilizeError with a sentence for the officer on bad input."""
    email = (officer_email or "").strip().lower()
    if not EMAIL.match(email):
        raise MobilizeError("Choose the officer on duty (an email address).")
    if not 1 <= int(level) <= 5:
        raise MobilizeError("The level is 1 (alerted first) to 5.")
    if starts_at is None or ends_at is None:
        raise MobilizeError("Give the shift a start and an end.")
    if ends_at <= starts_at:
        raise MobilizeError("A shift ends after it starts.")
    if ends_at - starts_at > MAX_SHIFT:
        raise MobilizeError("A shift lasts at most 14 days: add several.")
    shift = session.get(Shift, shift_id) if shift_id else None
    if shift_id and shift is None:
        raise MobilizeError("That shift no longer exists.")
    if shift is None:
        shift = Shift(created_at=now, created_by=created_by[:200])
        session.add(shift)
    shift.officer_email, shift.officer_name = email, " ".join((officer_name or "").split())[:200]
    shift.level, shift.starts_at, shift.ends_at = int(level), starts_at, ends_at
    shift.note = " ".join((note_text or "").split())[:300]
    session.flush()
    return shift


def find_shift(session: Session, shift_id: int) -> Shift | None:
    """One shift."""
    return session.get(Shift, shift_id)


def find_alert(session: Session, alert_id_: str) -> Alert | None:
    """One alert."""
    return session.get(Alert, alert_id_)


def delete_shift(session: Session, shift_id: int) -> None:
    """Remove a shift."""
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise MobilizeError("That shift no longer exists.")
    session.delete(shift)


def shifts_between(session: Session, start: datetime, end: datetime) -> list[Shift]:
    """Shifts overlapping [start, end), by start then level."""
    return list(session.scalars(select(Shift).where(Shift.starts_at < end, Shift.ends_at > start)
                                .order_by(Shift.starts_at, Shift.level, Shift.officer_email)))


def on_call(session: Session, at: datetime) -> list[Shift]:
    """Shifts running at `at`, level 1 first."""
    return list(session.scalars(select(Shift).where(Shift.starts_at <= at, Shift.ends_at > at)
                                .order_by(Shift.level, Shift.starts_at, Shift.officer_email)))


def levels_on_call(session: Session, at: datetime) -> dict[int, list[tuple[str, str]]]:
    """{level: [(email, name), ...]} of the officers on call at `at` (each officer once per level)."""
    levels: dict[int, list[tuple[str, str]]] = {}
    for shift in on_call(session, at):
        people = levels.setdefault(shift.level, [])
        if shift.officer_email not in [e for e, _ in people]:
            people.append((shift.officer_email, shift.officer_name))
    return levels


def ensure_rota(session: Session, officers: list[tuple[str, str, int]], start: datetime, days: int, now: datetime
                ) -> int:
    """Whole-day shifts from `start` for `days` days for each (email, name, level), skipping days an officer
    already has a shift (so running it again adds nothing); returns the shifts added."""
    added = 0
    for n in range(days):
        day = start + timedelta(days=n)
        for email, name, level in officers:
            if any(s.officer_email == email for s in shifts_between(session, day, day + timedelta(days=1))):
                continue
            save_shift(session, officer_email=email, officer_name=name, level=level, starts_at=day,
                       ends_at=day + timedelta(days=1), note_text="demo rota", created_by="demo", now=now)
            added += 1
    return added


# ------------------------------------------------------------------------------------------------------------ alerts
def alert_id(story_id: str) -> str:
    """An alert's id: one alert per story."""
    return deterministic_id("alert", story_id)


def raise_alert(session: Session, deps: Deps, brief: StoryBrief, cause: str) -> Alert | None:
    """A flagged or escalated story needs an officer: alert whoever is on call (once per story). An alert still
    pending takes the new severity; a story already mobilized, or already decided, raises nothing new."""
    now = deps.now()
    if session.scalar(select(Mobilization.id).where(Mobilization.story_id == brief.story_id)) is not None:
        return None
    alert = session.get(Alert, alert_id(brief.story_id))
    if alert is not None:
        if alert.status in PENDING:
            raised = SEVERITY_RANK.get(brief.severity or "", 0) > SEVERITY_RANK.get(alert.severity or "", 0)
            alert.severity, alert.title = brief.severity or alert.severity, brief.title or alert.title
            if cause == "escalated":
                alert.cause = "escalated"
            if raised:  # still undecided and now worse: everyone alerted so far hears it (once per severity)
                _tell_again(session, deps, alert, now)
        elif (alert.status == AlertStatus.DISMISSED and cause == "escalated" and brief.severity == "critical"
              and alert.severity != "critical"):
            # dismissed, then it went critical: an officer looks again (a new round of emails, a new badge)
            alert.status, alert.severity, alert.cause, alert.level = AlertStatus.OPEN, "critical", "escalated", 0
            note_text = f"Dismissed ({alert.reason}) by {alert.decided_by}, then escalated to critical."
            alert.acknowledged_by, alert.acknowledged_at, alert.decided_by, alert.decided_at = "", None, "", None
            alert.decision, alert.reason, alert.alerted = "", "reopened", []
            _alert_next_level(session, deps, alert, now)
            log.info("alert.reopened", story_id=alert.story_id, why=note_text)
        return alert
    alert = Alert(id=alert_id(brief.story_id), story_id=brief.story_id, title=brief.title[:500],
                  severity=brief.severity or "", cause=cause, status=AlertStatus.OPEN, level=0, alerted=[],
                  created_at=now)
    session.add(alert)
    session.flush()
    _alert_next_level(session, deps, alert, now)
    return alert


def _alert_next_level(session: Session, deps: Deps, alert: Alert, now: datetime) -> bool:
    """Email the officers of the next level on call (the secretariat when nobody is on call at all); False when
    there is no level left."""
    levels = levels_on_call(session, now)
    later = sorted(level for level in levels if level > alert.level)
    if later:
        level, people = later[0], levels[later[0]]
    elif alert.level == 0:
        level, people = 1, [(deps.settings.mobilize.officer_email, "")]
    else:
        alert.escalate_at = None
        return False
    brief = session.get(StoryBrief, alert.story_id)
    round_key = ":reopened" if alert.reason == "reopened" else ""  # a reopened alert emails everyone again
    alert.level = level
    new = [(e, n) for e, n in people if e not in (alert.alerted or [])]
    alert.alerted = [*(alert.alerted or []), *(e for e, _ in new)]
    alert.escalate_at = now + timedelta(seconds=deps.settings.mobilize.alert_ack_s)
    for email, name in new:
        queue_mail(session, alert_email(deps, alert, brief, email, name), purpose="mobilize.alert",
                   attempt_key=alert.id + round_key, ref=alert.story_id, now=now)
    return True


def _tell_again(session: Session, deps: Deps, alert: Alert, now: datetime) -> None:
    """Email the officers already alerted about a pending alert again, at its new severity (one email per officer
    and severity, as PagerDuty re-notifies when an incident's urgency rises)."""
    brief = session.get(StoryBrief, alert.story_id)
    names = {email: name for level in levels_on_call(session, now).values() for email, name in level}
    for email in alert.alerted or []:
        queue_mail(session, alert_email(deps, alert, brief, email, names.get(email, "")), purpose="mobilize.alert",
                   attempt_key=f"{alert.id}:{alert.severity}", ref=alert.story_id, now=now)


def alert_url(deps: Deps, alert: Alert) -> str:
    """The console page of an alert."""
    return f"{deps.settings.web.base_url}/oncall/alerts/{alert.id}"


def alert_email(deps: Deps, alert: Alert, brief: StoryBrief | None, to: str, name: str) -> OutgoingMessage:
    """The email an officer on call gets: what was flagged, why, the sources, and where to decide."""
    facts = evidence_of(brief)
    lines = [f"Hello {name}," if name else "Hello,", "",
             f"A story was {alert.cause} ({alert.severity or 'no severity'}) and needs a duty officer's decision:",
             "", f"  {alert.title}", ""]
    if facts.why:
        lines += [f"Why it was flagged: {facts.why}"]
    lines += [f"Reasons: {r}" for r in facts.reasons[:5]]
    if facts.sources:
        lines += ["", f"Sources now ({len(facts.sources)}):", *(f"  - {s}" for s in facts.sources[:20])]
    if facts.countries:
        lines += [f"Countries: {', '.join(facts.countries)}"]
    if facts.links:
        lines += ["", "First reports:", *(f"  {u}" for u in facts.links[:5])]
    lines += ["", f"Acknowledge, then mobilize or dismiss it: {alert_url(deps, alert)}", "",
              f"If nobody acknowledges by {fmt_time(alert.escalate_at)}, the next officer in the rota is alerted."
              if alert.escalate_at else ""]
    return OutgoingMessage(to=to, to_name=name, subject=f"[{(alert.severity or 'alert').upper()}] Decide: "
                           f"{alert.title}"[:300], text="\n".join(lines).rstrip() + "\n",
                           categories=("alert",))


def escalate_due(session: Session, deps: Deps) -> int:
    """Alerts nobody acknowledged in time go to the next level of the rota; returns how many were escalated."""
    now = deps.now()
    escalated = 0
    for alert in session.scalars(select(Alert).where(Alert.status == AlertStatus.OPEN,
                                                     Alert.escalate_at <= now)).all():
        before = alert.level
        if _alert_next_level(session, deps, alert, now):
            escalated += 1
        elif before:
            alert.escalate_at = None  # nobody further on call: it stays open, with its badge, for whoever comes
    return escalated


def get_alert(session: Session, alert_id_: str) -> Alert:
    """An alert, or MobilizeError."""
    alert = session.get(Alert, alert_id_)
    if alert is None:
        raise MobilizeError("There is no such alert.")
    return alert


def acknowledge(session: Session, deps: Deps, alert_id_: str, officer: str) -> Alert:
    """An officer takes the alert: escalation stops; the officer decides next."""
    alert = get_alert(session, alert_id_)
    if alert.status != AlertStatus.OPEN:
        if alert.status == AlertStatus.ACKNOWLEDGED:
            raise MobilizeError(f"{alert.acknowledged_by} already acknowledged this alert.")
        raise MobilizeError(f"This alert was already decided ({alert.status} by {alert.decided_by}).")
    alert.status, alert.acknowledged_by, alert.acknowledged_at = AlertStatus.ACKNOWLEDGED, officer[:200], deps.now()
    alert.escalate_at = None
    return alert


def _pending(session: Session, alert_id_: str) -> Alert:
    alert = get_alert(session, alert_id_)
    if alert.status == AlertStatus.OPEN:
        raise MobilizeError("Acknowledge the alert first, so that nobody else is paged while you decide.")
    if alert.status != AlertStatus.ACKNOWLEDGED:
        raise MobilizeError(f"This alert was already decided ({alert.status} by {alert.decided_by}).")
    return alert


def mobilize_from_alert(session: Session, deps: Deps, alert_id_: str, officer: str, pieces: list[PieceOrder],
                        *, urgent: bool = False) -> Mobilization:
    """The officer commissions the pieces (each solo or a pair, with the members seen proposed): members are paged
    now."""
    alert = _pending(session, alert_id_)
    if not pieces:
        raise MobilizeError("Commission at least one piece.")
    from .stories import start_mobilization  # stories raises alerts through this module

    mob = start_mobilization(session, deps, alert.story_id, started_by=officer, urgent=urgent, pieces=pieces)
    now = deps.now()
    alert.status, alert.decided_by, alert.decided_at = AlertStatus.MOBILIZED, officer[:200], now
    alert.decision, alert.mobilization_id = "confirmed", mob.id
    note(session, mob.id, officer, "alert", f"{officer} acknowledged the alert and mobilized "
         f"{len(pieces)} piece(s).", now)
    return mob


def dismiss(session: Session, deps: Deps, alert_id_: str, officer: str, reason: str) -> Alert:
    """The officer dismisses the story with a reason (false alarm, outside the mandate, already covered)."""
    alert = _pending(session, alert_id_)
    if reason not in DISMISS_REASONS:
        raise MobilizeError("Choose why: false alarm, outside the mandate, or already covered.")
    alert.status, alert.decided_by, alert.decided_at = AlertStatus.DISMISSED, officer[:200], deps.now()
    alert.decision, alert.reason = "dismissed", reason
    return alert


def settle_for_mobilization(session: Session, story_id: str, mob: Mobilization, started_by: str,
                            now: datetime) -> None:
    """A mobilization started some other way (by hand, by a command, without a person): the story's pending alert
    is settled as mobilized, so nobody else is alerted or shown a badge for it."""
    alert = session.get(Alert, alert_id(story_id))
    if alert is not None and alert.status in PENDING:
        alert.status, alert.decided_by, alert.decided_at = AlertStatus.MOBILIZED, started_by[:200], now
        alert.decision, alert.mobilization_id, alert.escalate_at = "confirmed", mob.id, None


def pending_count(session: Session) -> int:
    """Alerts waiting for a decision (the console's badge)."""
    return session.scalar(select(func.count()).select_from(Alert).where(Alert.status.in_(PENDING))) or 0


def alerts(session: Session, *, pending_only: bool = False, limit: int = 100) -> list[Alert]:
    """Alerts, pending first then newest."""
    query = select(Alert).order_by(Alert.created_at.desc()).limit(limit)
    if pending_only:
        query = query.where(Alert.status.in_(PENDING))
    rows = list(session.scalars(query))
    return sorted(rows, key=lambda a: a.status not in PENDING)


# ---------------------------------------------------------------------------------------------------------- evidence
@dataclass(frozen=True)
class Evidence:
    """A story's evidence as people read it: the latest rule that flagged it, reasons, sources now, links."""

    why: str
    reasons: list[str]
    sources: list[str]
    countries: list[str]
    languages: list[str]
    links: list[str]
    facts: list[tuple[str, str]]


_FACTS = (("articles_in_window", "Articles in the window"), ("window_minutes", "Window (minutes)"),
          ("articles_last_hour", "Articles in the last hour"), ("growth", "Growth over the baseline"),
          ("score", "Detector score"))


def evidence_of(brief: StoryBrief | None) -> Evidence:
    """The story's latest state, readable: lists as lists, the sources counted now (not at the first flag)."""
    data = (brief.data if brief is not None else None) or {}
    ev = data.get("evidence") or {}
    sources = sorted({str(s) for s in (ev.get("sources") or data.get("sources") or []) if s})
    countries = sorted({str(c) for c in (ev.get("countries") or data.get("countries") or []) if c})
    languages = sorted({str(v) for v in (ev.get("languages") or data.get("languages") or []) if v})
    why = str(ev.get("rule") or "")
    if sources and why and not why.startswith(f"{len(sources)} source"):
        why = f"{len(sources)} sources now; at the last assessment: {why}"
    links = [str(v) for v in ev.values() if isinstance(v, str) and v.startswith(("http://", "https://"))]
    facts = [(label, str(ev[key])) for key, label in _FACTS if ev.get(key) not in (None, "")]
    if ev.get("summary"):
        facts.append(("Summary", str(ev["summary"])))
    return Evidence(why=why, reasons=[str(r) for r in (ev.get("reasons") or data.get("reasons") or [])],
                    sources=sources, countries=countries, languages=languages, links=links, facts=facts)
