"""The newsletter: the public sign-up (double opt-in: the confirmation link in the email), one-click unsubscribe
(mail clients POST it without a session: RFC 8058, so the path is exempt from CSRF and the signed token is the
proof), and the Secretariat's page to compose an issue from the registry's activity and hand it to distribute/.
Use cases live in `registry.newsletter`.
"""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bus.records import utcnow
from db.engine import transaction
from links import LinkError
from registry import newsletter as nl
from registry import publicforms as pf

from ..auth import User, require_role
from ..csrf import csrf_exempt
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Newsletter", "/newsletter/issues", ("duty_officer", "admin"), order=66)]
STAFF = Depends(require_role("duty_officer", "admin"))
UNSUBSCRIBE_PATH = csrf_exempt("/newsletter/unsubscribe/")  # one-click POSTs from mail clients carry no session


# --- public --------------------------------------------------------------------------------------------------------

@router.get("/newsletter", tags=["public"])
def signup_form(request: Request) -> Response:
    """The sign-up form."""
    return render(request, "newsletter/signup.html", {"form": nl.SIGNUP, "checked": None})


@router.post("/newsletter", tags=["public"])
async def signup(request: Request) -> Response:
    """Keep a pending subscriber and send the confirmation email; the page says to check the inbox."""
    given = await pf.read_form(request, nl.SIGNUP)
    mail = request.app.state.settings.mail
    with transaction(request.app.state.sessions) as session:
        checked = pf.check(session, nl.SIGNUP, given)
        if checked.ok:
            try:
                nl.sign_up(session, request.app.state.links, email=checked.answers["email"],
                           name=checked.answers.get("name") or "", lang=checked.answers["lang"],
                           from_address=mail.from_address, from_name=mail.from_name)
            except nl.NewsletterError as exc:
                checked.errors["email"] = str(exc)
            else:
                return render(request, "newsletter/check_inbox.html", {"email": checked.answers["email"]})
    return render(request, "newsletter/signup.html", {"form": nl.SIGNUP, "checked": checked}, status_code=400)


@router.get("/newsletter/confirm/{token}", tags=["public"])
def confirm_page(request: Request, token: str) -> Response:
    """The page behind the confirmation link: a button (a GET changes nothing: link scanners follow links)."""
    request.app.state.links.subject_of(token, nl.CONFIRM_LINK)
    return render(request, "newsletter/confirm.html", {"token": token})


@router.post("/newsletter/confirm/{token}", tags=["public"])
def confirm(request: Request, token: str) -> Response:
    """Confirm the subscription."""
    subscriber_id = request.app.state.links.subject_of(token, nl.CONFIRM_LINK)
    try:
        with transaction(request.app.state.sessions) as session:
            who = nl.confirm(session, subscriber_id)
    except nl.NewsletterError as exc:
        raise HTTPException(410, detail=str(exc)) from exc
    return render(request, "newsletter/confirmed.html", {"email": who["email"]})


@router.get("/newsletter/unsubscribe/{token}", tags=["public"])
def unsubscribe_page(request: Request, token: str) -> Response:
    """The page behind the unsubscribe link: one button."""
    request.app.state.links.subject_of(token, nl.UNSUBSCRIBE_LINK)
    return render(request, "newsletter/unsubscribe.html", {"token": token, "done": False})


@router.post("/newsletter/unsubscribe/{token}", tags=["public"])
def unsubscribe(request: Request, token: str) -> Response:
    """Unsubscribe (the button, or a mail client's one-click POST)."""
    try:
        subscriber_id = request.app.state.links.subject_of(token, nl.UNSUBSCRIBE_LINK)
    except LinkError as exc:
        raise HTTPException(400, detail=str(exc)) from exc
    with transaction(request.app.state.sessions) as session:
        nl.unsubscribe(session, subscriber_id)
    return render(request, "newsletter/unsubscribe.html", {"token": token, "done": True})


# --- the Secretariat -----------------------------------------------------------------------------------------------

@router.get("/newsletter/issues")
def issues_page(request: Request, user: User = STAFF) -> Response:
    """Issues sent and drafts, subscribers per status, and the form to compose the next issue."""
    today = utcnow().date()
    with request.app.state.sessions() as session:
        issues = nl.issues(session)
        counts = nl.subscriber_counts(session)
    last_end = max((i["period_end"] for i in issues), default=today - timedelta(days=31))
    return render(request, "newsletter/issues.html", {
        "issues": issues, "counts": counts, "start": min(last_end + timedelta(days=1), today), "end": today})


@router.post("/newsletter/issues")
async def compose(request: Request, user: User = STAFF) -> Response:
    """Compose a draft issue from the period's activity."""
    form = await request.form()
    try:
        start = date.fromisoformat(str(form.get("period_start", "")).strip())
        end = date.fromisoformat(str(form.get("period_end", "")).strip())
    except ValueError:
        flash(request, "Give both dates of the period as YYYY-MM-DD.", "error")
        return RedirectResponse("/newsletter/issues", status_code=303)
    try:
        with transaction(request.app.state.sessions) as session:
            issue_id = nl.compose(session, start, end, created_by=user.email, title=str(form.get("title", "")))
    except nl.NewsletterError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/newsletter/issues", status_code=303)
    flash(request, "Draft composed: read it, then send it.", "success")
    return RedirectResponse(f"/newsletter/issues/{issue_id}", status_code=303)


@router.get("/newsletter/issues/{issue_id}")
def issue_page(request: Request, issue_id: str, user: User = STAFF) -> Response:
    """One issue as subscribers will read it."""
    with request.app.state.sessions() as session:
        issue = nl.issue(session, issue_id)
        if issue is None:
            raise HTTPException(404, detail="There is no such issue.")
        text, _html = nl.render(issue, request.app.state.links.url("", ""))
        counts = nl.subscriber_counts(session)
        sections: dict[str, list] = {}
        for item in issue.items:
            sections.setdefault(item["section"], []).append(item)
        view = {"id": issue.id, "title": issue.title, "status": issue.status, "recipients": issue.recipients,
                "sent_at": issue.sent_at, "period_start": issue.period_start, "period_end": issue.period_end}
    return render(request, "newsletter/issue.html", {"issue": view, "sections": sections, "counts": counts})


@router.post("/newsletter/issues/{issue_id}/send")
def send(request: Request, issue_id: str, user: User = STAFF) -> Response:
    """Hand the issue to distribute/ for every confirmed subscriber."""
    try:
        with transaction(request.app.state.sessions) as session:
            n = nl.send_issue(session, issue_id, request.app.state.links, actor=user.email)
    except nl.NewsletterError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, f"Handed to the distribution service for {n} confirmed subscribers.", "success")
    return RedirectResponse(f"/newsletter/issues/{issue_id}", status_code=303)
