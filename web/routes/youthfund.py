"""The Youth Solidarity Fund: the public application form (no account; a signed link to edit until the deadline)
and the Secretariat's console (calls, eligibility, the review panel's scores and conflicts, decisions, tranches,
reports). Use cases live in `registry.youthfund`; this module only reads requests and renders pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.engine import transaction
from registry import publicforms as pf
from registry import youthfund as ysf
from registry.programmes import ProgrammeError, timeline

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Youth Fund", "/ysf", ("duty_officer", "admin"), order=64)]
STAFF = Depends(require_role("duty_officer", "admin"))
EDIT_PATH = "/youth-fund/edit/{token}"


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ProgrammeError(f"{what}: enter a date as YYYY-MM-DD.") from None


def _when(value: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ProgrammeError(f"{what}: enter a date and time as YYYY-MM-DD HH:MM (UTC).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _back(request: Request, path: str, step, *args, ok: str = "", **kwargs) -> Response:
    """Run a use case in a transaction; flash its outcome and go back to `path` (303)."""
    try:
        with transaction(request.app.state.sessions) as session:
            step(session, *args, **kwargs)
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
    else:
        if ok:
            flash(request, ok, "success")
    return RedirectResponse(path, status_code=303)


# --- public -------------------------------------------------------------------------------------------------------

@router.get("/youth-fund", tags=["public"])
def public_calls(request: Request) -> Response:
    """The calls of the Youth Solidarity Fund open now."""
    with request.app.state.sessions() as session:
        calls = ysf.open_calls(session)
    return render(request, "youthfund/public_calls.html", {"calls": calls})


def _open_call(session, call_id: str):
    call = ysf.call(session, call_id)
    if call is None:
        raise HTTPException(404, detail="There is no such call for applications.")
    return call


@router.get("/youth-fund/{call_id}/apply", tags=["public"])
def apply_form(request: Request, call_id: str) -> Response:
    """The application form of one call (or why it is closed)."""
    with request.app.state.sessions() as session:
        call = _open_call(session, call_id)
    return render(request, "youthfund/apply.html", {"call": call, "form": ysf.FORM, "checked": None,
                                                     "is_open": ysf.is_open(call),
                                                     "not_yet": datetime.now(UTC) < call.opens_at})


@router.post("/youth-fund/{call_id}/apply", tags=["public"])
async def apply_submit(request: Request, call_id: str) -> Response:
    """Check and store an application; on success show (and email) the link to edit it until the deadline."""
    given = await pf.read_form(request, ysf.FORM)
    links = request.app.state.links
    closed = ""
    with transaction(request.app.state.sessions) as session:
        call = _open_call(session, call_id)
        checked = pf.check(session, ysf.FORM, given)
        earlier = ysf.application_from(session, call_id, checked.answers.get("email") or "") if checked.ok else None
        if earlier is not None:  # a double click, or a lost link: never two applications, the link goes again
            url = links.url(EDIT_PATH, pf.edit_token(links, ysf.FORM, earlier.id, call.deadline))
            ysf.send_edit_link(session, earlier, url, again=True)
            checked.errors["email"] = ("An application from this address is already registered for this call. We "
                                       "have emailed its edit link to this address again: change it there.")
        if checked.ok:
            try:
                app = ysf.submit_application(session, call_id, checked)
            except ProgrammeError as exc:
                closed = str(exc)
            else:
                url = links.url(EDIT_PATH, pf.edit_token(links, ysf.FORM, app.id, call.deadline))
                ysf.send_edit_link(session, app, url)
                context = {"call": call, "app": app, "url": url, "email": checked.answers["email"]}
                return render(request, "youthfund/received.html", context)
    if closed:
        return render(request, "youthfund/apply.html", {"call": call, "form": ysf.FORM, "checked": None,
                                                         "is_open": False}, status_code=410)
    return render(request, "youthfund/apply.html", {"call": call, "form": ysf.FORM, "checked": checked,
                                                     "is_open": True}, status_code=400)


@router.get("/youth-fund/edit/{token}", tags=["public"])
def edit_form(request: Request, token: str) -> Response:
    """The applicant's own application, editable until the deadline."""
    with request.app.state.sessions() as session:
        sub = pf.open_for_edit(session, request.app.state.links, ysf.FORM, token)
        call = ysf.call(session, sub.subject_id)
        checked = pf.checked_from(session, ysf.FORM, sub)
    return render(request, "youthfund/edit.html", {"call": call, "form": ysf.FORM, "checked": checked,
                                                    "token": token, "saved": False})


