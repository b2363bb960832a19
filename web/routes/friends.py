"""The Group of Friends: the Secretariat's focal points and consultations (sent through the mail ledger), and the
focal points' own pages behind the links in the email (reply until the deadline; one-click unsubscribe, which mail
clients POST without a session: exempt from CSRF, the signed token is the proof). Use cases: `registry.friends`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.engine import transaction
from links import LinkError
from registry import friends, queries

from ..auth import User, require_role
from ..csrf import csrf_exempt
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Group of Friends", "/friends", ("duty_officer", "admin"), order=67)]
STAFF = Depends(require_role("duty_officer", "admin"))
UNSUBSCRIBE_PATH = csrf_exempt("/friends/unsubscribe/")  # one-click POSTs from mail clients carry no session


def _when(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise friends.FriendsError("Give the deadline as YYYY-MM-DD HH:MM (UTC).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.get("/friends")
def friends_page(request: Request, user: User = STAFF) -> Response:
    """Focal points per member, consultations, and the forms to add either."""
    with request.app.state.sessions() as session:
        points = friends.focal_points(session)
        members = [(r["id"], r["title"]) for r in queries.entries(session, "friends")]
        consultations = friends.consultations(session)
    return render(request, "friends/index.html", {
        "points": points, "members": sorted(members, key=lambda m: m[1]), "consultations": consultations,
        "deadline": friends.default_deadline().strftime("%Y-%m-%d %H:%M")})


@router.post("/friends/focal-points")
async def add_focal_point(request: Request, user: User = STAFF) -> Response:
    """Add a focal point to a member."""
    form = await request.form()
    try:
        with transaction(request.app.state.sessions) as session:
            friends.add_focal_point(session, str(form.get("friend_id", "")), name=str(form.get("name", "")),
                                    email=str(form.get("email", "")), lang=str(form.get("lang", "en")))
    except friends.FriendsError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, "Focal point added.", "success")
    return RedirectResponse("/friends", status_code=303)


@router.post("/friends/consultations")
async def create_consultation(request: Request, user: User = STAFF) -> Response:
    """Draft a consultation."""
    form = await request.form()
    try:
        with transaction(request.app.state.sessions) as session:
            cid = friends.create_consultation(session, title=str(form.get("title", "")),
                                              body=str(form.get("body", "")),
                                              deadline=_when(str(form.get("deadline", ""))), created_by=user.email)
    except friends.FriendsError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/friends", status_code=303)
    flash(request, "Draft saved: read it, then send it to the focal points.", "success")
    return RedirectResponse(f"/friends/consultations/{cid}", status_code=303)


@router.get("/friends/consultations/{consultation_id}")
def consultation_page(request: Request, consultation_id: str, user: User = STAFF) -> Response:
    """A consultation: its text, each focal point consulted and their reply."""
    with request.app.state.sessions() as session:
        found = friends.consultation(session, consultation_id)
        reachable = len(friends.focal_points(session, only_reachable=True))
    if found is None:
        raise HTTPException(404, detail="There is no such consultation.")
    return render(request, "friends/consultation.html", {"c": found, "reachable": reachable})


@router.post("/friends/consultations/{consultation_id}/send")
def send(request: Request, consultation_id: str, user: User = STAFF) -> Response:
    """Send the consultation to every reachable focal point (each once, through the mail ledger)."""
    mail = request.app.state.settings.mail
    try:
        with transaction(request.app.state.sessions) as session:
            n = friends.send_consultation(session, consultation_id, request.app.state.links, actor=user.email,
                                          from_address=mail.from_address, from_name=mail.from_name)
    except friends.FriendsError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, f"Queued for {n} focal points (those already sent it get no second copy).", "success")
    return RedirectResponse(f"/friends/consultations/{consultation_id}", status_code=303)


# --- the focal point's pages (signed links) ------------------------------------------------------------------------

@router.get("/friends/reply/{token}", tags=["public"])
def reply_page(request: Request, token: str) -> Response:
    """The consultation and the reply form (the reply can be changed until the deadline)."""
    consultation_id, focal_point_id = friends.reply_subject(request.app.state.links, token)
    with request.app.state.sessions() as session:
        found = friends.reply_of(session, consultation_id, focal_point_id)
    if found is None:
        raise HTTPException(404, detail="This consultation is no longer available.")
    return render(request, "friends/reply.html", {"r": found, "token": token, "positions": friends.POSITIONS,
                                                  "saved": False, "error": ""})


@router.post("/friends/reply/{token}", tags=["public"])
async def reply(request: Request, token: str) -> Response:
    """Save the focal point's reply."""
    consultation_id, focal_point_id = friends.reply_subject(request.app.state.links, token)
    form = await request.form()
    position, text = str(form.get("position", "")), str(form.get("reply", ""))
    error = ""
    try:
        with transaction(request.app.state.sessions) as session:
            friends.reply(session, consultation_id, focal_point_id, position=position, text=text)
    except friends.FriendsError as exc:
        error = str(exc)
    with request.app.state.sessions() as session:
        found = friends.reply_of(session, consultation_id, focal_point_id)
    if found is None:
        raise HTTPException(404, detail="This consultation is no longer available.")
    if error:
        found = {**found, "position": position, "reply": text}
    return render(request, "friends/reply.html", {"r": found, "token": token, "positions": friends.POSITIONS,
                                                  "saved": not error, "error": error},
                  status_code=400 if error else 200)


@router.get("/friends/unsubscribe/{token}", tags=["public"])
def unsubscribe_page(request: Request, token: str) -> Response:
    """One button to receive no more consultations."""
    request.app.state.links.subject_of(token, friends.UNSUBSCRIBE_LINK)
    return render(request, "friends/unsubscribe.html", {"token": token, "done": False})


@router.post("/friends/unsubscribe/{token}", tags=["public"])
def unsubscribe(request: Request, token: str) -> Response:
    """Unsubscribe (the button, or a mail client's one-click POST)."""
    try:
        focal_point_id = request.app.state.links.subject_of(token, friends.UNSUBSCRIBE_LINK)
        with transaction(request.app.state.sessions) as session:
            friends.unsubscribe(session, focal_point_id)
    except (LinkError, friends.FriendsError) as exc:
        raise HTTPException(400, detail=str(exc)) from exc
    return render(request, "friends/unsubscribe.html", {"token": token, "done": True})
