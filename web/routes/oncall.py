"""Duty officers on call: the rota (/oncall: the week's shifts, who is on call now, add, edit and remove shifts),
the alerts raised by flagged or escalated stories (/oncall/alerts), and one alert's page where an officer
acknowledges it, previews the members and pairs proposed for each piece, then mobilizes or dismisses it.

A mobilization or a dismissal is also recorded in detect/ (`detect.handlers.decide_story`), where it becomes a
labeled example for the detector, in the same transaction. The header shows a badge with the alerts still open.
"""

# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from jinja2 import pass_context
from sqlalchemy import select
from starlette.responses import Response

from bus.records import utcnow
from db.engine import transaction
from detect import handlers as detect_handlers
from mobilize import handlers as h
from mobilize import model, oncall
from mobilize import queries as q

from ..auth import User, optional_user, require_role
from ..nav import NavItem
from ..tables import WebUser
from ..templating import flash, render, templates

log = structlog.get_logger(__name__)
router = APIRouter()
nav = [NavItem("Alerts", "/oncall/alerts", ("duty_officer", "admin"), order=25),
       NavItem("On call", "/oncall", ("duty_officer", "admin"), order=26)]
officer = require_role("duty_officer", "admin")
MAX_PIECES = 4
KIND_WORDS = {"pair": "co-authored pair", "solo": "solo"}


@pass_context
def open_alerts(context: dict) -> int:
    """Alerts waiting for a decision, for the header's badge (officers and admins only; 0 for anyone else)."""
    request: Request = context["request"]
    user = optional_user(request)
    sessions = getattr(request.app.state, "sessions", None)
    if user is None or user.role not in ("duty_officer", "admin") or sessions is None:
        return 0
    try:
        with sessions() as session:
            return oncall.pending_count(session)
    except Exception as exc:  # the badge never breaks a page: the store being away shows on /ops
        log.warning("oncall.badge_failed", error=f"{type(exc).__name__}: {exc}")
        return 0


templates.env.globals.setdefault("oncall_alerts", open_alerts)
templates.env.globals.setdefault("mobilization_status", model.status_label)
templates.env.globals.setdefault("dismiss_reasons", oncall.DISMISS_REASONS)


def _deps(request: Request) -> h.Deps:
    return h.Deps(settings=request.app.state.settings, links=request.app.state.links)


def _monday(day: str) -> datetime:
    """The Monday 00:00 UTC of the week holding `day` (YYYY-MM-DD; empty: this week)."""
    try:
        start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC) if day else utcnow()
    except ValueError:
        raise HTTPException(400, detail="The week is a date such as 2026-11-30.") from None
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return start - timedelta(days=start.weekday())


def _when(value: str, what: str) -> datetime:
    """A form's date-time (UTC, `YYYY-MM-DDTHH:MM`) or a clear 400."""
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
    except ValueError:
        raise h.MobilizeError(f"The {what} is a date and time such as 2026-11-30T08:00 (UTC).") from None


def _officers(request: Request) -> list[tuple[str, str]]:
    """Console accounts that may be on call: (email, label)."""
    with request.app.state.sessions() as session:
        rows = session.scalars(select(WebUser).where(WebUser.active.is_(True), WebUser.role.in_(
            ("duty_officer", "admin"))).order_by(WebUser.name, WebUser.email)).all()
    return [(u.email, f"{u.name} ({u.email})" if u.name else u.email) for u in rows]


# -------------------------------------------------------------------------------------------------------------- rota
@router.get("/oncall")
def rota_page(request: Request, week: str = "", user: User = Depends(officer)) -> Response:
    """The week's shifts, day by day, who is on call now, and a form to add a shift."""
    start = _monday(week)
    with request.app.state.sessions() as session:
        shifts = oncall.shifts_between(session, start, start + timedelta(days=7))
        now_on = oncall.levels_on_call(session, utcnow())
    days = []
    for n in range(7):
        day = start + timedelta(days=n)
        days.append((day, [s for s in shifts if s.starts_at < day + timedelta(days=1) and s.ends_at > day]))
    return render(request, "oncall/rota.html", {
        "days": days, "week": start, "prev": (start - timedelta(days=7)).strftime("%Y-%m-%d"),
        "next": (start + timedelta(days=7)).strftime("%Y-%m-%d"), "on_call": sorted(now_on.items()),
        "officers": _officers(request), "shift": None, "form": {}, "error": None,
        "ack_minutes": round(request.app.state.settings.mobilize.alert_ack_s / 60)})


