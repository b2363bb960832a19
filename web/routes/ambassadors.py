"""AoC Ambassadors in the console: the pipeline from potential personalities to appointment, each person's steps,
activity log and term. A network member is chosen from mobilize/'s network (through its queries), so an Ambassador
who is a member is one person, linked by member id. Use cases live in `registry.ambassadors`.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.engine import transaction
from mobilize import queries as network
from registry import ambassadors as amb
from registry import queries
from registry.programmes import ProgrammeError, timeline

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Ambassadors", "/ambassadors", ("duty_officer", "admin"), order=63)]
STAFF = Depends(require_role("duty_officer", "admin"))


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ProgrammeError(f"{what}: enter a date as YYYY-MM-DD.") from None


@router.get("/ambassadors")
def pipeline_page(request: Request, user: User = STAFF) -> Response:
    """The pipeline by stage, renewals coming up, and the form to add a personality."""
    with request.app.state.sessions() as session:
        stages = amb.pipeline(session)
        due = amb.renewals_due(session)
        listed = {c.member_id for rows in stages.values() for c in rows if c.member_id}
        members = [(m.id, m.name) for m in network.members(session, include_inactive=False) if m.id not in listed]
    return render(request, "ambassadors/pipeline.html", {"stages": stages, "labels": amb.STAGES, "due": due,
                                                          "members": members})


@router.post("/ambassadors")
async def add(request: Request, user: User = STAFF) -> Response:
    """Add a potential personality: a network member (by id, name from the network) or a new name."""
    form = await request.form()
    member_id = str(form.get("member_id", "")).strip()
    name, email = str(form.get("name", "")), str(form.get("email", ""))
    try:
        with transaction(request.app.state.sessions) as session:
            if member_id:
                member = network.member(session, member_id)
                if member is None:
                    raise ProgrammeError("There is no such network member.")
                name, email = member.name, member.email
            row = amb.add_personality(session, name=name, member_id=member_id, email=email,
                                      country=str(form.get("country", "")), profile=str(form.get("profile", "")),
                                      actor=user.email)
            candidate_id = row.id
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/ambassadors", status_code=303)
    flash(request, f"{name} added to the potential personalities.", "success")
    return RedirectResponse(f"/ambassadors/{candidate_id}", status_code=303)


@router.get("/ambassadors/{candidate_id}")
def person_page(request: Request, candidate_id: str, user: User = STAFF) -> Response:
    """One personality: stage, next steps, term, activities, network activity, timeline."""
    with request.app.state.sessions() as session:
        row = amb.candidate(session, candidate_id)
        if row is None:
            raise HTTPException(404, detail="There is no such personality.")
        context = {"c": row, "labels": amb.STAGES, "moves": amb.MOVES.get(row.stage, ()),
                   "activities": amb.activities(session, candidate_id), "kinds": amb.ACTIVITY_KINDS,
                   "steps": timeline(session, "ambassadors", candidate_id), "today": date.today().isoformat(),
                   "network": queries.member_activity(session, [row.member_id]).get(row.member_id)
                   if row.member_id else None}
    return render(request, "ambassadors/person.html", context)


@router.post("/ambassadors/{candidate_id}/{action}")
async def act(request: Request, candidate_id: str, action: str, user: User = STAFF) -> Response:
    """Take a step: nominate, shortlist, propose, appoint, decline, withdraw, relist, renew, end, activity."""
    form = await request.form()
    get = lambda name: str(form.get(name, ""))  # noqa: E731 - a short reader for the form below
    steps = {
        "nominate": lambda s: amb.nominate(s, candidate_id, get("reason"), actor=user.email),
        "shortlist": lambda s: amb.shortlist(s, candidate_id, actor=user.email),
        "propose": lambda s: amb.propose(s, candidate_id, _date(get("proposed_on"), "Proposed on"), actor=user.email),
        "appoint": lambda s: amb.appoint(s, candidate_id, _date(get("term_starts"), "Term starts"),
                                         _date(get("term_ends"), "Term ends"), actor=user.email),
        "decline": lambda s: amb.decline(s, candidate_id, get("note"), actor=user.email),
        "withdraw": lambda s: amb.withdraw(s, candidate_id, get("note"), actor=user.email),
        "renew": lambda s: amb.renew(s, candidate_id, _date(get("term_ends"), "New term end"), actor=user.email),
        "end": lambda s: amb.end_term(s, candidate_id, actor=user.email),
        "relist": lambda s: amb.relist(s, candidate_id, actor=user.email),
        "activity": lambda s: amb.log_activity(s, candidate_id, kind=get("kind"), title=get("title"),
                                               happened_on=_date(get("happened_on"), "Date"), url=get("url").strip(),
                                               notes=get("notes"), actor=user.email),
    }
    if action not in steps:
        raise HTTPException(404, detail="There is no such step.")
    try:
        with transaction(request.app.state.sessions) as session:
            steps[action](session)
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, "Recorded.", "success")
    return RedirectResponse(f"/ambassadors/{candidate_id}", status_code=303)
