"""The fora: public pages (every forum with its agenda and outcomes, the registration form of the public forms
kit, a link to change a registration until registration closes) and the Secretariat's pages (registrations, the
agenda, outcomes linked to registry entries). Use cases live in `registry.fora`.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.engine import transaction
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage
from registry import fora
from registry import publicforms as pf

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Fora", "/fora/manage", ("duty_officer", "admin"), order=63)]
STAFF = Depends(require_role("duty_officer", "admin"))
EDIT_PATH = "/fora/registration/{token}"


def _forum(session, event_id: str) -> dict:
    try:
        return fora.forum(session, event_id)
    except fora.ForaError as exc:
        raise HTTPException(404, detail=str(exc)) from exc


# --- public --------------------------------------------------------------------------------------------------------

@router.get("/fora", tags=["public"])
def fora_page(request: Request) -> Response:
    """Every forum: those taking registrations first."""
    with request.app.state.sessions() as session:
        every = fora.fora(session)
    return render(request, "fora/index.html", {"open": [f for f in every if f["open"]],
                                               "past": [f for f in reversed(every) if not f["open"]]})


@router.get("/fora/manage")
def manage(request: Request, user: User = STAFF) -> Response:
    """Every forum with its number of registrations."""
    with request.app.state.sessions() as session:
        every = [fora.forum(session, f["id"]) for f in fora.fora(session)]
    return render(request, "fora/manage.html", {"fora": every})


@router.get("/fora/{event_id}", tags=["public"])
def forum_page(request: Request, event_id: str) -> Response:
    """A forum: its agenda, its outcomes and, while open, the registration form."""
    with request.app.state.sessions() as session:
        forum = _forum(session, event_id)
    return render(request, "fora/forum.html", {"forum": forum, "form": fora.REGISTRATION, "checked": None})


@router.post("/fora/{event_id}", tags=["public"])
async def register(request: Request, event_id: str) -> Response:
    """Register for a forum; on success show (and email) the link to change the registration."""
    given = await pf.read_form(request, fora.REGISTRATION)
    links = request.app.state.links
    with transaction(request.app.state.sessions) as session:
        forum = _forum(session, event_id)
        checked = pf.check(session, fora.REGISTRATION, given)
        if checked.ok:
            try:
                event = fora.check_open(session, event_id)
                closes = fora.registration_closes(event)
                row = pf.save_submission(session, fora.REGISTRATION, checked, subject_id=event_id, deadline=closes)
                fora.register(session, event_id, checked, row)
            except fora.ForaError as exc:
                checked.errors["email"] = str(exc)
            else:
                url = links.url(EDIT_PATH, pf.edit_token(links, fora.REGISTRATION, row.id, closes))
                email = str(checked.answers["email"])
                text = (f"Dear {checked.answers['name']},\n\nYou are registered for {forum['name']} "
                        f"({forum['starts_on']:%d %B %Y}).\n\nYou can change your registration until "
                        f"{closes:%d %B %Y, %H:%M} UTC with this link (keep it to yourself):\n{url}\n\nAoC Secretariat")
                queue_mail(session, OutgoingMessage(to=email, subject=f"Your registration: {forum['name']}",
                                                    text=text), purpose="fora.registration", attempt_key=row.id,
                           ref=event_id)
                return render(request, "fora/registered.html", {"forum": forum, "url": url, "email": email})
    return render(request, "fora/forum.html", {"forum": forum, "form": fora.REGISTRATION, "checked": checked},
                  status_code=400)


@router.get("/fora/registration/{token}", tags=["public"])
def edit_registration(request: Request, token: str) -> Response:
    """A registration, editable until registration closes."""
    with request.app.state.sessions() as session:
        sub = pf.open_for_edit(session, request.app.state.links, fora.REGISTRATION, token)
        forum = _forum(session, sub.subject_id)
        checked = pf.checked_from(session, fora.REGISTRATION, sub)
    return render(request, "fora/edit.html", {"forum": forum, "form": fora.REGISTRATION, "checked": checked,
                                              "token": token, "saved": False})


@router.post("/fora/registration/{token}", tags=["public"])
async def save_registration(request: Request, token: str) -> Response:
    """Save changes to a registration (refused after registration closes, with a clear page)."""
    given = await pf.read_form(request, fora.REGISTRATION)
    with transaction(request.app.state.sessions) as session:
        sub = pf.open_for_edit(session, request.app.state.links, fora.REGISTRATION, token)
        forum = _forum(session, sub.subject_id)
        checked = pf.check(session, fora.REGISTRATION, given, submission=sub)
        if checked.ok:
            try:
                fora.register(session, sub.subject_id, checked, sub)
            except fora.ForaError as exc:
                checked.errors["email"] = str(exc)
            else:
                pf.save_submission(session, fora.REGISTRATION, checked, submission=sub)
    return render(request, "fora/edit.html", {"forum": forum, "form": fora.REGISTRATION, "checked": checked,
                                              "token": token, "saved": checked.ok},
                  status_code=200 if checked.ok else 400)


# --- the Secretariat -----------------------------------------------------------------------------------------------

@router.get("/fora/manage/{event_id}")
def manage_forum(request: Request, event_id: str, user: User = STAFF) -> Response:
    """A forum's registrations, agenda and outcomes, with the forms to add to them."""
    with request.app.state.sessions() as session:
        forum = _forum(session, event_id)
        regs = fora.registrations(session, event_id)
        targets = fora.link_targets(session)
    return render(request, "fora/manage_forum.html", {
        "forum": forum, "registrations": regs, "targets": targets, "kinds": fora.OUTCOME_KINDS,
        "allowed": fora.OUTCOME_TARGETS})


@router.post("/fora/manage/{event_id}/agenda")
async def add_agenda(request: Request, event_id: str, user: User = STAFF) -> Response:
    """Add a session to the agenda."""
    form = await request.form()
    try:
        day = date.fromisoformat(str(form.get("day", "")).strip())
    except ValueError:
        flash(request, "Give the day as YYYY-MM-DD.", "error")
        return RedirectResponse(f"/fora/manage/{event_id}", status_code=303)
    try:
        with transaction(request.app.state.sessions) as session:
            fora.add_agenda_item(session, event_id, day=day, starts=str(form.get("starts", "")).strip(),
                                 ends=str(form.get("ends", "")).strip(), title=str(form.get("title", "")),
                                 speakers=str(form.get("speakers", "")), room=str(form.get("room", "")),
                                 actor=user.email)
    except fora.ForaError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, "Added to the agenda.", "success")
    return RedirectResponse(f"/fora/manage/{event_id}", status_code=303)


@router.post("/fora/manage/{event_id}/outcomes")
async def add_outcome(request: Request, event_id: str, user: User = STAFF) -> Response:
    """Record an outcome linked to a registry entry (the choice reads `registry:entity_id`)."""
    form = await request.form()
    registry, _, entity_id = str(form.get("entry", "")).partition(":")
    try:
        with transaction(request.app.state.sessions) as session:
            fora.add_outcome(session, event_id, kind=str(form.get("kind", "")),
                             title=str(form.get("outcome_title", "")), summary=str(form.get("outcome_summary", "")),
                             registry=registry, entity_id=entity_id, actor=user.email)
    except fora.ForaError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, "Outcome recorded.", "success")
    return RedirectResponse(f"/fora/manage/{event_id}", status_code=303)