@router.post("/youth-fund/edit/{token}", tags=["public"])
async def edit_submit(request: Request, token: str) -> Response:
    """Save the applicant's changes (refused after the deadline, with a clear page)."""
    given = await pf.read_form(request, ysf.FORM)
    with transaction(request.app.state.sessions) as session:
        sub = pf.open_for_edit(session, request.app.state.links, ysf.FORM, token)
        call = ysf.call(session, sub.subject_id)
        checked = pf.check(session, ysf.FORM, given, submission=sub)
        if checked.ok:
            ysf.edit_application(session, sub, checked)
            checked = pf.checked_from(session, ysf.FORM, sub)
    return render(request, "youthfund/edit.html", {"call": call, "form": ysf.FORM, "checked": checked,
                                                    "token": token, "saved": checked.ok},
                  status_code=200 if checked.ok else 400)


# --- console ------------------------------------------------------------------------------------------------------

@router.get("/ysf")
def calls_page(request: Request, user: User = STAFF) -> Response:
    """Every call, with the form to open a new one."""
    with request.app.state.sessions() as session:
        calls = ysf.calls(session)
        counts = {c.id: len(ysf.applications(session, c.id)) for c in calls}
    return render(request, "youthfund/calls.html", {"calls": calls, "counts": counts, "now": datetime.now(UTC),
                                                     "criteria": ysf.DEFAULT_CRITERIA, "rules": ysf.DEFAULT_RULES})


@router.post("/ysf/calls")
async def create_call(request: Request, user: User = STAFF) -> Response:
    """Open a call (default criteria and rules; weights can be changed per criterion)."""
    form = await request.form()
    try:
        deadline = _when(str(form.get("deadline", "")), "Deadline")
        criteria = []
        for c in ysf.DEFAULT_CRITERIA:
            raw = str(form.get(f"weight_{c['key']}", c["weight"])).strip()
            if not raw.isdigit():
                raise ProgrammeError(f"The weight of “{c['label']}” must be a whole number.")
            criteria.append({**c, "weight": int(raw)})
        with transaction(request.app.state.sessions) as session:
            call = ysf.create_call(session, title=str(form.get("title", "")), summary=str(form.get("summary", "")),
                                  deadline=deadline, criteria=criteria, budget=str(form.get("budget", "") or "0"),
                                  actor=user.email)
            call_id = call.id
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/ysf", status_code=303)
    flash(request, "Call opened. Its public form is at /youth-fund.", "success")
    return RedirectResponse(f"/ysf/calls/{call_id}", status_code=303)


@router.get("/ysf/calls/{call_id}")
def call_page(request: Request, call_id: str, user: User = STAFF) -> Response:
    """A call: its applications ranked by the panel's average, its panel, its deadline."""
    with request.app.state.sessions() as session:
        call = ysf.call(session, call_id)
        if call is None:
            raise HTTPException(404, detail="There is no such call.")
        apps = ysf.applications(session, call_id)
        panel = ysf.panel(session, call_id)
    return render(request, "youthfund/call.html", {"call": call, "apps": apps, "panel": panel,
                                                    "labels": ysf.STATUS_LABELS, "open": ysf.is_open(call)})


@router.post("/ysf/calls/{call_id}/panel")
async def add_panellist(request: Request, call_id: str, user: User = STAFF) -> Response:
    """Put a console user on the review panel."""
    form = await request.form()
    return _back(request, f"/ysf/calls/{call_id}", ysf.add_panellist, call_id, str(form.get("email", "")),
                 str(form.get("name", "")), actor=user.email, ok="Panellist added.")


@router.post("/ysf/calls/{call_id}/deadline")
async def move_deadline(request: Request, call_id: str, user: User = STAFF) -> Response:
    """Move the call's deadline (applicants' edit links follow)."""
    form = await request.form()
    try:
        deadline = _when(str(form.get("deadline", "")), "Deadline")
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/ysf/calls/{call_id}", status_code=303)
    return _back(request, f"/ysf/calls/{call_id}", ysf.set_deadline, call_id, deadline, actor=user.email,
                 ok="Deadline moved.")


