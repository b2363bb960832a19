"""The Youth Solidarity Fund as a process: a call (deadline, weighted criteria, eligibility rules) → a public
application form (no account, edit link until the deadline) → eligibility check → a review panel that scores, with
conflicts of interest declared (a panellist with a conflict cannot score that application) → decision → a grant in
tranches → reports due, with reminders → the project enters the Clearinghouse (a `projects` registry entry, queued
as a `RegistryCommand` through the outbox and applied by the registry worker).

The pure part (states, eligibility, weighted totals, the tranche plan) is at the top; the handlers below take the
caller's session and record each step (`programmes.record_step`: timeline + `programmes.stepped`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus.records import RegistryCommand
from db.outbox import add_to_outbox
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from . import publicforms as pf
from .programmes import ProgrammeError, money, move, record_step, utcnow
from .tables_programmes import (
    FormSubmissionRow,
    YsfApplicationRow,
    YsfCallRow,
    YsfConflictRow,
    YsfPanellistRow,
    YsfReportRow,
    YsfScoreRow,
    YsfTrancheRow,
)

PROGRAMME = "ysf"
#: submitted → eligible | ineligible → (panel scores) → granted | rejected; granted → completed (last report in).
MOVES: dict[str, tuple[str, ...]] = {
    "submitted": ("eligible", "ineligible"),
    "ineligible": ("eligible",),
    "eligible": ("granted", "rejected"),
    "granted": ("completed",),
}
STATUS_LABELS = {"submitted": "Submitted", "eligible": "Eligible, in review", "ineligible": "Not eligible",
                 "granted": "Granted", "rejected": "Not selected", "completed": "Completed"}
DEFAULT_CRITERIA = [
    {"key": "relevance", "label": "Relevance to the Alliance's aims", "weight": 3},
    {"key": "feasibility", "label": "Feasibility and budget", "weight": 2},
    {"key": "youth", "label": "Led by and for young people", "weight": 2},
    {"key": "reach", "label": "Reach across communities", "weight": 3},
]
DEFAULT_RULES = {"min_age": 18, "max_age": 35, "max_amount": 25000, "youth_led": True}
MAX_SCORE = 5

FORM = pf.PublicForm("ysf.application", (
    pf.Field("applicant_name", "Your name", required=True, max_chars=120),
    pf.Field("email", "Email", kind="email", required=True, hint="Your edit link is sent here."),
    pf.Field("age", "Your age", kind="number", required=True, minimum=10, maximum=99),
    pf.Field("organisation", "Youth organisation", required=True, max_chars=200),
    pf.Field("country", "Country", required=True, max_chars=80),
    pf.Field("youth_led", "Our organisation is led by young people (18 to 35)", kind="checkbox"),
    pf.Field("project_title", "Project title", required=True, max_chars=200),
    pf.Field("summary", "What the project does, with whom, and why", kind="long", required=True, max_chars=3000,
             hint="At most 3,000 characters."),
    pf.Field("amount", "Amount requested (USD)", kind="number", required=True, minimum=500, maximum=100000),
    pf.Field("start_date", "Planned start", kind="date", required=True, hint="YYYY-MM-DD."),
    pf.Field("budget", "Budget", kind="file", required=True, accept=("application/pdf",), max_bytes=1_000_000),
    pf.Field("consent", "I agree that the Secretariat keeps these answers to assess the application",
             kind="checkbox", required=True),
))


# --- pure ---------------------------------------------------------------------------------------------------------

def ineligibility(answers: dict, rules: dict) -> list[str]:
    """Why an application's answers break the call's rules ([] = eligible)."""
    reasons = []
    try:
        age = Decimal(str(answers.get("age") or "0"))
    except ArithmeticError:
        age = Decimal(0)
    if "min_age" in rules and age < rules["min_age"]:
        reasons.append(f"The applicant is under {rules['min_age']}.")
    if "max_age" in rules and age > rules["max_age"]:
        reasons.append(f"The applicant is over {rules['max_age']}.")
    if rules.get("max_amount") and Decimal(str(answers.get("amount") or "0")) > Decimal(str(rules["max_amount"])):
        reasons.append(f"The amount requested is over the call's ceiling of {rules['max_amount']:,}.")
    if rules.get("youth_led") and not answers.get("youth_led"):
        reasons.append("The organisation does not say it is youth-led.")
    return reasons


def weighted_total(criteria: list[dict], scores: dict[str, int]) -> float:
    """A panellist's scores (0-5 per criterion) as a weighted percentage."""
    weights = sum(c["weight"] for c in criteria)
    return round(100 * sum(c["weight"] * scores[c["key"]] for c in criteria) / (MAX_SCORE * weights), 1)