@router.get("/oncall/shifts/{shift_id}")
def shift_page(request: Request, shift_id: int, user: User = Depends(officer)) -> Response:
    """Edit one shift."""
    with request.app.state.sessions() as session:
        shift = oncall.find_shift(session, shift_id)
    if shift is None:
        raise HTTPException(404, detail="That shift no longer exists.")
    return render(request, "oncall/shift.html", {"shift": shift, "officers": _officers(request), "error": None})


@router.post("/oncall/shifts")
def add_shift(request: Request, officer_email: str = Form(""), level: int = Form(1), starts_at: str = Form(""),
              ends_at: str = Form(""), note: str = Form(""), shift_id: int = Form(0),
              user: User = Depends(officer)) -> Response:
    """Add a shift (or save an edited one: `shift_id`); a refused shift keeps what was typed, with the reason."""
    names = dict(_officers(request))
    try:
        with transaction(request.app.state.sessions) as session:
            shift = oncall.save_shift(
                session, officer_email=officer_email, officer_name=names.get(officer_email, "").split(" (")[0],
                level=level, starts_at=_when(starts_at, "start"), ends_at=_when(ends_at, "end"), note_text=note,
                created_by=user.display, now=utcnow(), shift_id=shift_id or None)
            week = shift.starts_at.strftime("%Y-%m-%d")
    except h.MobilizeError as exc:
        flash(request, f"The shift was not saved: {exc}", "error")
        back = f"/oncall/shifts/{shift_id}" if shift_id else "/oncall"
        return RedirectResponse(back, status_code=303)
    flash(request, "Shift saved.", "success")
    return RedirectResponse(f"/oncall?week={week}", status_code=303)


@router.post("/oncall/shifts/{shift_id}/delete")
def delete_shift(request: Request, shift_id: int, user: User = Depends(officer)) -> Response:
    """Remove a shift."""
    try:
        with transaction(request.app.state.sessions) as session:
            oncall.delete_shift(session, shift_id)
        flash(request, "Shift removed.", "success")
    except h.MobilizeError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/oncall", status_code=303)


# ------------------------------------------------------------------------------------------------------------ alerts
@router.get("/oncall/alerts")
def alerts_page(request: Request, user: User = Depends(officer)) -> Response:
    """Alerts: those waiting for a decision first, then the decided ones, newest first."""
    with request.app.state.sessions() as session:
        rows = oncall.alerts(session)
    return render(request, "oncall/alerts.html", {"alerts": rows, "pending": oncall.PENDING})


def _orders(pairs: int, solos: int) -> list[str]:
    if not 0 <= pairs <= MAX_PIECES or not 0 <= solos <= MAX_PIECES or not 1 <= pairs + solos <= MAX_PIECES:
        raise HTTPException(400, detail=f"Commission one to {MAX_PIECES} pieces.")
    return ["pair"] * pairs + ["solo"] * solos


@router.get("/oncall/alerts/{alert_id}")
def alert_page(request: Request, alert_id: str, pairs: int = 1, solos: int = 0, urgent: str = "",
               user: User = Depends(officer)) -> Response:
    """One alert: the evidence; acknowledge; then the members proposed for each piece (with why), mobilize or
    dismiss."""
    kinds = _orders(pairs, solos)
    deps = _deps(request)
    with request.app.state.sessions() as session:
        alert = oncall.find_alert(session, alert_id)
        if alert is None:
            raise HTTPException(404, detail="There is no such alert.")
        brief = q.story(session, alert.story_id)
        proposals, best = [], None
        if alert.status == oncall.AlertStatus.ACKNOWLEDGED and brief is not None:
            ranked = h.candidates_for_story(session, deps, alert.story_id, urgent=bool(urgent))
            proposals = list(zip(kinds, model.propose_pieces(ranked, kinds), strict=True))
            proposed = [c.member_id for _, chosen in proposals for c in chosen]
            best = h.best_not_proposed(session, deps, alert.story_id, proposed, urgent=bool(urgent))
        mob = q.mobilization(session, alert.mobilization_id) if alert.mobilization_id else None
    return render(request, "oncall/alert.html", {
        "alert": alert, "story": brief, "facts": oncall.evidence_of(brief), "proposals": proposals, "best": best,
        "pairs": pairs, "solos": solos, "urgent": bool(urgent), "mob": mob, "kind_words": KIND_WORDS,
        "complete": all(len(chosen) == (2 if kind == "pair" else 1) for kind, chosen in proposals),
        "max_pieces": MAX_PIECES})