@router.get("/ysf/applications/{app_id}")
def application_page(request: Request, app_id: str, user: User = STAFF) -> Response:
    """One application: answers and files, eligibility, the panel's scores and conflicts, the grant."""
    with request.app.state.sessions() as session:
        app = ysf.application(session, app_id)
        if app is None:
            raise HTTPException(404, detail="There is no such application.")
        call = ysf.call(session, app.call_id)
        sub = pf.submission(session, app.id)
        me = user.email.lower()
        context = {
            "app": app, "call": call, "answers": sub.answers if sub else {}, "form": ysf.FORM,
            "files": pf.attachments_of(session, app.id), "scores": ysf.scores_of(session, app_id),
            "conflicts": ysf.conflicts_of(session, app_id), "tranches": ysf.tranches_of(session, app_id),
            "reports": ysf.reports_of(session, app_id), "steps": timeline(session, "ysf", app_id),
            "labels": ysf.STATUS_LABELS, "on_panel": any(p.email == me for p in ysf.panel(session, app.call_id)),
            "closed": not ysf.is_open(call) and datetime.now(UTC) > call.deadline, "today": date.today().isoformat(),
        }
        context["my_conflict"] = next((c for c in context["conflicts"] if c.panellist == me), None)
        context["my_score"] = next((s for s in context["scores"] if s.panellist == me), None)
    return render(request, "youthfund/application.html", context)


@router.post("/ysf/applications/{app_id}/eligibility")
async def eligibility(request: Request, app_id: str, user: User = STAFF) -> Response:
    """Apply the call's rules (an override note makes it eligible anyway)."""
    form = await request.form()
    return _back(request, f"/ysf/applications/{app_id}", ysf.check_eligibility, app_id, actor=user.email,
                 override=str(form.get("override", "")), ok="Eligibility recorded.")


@router.post("/ysf/applications/{app_id}/conflict")
async def conflict(request: Request, app_id: str, user: User = STAFF) -> Response:
    """The signed-in panellist declares a conflict of interest."""
    form = await request.form()
    return _back(request, f"/ysf/applications/{app_id}", ysf.declare_conflict, app_id, user.email,
                 str(form.get("reason", "")), ok="Conflict of interest declared: you will not score this application.")


@router.post("/ysf/applications/{app_id}/score")
async def score(request: Request, app_id: str, user: User = STAFF) -> Response:
    """The signed-in panellist scores the application on each criterion."""
    form = await request.form()
    given = {k[len("score_"):]: str(v) for k, v in form.items() if k.startswith("score_")}
    return _back(request, f"/ysf/applications/{app_id}", ysf.score_application, app_id, user.email, given,
                 comment=str(form.get("comment", "")), ok="Your scores are saved.")


@router.post("/ysf/applications/{app_id}/decision")
async def decision(request: Request, app_id: str, user: User = STAFF) -> Response:
    """Grant (amount, start, months) or not selected."""
    form = await request.form()
    grant = form.get("decision") == "grant"
    try:
        starts = _date(str(form.get("starts_on", "")), "Start date") if grant else None
        months = int(str(form.get("months", "12")).strip() or "12")
    except (ProgrammeError, ValueError) as exc:
        flash(request, str(exc) if isinstance(exc, ProgrammeError) else "Months: a whole number.", "error")
        return RedirectResponse(f"/ysf/applications/{app_id}", status_code=303)
    return _back(request, f"/ysf/applications/{app_id}", ysf.decide, app_id, grant=grant, actor=user.email,
                 amount=str(form.get("amount", "")), starts_on=starts, months=months,
                 note=str(form.get("note", "")), ok="Decision recorded.")


@router.post("/ysf/applications/{app_id}/tranches/{number}/paid")
async def tranche_paid(request: Request, app_id: str, number: int, user: User = STAFF) -> Response:
    """Record a tranche as paid today (or on the date given)."""
    form = await request.form()
    try:
        paid = _date(str(form.get("paid_on", "") or date.today().isoformat()), "Paid on")
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/ysf/applications/{app_id}", status_code=303)
    return _back(request, f"/ysf/applications/{app_id}", ysf.pay_tranche, app_id, number, paid, actor=user.email,
                 ok=f"Tranche {number} recorded as paid.")


@router.post("/ysf/applications/{app_id}/reports/{number}")
async def report_received(request: Request, app_id: str, number: int, user: User = STAFF) -> Response:
    """Record a report as received, with its summary."""
    form = await request.form()
    try:
        received = _date(str(form.get("received_on", "") or date.today().isoformat()), "Received on")
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/ysf/applications/{app_id}", status_code=303)
    return _back(request, f"/ysf/applications/{app_id}", ysf.receive_report, app_id, number, received,
                 str(form.get("summary", "")), actor=user.email, ok="Report recorded.")


@router.get("/ysf/attachments/{attachment_id}")
def download(request: Request, attachment_id: str, user: User = STAFF) -> Response:
    """A file an applicant sent (bound to an application; pending files are never served)."""
    with request.app.state.sessions() as session:
        row = pf.attachment(session, attachment_id)
        if row is None or not row.submission_id:
            raise HTTPException(404, detail="There is no such file.")
        data, kind, name = row.data, row.content_type, row.filename
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ")[:100] or "file"
    return Response(data, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{safe}"'})