def check_scores(criteria: list[dict], given: dict[str, str]) -> dict[str, int]:
    """Every criterion scored with a whole number 0-5, or `ProgrammeError` naming the first that is not."""
    out = {}
    for c in criteria:
        raw = str(given.get(c["key"], "")).strip()
        if not raw.isdigit() or not 0 <= int(raw) <= MAX_SCORE:
            raise ProgrammeError(f"Score “{c['label']}” with a whole number from 0 to {MAX_SCORE}.")
        out[c["key"]] = int(raw)
    return out


def tranche_plan(amount: Decimal, starts_on: date, months: int, shares: tuple[int, ...] = (60, 40)
                 ) -> tuple[list[tuple[Decimal, date]], list[tuple[str, date]]]:
    """Tranches (amount, due) and reports (label, due) of a grant: the first tranche at the start, the next at
    mid-term after the interim report; the final report a month after the end."""
    if sum(shares) != 100:
        raise ProgrammeError("The tranches must add up to 100%.")
    mid = starts_on + timedelta(days=round(months * 30.4 / 2))
    end = starts_on + timedelta(days=round(months * 30.4))
    amounts = [(amount * s / 100).quantize(Decimal("0.01")) for s in shares]
    amounts[-1] = amount - sum(amounts[:-1])
    dues = [starts_on] + [mid + timedelta(days=14 * i) for i in range(len(shares) - 1)]
    reports = [("Interim report", mid - timedelta(days=7)), ("Final report", end + timedelta(days=30))]
    return list(zip(amounts, dues, strict=True)), reports


# --- handlers -----------------------------------------------------------------------------------------------------

def create_call(session: Session, *, title: str, deadline: datetime, summary: str = "", opens_at: datetime | None
                = None, criteria: list[dict] | None = None, rules: dict | None = None, budget: object = "100000",
                currency: str = "USD", actor: str = "", call_id: str = "", now: datetime | None = None) -> YsfCallRow:
    """Open a call for applications."""
    now = now or utcnow()
    if not title.strip():
        raise ProgrammeError("Give the call a title.")
    if deadline <= (opens_at or now):
        raise ProgrammeError("The deadline must be after the call opens.")
    criteria = criteria or DEFAULT_CRITERIA
    if any(c.get("weight", 0) <= 0 for c in criteria):
        raise ProgrammeError("Every criterion needs a weight above zero.")
    row = YsfCallRow(id=call_id or uuid.uuid4().hex[:12], title=title.strip(), summary=summary.strip(),
                     opens_at=opens_at or now, deadline=deadline, criteria=criteria,
                     rules={**DEFAULT_RULES, **(rules or {})}, currency=currency, budget=money(budget, "The budget"),
                     status="open", created_at=now)
    session.add(row)
    session.flush()
    record_step(session, PROGRAMME, row.id, "call_opened", actor=actor, now=now,
                text=f"Call “{row.title}” opened; deadline {deadline:%d %b %Y %H:%M} UTC.")
    return row


