"""The Voluntary Trust Fund in the console: donors (linked to partner entries) with pledges and receipts per year,
a printable statement per donor, and the Advisory Board's members, meetings and decisions.
Use cases live in `registry.trustfund`.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.engine import transaction
from registry import queries
from registry import trustfund as vtf
from registry.programmes import ProgrammeError

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Trust Fund", "/vtf", ("duty_officer", "admin"), order=65)]
STAFF = Depends(require_role("duty_officer", "admin"))


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ProgrammeError(f"{what}: enter a date as YYYY-MM-DD.") from None


async def _run(request: Request, back: str, ok: str, step) -> Response:
    """Read the form, run `step(session, form)` in a transaction, flash the outcome, go back."""
    form = await request.form()
    try:
        with transaction(request.app.state.sessions) as session:
            step(session, form)
    except ProgrammeError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, ok, "success")
    return RedirectResponse(back, status_code=303)


@router.get("/vtf")
def donors_page(request: Request, user: User = STAFF) -> Response:
    """Donors with pledged, received and outstanding; the Fund's years; forms to add a donor and money."""
    with request.app.state.sessions() as session:
        views = vtf.donors(session)
        taken = {v.donor.partner_id for v in views}
        partners = [(p["id"], p["data"]["name"]) for p in queries.entries(session, "partners")
                    if p["id"] not in taken]
        years = vtf.totals_by_year(session)
    return render(request, "trustfund/donors.html", {
        "views": views, "partners": partners, "years": years, "kinds": vtf.DONOR_KINDS,
        "today": date.today().isoformat(), "this_year": date.today().year})


@router.post("/vtf/donors")
async def add_donor(request: Request, user: User = STAFF) -> Response:
    """Register a donor from its partner entry (or an individual by name)."""
    return await _run(request, "/vtf", "Donor registered.", lambda session, form: vtf.add_donor(
        session, partner_id=str(form.get("partner_id", "")), name=str(form.get("name", "")),
        kind=str(form.get("kind", "")), actor=user.email))


@router.post("/vtf/money")
async def add_money(request: Request, user: User = STAFF) -> Response:
    """Record a pledge or a receipt."""
    def step(session, form):
        year = str(form.get("year", "")).strip()
        if not year.isdigit():
            raise ProgrammeError("Give the year the money is for, e.g. 2027.")
        vtf.record_money(session, str(form.get("donor_id", "")), kind=str(form.get("kind", "")), year=int(year),
                         amount=str(form.get("amount", "")), dated=_date(str(form.get("dated", "")), "Date"),
                         currency=str(form.get("currency", "USD")), reference=str(form.get("reference", "")),
                         actor=user.email)
    return await _run(request, "/vtf", "Recorded.", step)


@router.get("/vtf/donors/{donor_id}/statement")
def statement(request: Request, donor_id: str, user: User = STAFF) -> Response:
    """A donor's statement: per year pledged, received, outstanding, then every pledge and receipt (printable)."""
    with request.app.state.sessions() as session:
        view = vtf.statement(session, donor_id)
        if view is None:
            raise HTTPException(404, detail="There is no such donor.")
        rows = vtf.money_of(session, donor_id)
    return render(request, "trustfund/statement.html", {"view": view, "rows": rows, "kinds": vtf.DONOR_KINDS,
                                                         "today": date.today()})


@router.get("/vtf/board")
def board_page(request: Request, user: User = STAFF) -> Response:
    """The Advisory Board: members, meetings (attendance, minutes) and decisions."""
    with request.app.state.sessions() as session:
        members = vtf.board(session)
        meetings = vtf.meetings(session)
    names = {m.id: m.name for m in members}
    return render(request, "trustfund/board.html", {"members": members, "meetings": meetings, "names": names,
                                                     "today": date.today().isoformat()})


@router.post("/vtf/board/members")
async def add_member(request: Request, user: User = STAFF) -> Response:
    """Appoint a board member."""
    return await _run(request, "/vtf/board", "Board member added.", lambda session, form: vtf.add_board_member(
        session, name=str(form.get("name", "")), affiliation=str(form.get("affiliation", "")),
        since=_date(str(form.get("since", "")), "Member since"), actor=user.email))


@router.post("/vtf/board/meetings")
async def add_meeting(request: Request, user: User = STAFF) -> Response:
    """Record a meeting with its attendance and up to three decisions."""
    def step(session, form):
        decisions = [(str(form.get(f"decision_{i}", "")), str(form.get(f"amount_{i}", ""))) for i in (1, 2, 3)]
        vtf.record_meeting(session, held_on=_date(str(form.get("held_on", "")), "Held on"),
                           place=str(form.get("place", "")), attendees=[str(a) for a in form.getlist("attendees")],
                           minutes=str(form.get("minutes", "")), decisions=decisions, actor=user.email)
    return await _run(request, "/vtf/board", "Meeting recorded.", step)
