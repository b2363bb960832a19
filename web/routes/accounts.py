"""Login, logout, the start page and account administration."""
# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from ..auth import (
    ROLES,
    AccountError,
    LoginPolicy,
    LoginRefused,
    User,
    add_user,
    authenticate,
    end_sessions,
    login_session,
    logout_session,
    optional_user,
    require_role,
)
from ..nav import NavItem
from ..roles import RESTRICTED_ROLES
from ..tables import WebUser
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Start", "/", (), order=0), NavItem("Accounts", "/admin/users", ("admin",), order=90)]


def safe_next(value: str | None) -> str:
    """A local path to go back to after login (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/login", tags=["public"])
def login_page(request: Request, next: str = "/") -> Response:  # the query parameter's name
    """The login form."""
    if optional_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "email": ""})


@router.post("/login", tags=["public"])
def login(request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("/")) -> Response:
    """Check the credentials (rate-limited per account and per address) and start a session."""
    web = request.app.state.settings.web
    ip = request.client.host if request.client else "unknown"  # behind trusted proxies only: web/proxy.py
    try:
        user = authenticate(request.app.state.sessions, email, password, ip, policy=LoginPolicy.from_settings(web))
    except LoginRefused as exc:
        response = render(request, "login.html", {"next": safe_next(next), "email": email, "error": exc.message},
                          status_code=429 if exc.limited else 401)
        if exc.retry_after:
            response.headers["retry-after"] = str(exc.retry_after)
        return response
    login_session(request, user)
    flash(request, f"Signed in as {user.display}.", "success")
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", tags=["public"])
def logout(request: Request) -> Response:
    """End the session."""
    logout_session(request)
    flash(request, "You are signed out.", "info")
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def home(request: Request, user: User = Depends(require_role(*ROLES))) -> Response:
    """The start page: what this role can do (a donor's start is the donors' page, the one page that role sees)."""
    if user.role in RESTRICTED_ROLES:
        return RedirectResponse("/donors", status_code=303)
    return render(request, "home.html", {"user": user})


@router.get("/admin/users")
def users_page(request: Request, user: User = Depends(require_role("admin"))) -> Response:
    """Every console account (admins only)."""
    with request.app.state.sessions() as session:
        accounts = session.scalars(select(WebUser).order_by(WebUser.role, WebUser.email)).all()
    return render(request, "accounts/users.html", {"accounts": accounts, "roles": ROLES})


@router.post("/admin/users")
def create_user(request: Request, email: str = Form(...), name: str = Form(""), role: str = Form(...),
                password: str = Form(...), user: User = Depends(require_role("admin"))) -> Response:
    """Create a console account (admins only)."""
    try:
        with request.app.state.sessions() as session, session.begin():
            add_user(session, email, password, role, name)
    except AccountError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, f"Account {email.strip().lower()} created.", "success")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/end-sessions")
def end_user_sessions(request: Request, user_id: int, user: User = Depends(require_role("admin"))) -> Response:
    """Sign a user out everywhere (admins only): every open session of theirs ends at once."""
    with request.app.state.sessions() as session, session.begin():
        account = session.get(WebUser, user_id)
        if account is None:
            flash(request, "There is no such account.", "error")
            return RedirectResponse("/admin/users", status_code=303)
        ended = end_sessions(session, user_id, f"ended by {user.email}"[:40])
        email = account.email
    flash(request, f"Ended {ended} session{'s' if ended != 1 else ''} of {email}.", "success")
    return RedirectResponse("/admin/users", status_code=303)