def set_deadline(session: Session, call_id: str, deadline: datetime, *, actor: str = "",
                 now: datetime | None = None) -> None:
    """Move a call's deadline (and every application's edit deadline with it)."""
    call = _call(session, call_id)
    call.deadline = deadline
    for sub in session.scalars(select(FormSubmissionRow).where(FormSubmissionRow.form == FORM.name,
                                                               FormSubmissionRow.subject_id == call_id)):
        sub.deadline = deadline
    record_step(session, PROGRAMME, call_id, "deadline_moved", actor=actor, now=now,
                text=f"Deadline moved to {deadline:%d %b %Y %H:%M} UTC.")


def add_panellist(session: Session, call_id: str, email: str, name: str = "", *, actor: str = "",
                  now: datetime | None = None) -> None:
    """Put a console user on the call's review panel."""
    _call(session, call_id)
    email = email.strip().lower()
    if "@" not in email:
        raise ProgrammeError("Give the panellist's console email address.")
    if session.get(YsfPanellistRow, (call_id, email)) is None:
        session.add(YsfPanellistRow(call_id=call_id, email=email, name=name.strip()))
        record_step(session, PROGRAMME, call_id, "panellist_added", actor=actor, now=now,
                    text=f"{name or email} joined the review panel.")


def is_open(call: YsfCallRow, now: datetime | None = None) -> bool:
    """Whether the call takes applications now."""
    now = now or utcnow()
    return call.opens_at <= now <= call.deadline


def submit_application(session: Session, call_id: str, checked: pf.Checked, *,
                       now: datetime | None = None) -> YsfApplicationRow:
    """Store a checked application to an open call (status submitted; its eligibility noted at once)."""
    now = now or utcnow()
    call = _call(session, call_id)
    if not is_open(call, now):
        raise ProgrammeError(f"This call closed on {call.deadline:%d %B %Y at %H:%M} UTC.")
    if application_from(session, call_id, str(checked.answers.get("email") or "")) is not None:
        raise ProgrammeError("An application from this address is already registered for this call.")
    sub = pf.save_submission(session, FORM, checked, subject_id=call_id, deadline=call.deadline, now=now)
    app = YsfApplicationRow(id=sub.id, call_id=call_id, status="submitted", submitted_at=now, updated_at=now)
    _copy_answers(app, sub.answers, call)
    session.add(app)
    session.flush()
    record_step(session, PROGRAMME, app.id, "submitted", actor=sub.email, now=now,
                text=f"Application “{app.project_title}” received from {app.organisation}.")
    return app


def edit_application(session: Session, submission: FormSubmissionRow, checked: pf.Checked, *,
                     now: datetime | None = None) -> YsfApplicationRow:
    """Save an applicant's edit (the caller opened the submission with `publicforms.open_for_edit`)."""
    now = now or utcnow()
    app = session.get(YsfApplicationRow, submission.id)
    call = _call(session, app.call_id)
    if now > call.deadline:
        raise ProgrammeError("The deadline has passed: the application can no longer be changed.")
    pf.save_submission(session, FORM, checked, submission=submission, now=now)
    _copy_answers(app, submission.answers, call)
    app.updated_at = now
    record_step(session, PROGRAMME, app.id, "edited", actor=submission.email, now=now, text="The applicant edited.")
    return app


def _copy_answers(app: YsfApplicationRow, answers: dict, call: YsfCallRow) -> None:
    app.organisation = str(answers.get("organisation", ""))[:200]
    app.project_title = str(answers.get("project_title", ""))[:300]
    app.country = str(answers.get("country", ""))[:80]
    app.amount_requested = Decimal(str(answers.get("amount") or "0"))
    app.eligibility = ineligibility(answers, call.rules)