@router.post("/oncall/alerts/{alert_id}/acknowledge")
def acknowledge(request: Request, alert_id: str, user: User = Depends(officer)) -> Response:
    """Take the alert: nobody else is alerted while this officer decides."""
    try:
        with transaction(request.app.state.sessions) as session:
            oncall.acknowledge(session, _deps(request), alert_id, user.display)
        flash(request, "Acknowledged: nobody else is alerted. Mobilize or dismiss it.", "success")
    except h.MobilizeError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(f"/oncall/alerts/{alert_id}", status_code=303)


@router.post("/oncall/alerts/{alert_id}/mobilize")
async def mobilize(request: Request, alert_id: str, user: User = Depends(officer)) -> Response:
    """Commission the pieces previewed (each `piece` field is `kind:member,member`): the members are paged now."""
    form = await request.form()
    orders = []
    for value in form.getlist("piece"):
        kind, _, members = str(value).partition(":")
        ids = tuple(m for m in members.split(",") if m)
        if kind not in KIND_WORDS or len(ids) != (2 if kind == "pair" else 1):
            flash(request, "The pieces were not complete: preview them again.", "error")
            return RedirectResponse(f"/oncall/alerts/{alert_id}", status_code=303)
        orders.append(model.PieceOrder(kind, ids))
    if not 1 <= len(orders) <= MAX_PIECES:
        flash(request, f"Commission one to {MAX_PIECES} pieces.", "error")
        return RedirectResponse(f"/oncall/alerts/{alert_id}", status_code=303)
    try:
        with transaction(request.app.state.sessions) as session:
            mob = oncall.mobilize_from_alert(session, _deps(request), alert_id, user.display, orders,
                                             urgent=bool(form.get("urgent")))
            _label(session, mob.story_id, user.display, "confirmed", "")
            mob_id = mob.id
    except h.MobilizeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/oncall/alerts/{alert_id}", status_code=303)
    flash(request, f"Mobilized: {len(orders)} piece(s); the members are paged now.", "success")
    return RedirectResponse(f"/mobilize/{mob_id}", status_code=303)


@router.post("/oncall/alerts/{alert_id}/dismiss")
def dismiss(request: Request, alert_id: str, reason: str = Form(""), user: User = Depends(officer)) -> Response:
    """Dismiss the story with a reason; detect/ keeps it as a labeled example."""
    try:
        with transaction(request.app.state.sessions) as session:
            alert = oncall.dismiss(session, _deps(request), alert_id, user.display, reason)
            _label(session, alert.story_id, user.display, "dismissed", reason)
    except h.MobilizeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/oncall/alerts/{alert_id}", status_code=303)
    flash(request, f"Dismissed ({oncall.DISMISS_REASONS[reason].lower()}): kept as a labeled example for the "
          "detector.", "success")
    return RedirectResponse("/oncall/alerts", status_code=303)


def _label(session, story_id: str, officer_name: str, decision: str, reason: str) -> None:  # noqa: ANN001
    """The officer's decision as a labeled example in detect/ (a story detect never saw is only logged)."""
    try:
        detect_handlers.decide_story(session, story_id=story_id, officer=officer_name, decision=decision,
                                     reason=reason)
    except detect_handlers.DetectError as exc:
        log.info("oncall.not_labeled", story_id=story_id, reason=str(exc))
