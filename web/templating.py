"""The one Jinja environment every page renders with, and the globals base.html relies on.

Templates live in `web/templates/`; a stage puts its pages in `web/templates/<stage>/`. Globals available in every
template: `csrf_field()`, `current_user`, `nav`, `flashes()`, `url(path)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape
from starlette.responses import Response

from .auth import optional_user
from .roles import ROLE_LABELS

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


@pass_context
def csrf_field(context: dict[str, Any]) -> Markup:
    """The hidden CSRF input every POST form must carry."""
    from .csrf import csrf_token

    request: Request = context["request"]
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(csrf_token(request)))


@pass_context
def csrf_value(context: dict[str, Any]) -> str:
    """The CSRF token itself (for `fetch()` calls, sent as the `X-CSRF-Token` header)."""
    from .csrf import csrf_token

    return csrf_token(context["request"])


@pass_context
def flashes(context: dict[str, Any]) -> list[tuple[str, str]]:
    """Messages queued with `flash()` for this user, as (category, text); reading them clears them."""
    request: Request = context["request"]
    if "session" not in request.scope:
        return []
    return [tuple(item) for item in request.session.pop("_flashes", [])]


@pass_context
def current_user(context: dict[str, Any]):
    """The logged-in user or None."""
    return optional_user(context["request"])


@pass_context
def nav(context: dict[str, Any]) -> list[dict[str, str]]:
    """Navigation entries visible to the current user (from every router's `nav` list)."""
    request: Request = context["request"]
    user = current_user(context)
    if user is None:
        return []
    entries = [e for e in getattr(request.app.state, "nav", []) if not e["roles"] or user.role in e["roles"]]
    path = request.url.path
    matches = [e["path"] for e in entries
               if path == e["path"] or (e["path"] != "/" and path.startswith(e["path"].rstrip("/") + "/"))]
    current = max(matches, key=len, default=None)
    alerts = _alerts(request)
    return [{**e, "current": e["path"] == current, "alert": alerts.get(e["path"], "")} for e in entries]


def _alerts(request: Request) -> dict[str, str]:
    """Short warnings shown beside navigation entries (stalled partitions beside Operations)."""
    monitor = getattr(request.app.state, "monitor", None)
    if monitor is None:
        return {}
    snapshot = monitor.snapshot()
    if snapshot.get("at") and not snapshot.get("bus", {}).get("ok", True):
        return {"/ops": "bus down"}
    stalled = sum(1 for p in snapshot.get("partitions", []) if p.get("status") == "stalled")
    return {"/ops": f"{stalled} stalled"} if stalled else {}


templates.env.globals.update(csrf_field=csrf_field, csrf_value=csrf_value, flashes=flashes,
                             current_user=current_user, nav=nav, role_labels=ROLE_LABELS)


def flash(request: Request, text: str, category: str = "info") -> None:
    """Queue a message shown on the next page this user sees (`info`, `success`, `error`)."""
    request.session.setdefault("_flashes", []).append([category, text])
    request.session["_flashes"] = request.session["_flashes"]


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    """Render a template with the request in its context."""
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code, headers=headers)