def check_eligibility(session: Session, application_id: str, *, actor: str, override: str = "",
                      now: datetime | None = None) -> str:
    """Apply the rules after the deadline: eligible or ineligible (an `override` note makes it eligible anyway)."""
    now = now or utcnow()
    app = _application(session, application_id)
    call = _call(session, app.call_id)
    if now <= call.deadline:
        raise ProgrammeError("Eligibility is checked once the call has closed, so that every applicant can still "
                             "edit until the deadline.")
    to = "eligible" if override.strip() or not app.eligibility else "ineligible"
    app.status, app.updated_at = move(MOVES, app.status, to, "The application"), now
    text = ("Eligible." if not app.eligibility else
            f"Eligible by decision: {override.strip()}" if override.strip() else "Not eligible: "
            + " ".join(app.eligibility))
    record_step(session, PROGRAMME, app.id, to, actor=actor, text=text, now=now)
    return to


def declare_conflict(session: Session, application_id: str, panellist: str, reason: str, *,
                     now: datetime | None = None) -> None:
    """A panellist declares a conflict of interest with an application; any score they gave is withdrawn."""
    now = now or utcnow()
    app = _application(session, application_id)
    panellist = panellist.strip().lower()
    _panellist(session, app.call_id, panellist)
    if not reason.strip():
        raise ProgrammeError("Say briefly what the conflict of interest is.")
    if session.get(YsfConflictRow, (application_id, panellist)) is None:
        session.add(YsfConflictRow(application_id=application_id, panellist=panellist, reason=reason.strip()[:2000],
                                   declared_at=now))
    withdrawn = session.get(YsfScoreRow, (application_id, panellist))
    if withdrawn is not None:
        session.delete(withdrawn)
    record_step(session, PROGRAMME, app.id, "conflict_declared", actor=panellist, now=now,
                text=f"Conflict of interest declared: {reason.strip()[:300]}")


def score_application(session: Session, application_id: str, panellist: str, given: dict[str, str], *,
                      comment: str = "", now: datetime | None = None) -> float:
    """Record (or replace) a panellist's scores; refused with a conflict declared, or before eligibility."""
    now = now or utcnow()
    app = _application(session, application_id)
    panellist = panellist.strip().lower()
    _panellist(session, app.call_id, panellist)
    if session.get(YsfConflictRow, (application_id, panellist)) is not None:
        raise ProgrammeError("You declared a conflict of interest with this application: you cannot score it.")
    if app.status != "eligible":
        raise ProgrammeError(f"Only eligible applications are scored; this one is {STATUS_LABELS[app.status]}.")
    call = _call(session, app.call_id)
    scores = check_scores(call.criteria, given)
    total = weighted_total(call.criteria, scores)
    row = session.get(YsfScoreRow, (application_id, panellist))
    if row is None:
        row = YsfScoreRow(application_id=application_id, panellist=panellist)
        session.add(row)
    row.scores, row.total, row.comment, row.scored_at = scores, total, comment.strip()[:3000], now
    record_step(session, PROGRAMME, app.id, "scored", actor=panellist, now=now, text=f"Scored {total:.1f}/100.",
                data={"total": total})
    return total


def decide(session: Session, application_id: str, *, grant: bool, actor: str, amount: object = None,
           starts_on: date | None = None, months: int = 12, note: str = "",
           now: datetime | None = None) -> YsfApplicationRow:
    """The decision: a grant (amount, tranches, reports due) or not selected; needs at least one score."""
    now = now or utcnow()
    app = _application(session, application_id)
    scored = session.scalar(select(func.count()).select_from(YsfScoreRow)
                            .where(YsfScoreRow.application_id == application_id))
    if not scored:
        raise ProgrammeError("The panel has not scored this application yet.")
    if not grant:
        app.status = move(MOVES, app.status, "rejected", "The application")
        app.decision_note, app.updated_at = note.strip(), now
        record_step(session, PROGRAMME, app.id, "rejected", actor=actor, now=now, text=note.strip() or "Not selected.")
        return app
    amount = money(amount if amount not in (None, "") else app.amount_requested, "The grant")
    if starts_on is None:
        raise ProgrammeError("Give the grant's start date.")
    if not 1 <= int(months) <= 36:
        raise ProgrammeError("A grant lasts 1 to 36 months.")
    app.status = move(MOVES, app.status, "granted", "The application")
    app.amount_granted, app.decision_note, app.updated_at = amount, note.strip(), now
    tranches, reports = tranche_plan(amount, starts_on, int(months))
    for n, (part, due) in enumerate(tranches, start=1):
        session.add(YsfTrancheRow(application_id=app.id, number=n, amount=part, due_on=due))
    for n, (label, due) in enumerate(reports, start=1):
        session.add(YsfReportRow(application_id=app.id, number=n, label=label, due_on=due))
    record_step(session, PROGRAMME, app.id, "granted", actor=actor, now=now,
                text=f"Granted {amount:,.2f} in {len(tranches)} tranches from {starts_on:%d %b %Y}.",
                data={"amount": str(amount)})
    return app


def pay_tranche(session: Session, application_id: str, number: int, paid_on: date, *, actor: str,
                now: datetime | None = None) -> None:
    """Record a tranche as paid."""
    row = session.get(YsfTrancheRow, (application_id, int(number)))
    if row is None:
        raise ProgrammeError("There is no such tranche.")
    if row.paid_on is None:
        row.paid_on = paid_on
        record_step(session, PROGRAMME, application_id, "tranche_paid", actor=actor, now=now,
                    text=f"Tranche {number} ({row.amount:,.2f}) paid on {paid_on:%d %b %Y}.")


def receive_report(session: Session, application_id: str, number: int, received_on: date, summary: str, *,
                   actor: str, now: datetime | None = None) -> bool:
    """Record a report as received; the last one completes the project, which enters the Clearinghouse (True)."""
    now = now or utcnow()
    row = session.get(YsfReportRow, (application_id, int(number)))
    if row is None:
        raise ProgrammeError("There is no such report.")
    if not summary.strip():
        raise ProgrammeError("Summarise the report in a few lines (it becomes the project's summary).")
    row.received_on, row.summary = received_on, summary.strip()[:3000]
    record_step(session, PROGRAMME, application_id, "report_received", actor=actor, now=now,
                text=f"{row.label} received on {received_on:%d %b %Y}.")
    pending = session.scalar(select(func.count()).select_from(YsfReportRow).where(
        YsfReportRow.application_id == application_id, YsfReportRow.received_on.is_(None)))
    if pending:
        return False
    app = _application(session, application_id)
    app.status = move(MOVES, app.status, "completed", "The application")
    app.project_entry_id = f"ysf-{app.id[:16]}"
    sub = session.get(FormSubmissionRow, app.id)
    start = (sub.answers.get("start_date") if sub else None) or None
    data = {"title": app.project_title, "category": "aoc_project", "theme": "youth", "role": "catalyst",
            "status": "completed", "partners": [app.organisation], "region": app.country,
            "summary": row.summary, **({"started_on": start} if start else {})}
    add_to_outbox(session, "registry.commands", RegistryCommand(
        registry="projects", action="create", entity_id=app.project_entry_id, request_id=f"ysf-complete-{app.id}",
        data=data, actor=actor, occurred_at=now))
    record_step(session, PROGRAMME, app.id, "completed", actor=actor, now=now,
                text=f"Completed; entered the Clearinghouse as project {app.project_entry_id}.")
    return True


def remind_reports(session: Session, *, now: datetime | None = None, lead_days: int = 14,
                   secretariat: str = "") -> int:
    """Queue reminders (mail ledger, one per report and round): 14 days before a report is due, and once when
    it is overdue. The number queued."""
    now = now or utcnow()
    today = now.date()
    queued = 0
    rows = session.execute(select(YsfReportRow, YsfApplicationRow, FormSubmissionRow)
                           .join(YsfApplicationRow, YsfApplicationRow.id == YsfReportRow.application_id)
                           .join(FormSubmissionRow, FormSubmissionRow.id == YsfApplicationRow.id)
                           .where(YsfReportRow.received_on.is_(None), YsfApplicationRow.status == "granted",
                                  YsfReportRow.due_on <= today + timedelta(days=lead_days))).all()
    for report, app, sub in rows:
        overdue = report.due_on < today
        round_ = 2 if overdue else 1
        if report.reminders >= round_ or not sub.email:
            continue
        subject = (f"Overdue: {report.label} for “{app.project_title}”" if overdue
                   else f"{report.label} for “{app.project_title}” due on {report.due_on:%d %B %Y}")
        text = (f"Dear {sub.answers.get('applicant_name', '')},\n\nThe {report.label.lower()} of your Youth Solidarity "
                f"Fund project “{app.project_title}” {'was' if overdue else 'is'} due on {report.due_on:%d %B %Y}. "
                "Please send it to the Alliance's Secretariat by replying to this email.\n\nAoC Secretariat")
        entry = queue_mail(session, OutgoingMessage(to=sub.email, subject=subject, text=text, reply_to=secretariat),
                           purpose="ysf.report_reminder", attempt_key=f"{app.id}:{report.number}:{round_}",
                           ref=app.id, now=now)
        report.reminders = round_
        if entry is not None:
            queued += 1
            record_step(session, PROGRAMME, app.id, "report_reminded", actor="timer", now=now,
                        text=f"Reminder sent for the {report.label.lower()} (due {report.due_on:%d %b %Y}).")
    return queued


def send_edit_link(session: Session, app: YsfApplicationRow, url: str, *, again: bool = False,
                   now: datetime | None = None) -> bool:
    """Queue the applicant's email with the link to edit until the deadline: once per application, and when
    `again` (someone sent a second application from the same address) at most once an hour. True if queued."""
    now = now or utcnow()
    sub = session.get(FormSubmissionRow, app.id)
    call = _call(session, app.call_id)
    opening = (f"An application from this address to “{call.title}” already exists: “{app.project_title}”. "
               "Rather than a second one, change it" if again else
               f"Thank you: your application “{app.project_title}” to “{call.title}” has been received.\n\nYou can "
               "change it")
    text = (f"Dear {sub.answers.get('applicant_name', '')},\n\n{opening} until {call.deadline:%d %B %Y, %H:%M} UTC "
            f"with this link (keep it to yourself):\n{url}\n\nAoC Secretariat")
    key = f"{app.id}:again:{now:%Y%m%d%H}" if again else app.id
    return queue_mail(session, OutgoingMessage(to=sub.email, subject=f"Your application to “{call.title}”",
                                               text=text),
                      purpose="ysf.application_received", attempt_key=key, ref=app.id, now=now) is not None


def application_from(session: Session, call_id: str, email: str) -> YsfApplicationRow | None:
    """The application already sent to this call from this address, if any (one per applicant and call)."""
    found = session.scalar(select(FormSubmissionRow.id).where(
        FormSubmissionRow.form == FORM.name, FormSubmissionRow.subject_id == call_id,
        func.lower(FormSubmissionRow.email) == email.strip().lower()))
    return session.get(YsfApplicationRow, found) if found else None


def _call(session: Session, call_id: str) -> YsfCallRow:
    call = session.get(YsfCallRow, call_id)
    if call is None:
        raise ProgrammeError("There is no such call.")
    return call


def _application(session: Session, application_id: str) -> YsfApplicationRow:
    app = session.get(YsfApplicationRow, application_id)
    if app is None:
        raise ProgrammeError("There is no such application.")
    return app


def _panellist(session: Session, call_id: str, email: str) -> None:
    if session.get(YsfPanellistRow, (call_id, email)) is None:
        raise ProgrammeError("Only members of this call's review panel can do this.")


# --- queries ------------------------------------------------------------------------------------------------------

@dataclass
class ApplicationView:
    """An application with its panel's average and the number of scores."""

    app: YsfApplicationRow
    average: float | None
    scores: int
    conflicts: int


def calls(session: Session) -> list[YsfCallRow]:
    """Every call, newest deadline first."""
    return list(session.scalars(select(YsfCallRow).order_by(YsfCallRow.deadline.desc())))


def open_calls(session: Session, now: datetime | None = None) -> list[YsfCallRow]:
    """Calls taking applications now."""
    now = now or utcnow()
    return list(session.scalars(select(YsfCallRow).where(YsfCallRow.opens_at <= now, YsfCallRow.deadline >= now)
                                .order_by(YsfCallRow.deadline)))


def call(session: Session, call_id: str) -> YsfCallRow | None:
    """One call."""
    return session.get(YsfCallRow, call_id)


def panel(session: Session, call_id: str) -> list[YsfPanellistRow]:
    """A call's review panel."""
    return list(session.scalars(select(YsfPanellistRow).where(YsfPanellistRow.call_id == call_id)
                                .order_by(YsfPanellistRow.email)))


def applications(session: Session, call_id: str) -> list[ApplicationView]:
    """A call's applications with their average weighted score, best first (three queries, whatever the count)."""
    apps = session.scalars(select(YsfApplicationRow).where(YsfApplicationRow.call_id == call_id)).all()
    in_call = select(YsfApplicationRow.id).where(YsfApplicationRow.call_id == call_id)
    totals = {a: (float(avg), int(n)) for a, avg, n in session.execute(
        select(YsfScoreRow.application_id, func.avg(YsfScoreRow.total), func.count())
        .where(YsfScoreRow.application_id.in_(in_call)).group_by(YsfScoreRow.application_id))}
    conflicts = dict(session.execute(
        select(YsfConflictRow.application_id, func.count()).where(YsfConflictRow.application_id.in_(in_call))
        .group_by(YsfConflictRow.application_id)).all())
    out = [ApplicationView(app, round(totals[app.id][0], 1) if app.id in totals else None,
                           totals.get(app.id, (0, 0))[1], conflicts.get(app.id, 0)) for app in apps]
    return sorted(out, key=lambda v: (-(v.average if v.average is not None else -1), v.app.submitted_at))


def application(session: Session, application_id: str) -> YsfApplicationRow | None:
    """One application."""
    return session.get(YsfApplicationRow, application_id)


def scores_of(session: Session, application_id: str) -> list[YsfScoreRow]:
    """The panel's scores of one application."""
    return list(session.scalars(select(YsfScoreRow).where(YsfScoreRow.application_id == application_id)
                                .order_by(YsfScoreRow.panellist)))


def conflicts_of(session: Session, application_id: str) -> list[YsfConflictRow]:
    """Conflicts of interest declared on one application."""
    return list(session.scalars(select(YsfConflictRow).where(YsfConflictRow.application_id == application_id)))


def tranches_of(session: Session, application_id: str) -> list[YsfTrancheRow]:
    """A grant's tranches."""
    return list(session.scalars(select(YsfTrancheRow).where(YsfTrancheRow.application_id == application_id)
                                .order_by(YsfTrancheRow.number)))


def reports_of(session: Session, application_id: str) -> list[YsfReportRow]:
    """A grant's reports."""
    return list(session.scalars(select(YsfReportRow).where(YsfReportRow.application_id == application_id)
                                .order_by(YsfReportRow.number)))


def reports_due(session: Session, now: datetime | None = None,
                days: int = 30) -> list[tuple[YsfReportRow, YsfApplicationRow]]:
    """Reports not yet received that are due within `days` or overdue."""
    today = (now or utcnow()).date()
    return [tuple(r) for r in session.execute(
        select(YsfReportRow, YsfApplicationRow).join(YsfApplicationRow, YsfApplicationRow.id ==
                                                     YsfReportRow.application_id)
        .where(YsfReportRow.received_on.is_(None), YsfReportRow.due_on <= today + timedelta(days=days))
        .order_by(YsfReportRow.due_on)).all()]
