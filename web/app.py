"""The web application factory: sessions, CSRF, error pages, and every stage's router.

Each stage adds `web/routes/<stage>.py` exposing `router = APIRouter()` (and optionally `nav = [NavItem(...)]`, from
`web/nav.py`); `create_app` includes every module it finds there, so nobody edits this file to add pages. Routes
open to anyone (login, signed-link pages, webhooks) carry `tags=["public"]`; every other route must depend on
`require_user` or `require_role(...)` (tests/web check both).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from config.settings import Settings, get_settings
from db.engine import make_engine, session_factory
from links import LinkError, make_links

from .auth import LoginRequired
from .bodylimit import BodyLimitMiddleware
from .csrf import CsrfMiddleware
from .proxy import ProxyMiddleware
from .templating import render

HERE = Path(__file__).resolve().parent
log = structlog.get_logger(__name__)

ERROR_TITLES = {
    400: "The request could not be used",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    410: "This link can no longer be used",
    413: "Too large",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}
ERROR_TEXT = {
    404: "There is no page at this address. Check the address, or go back to the start page.",
    500: "The error has been logged. Try again in a moment; if it keeps happening, tell the operators.",
}


def route_modules() -> list[str]:
    """The module names under web/routes/, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE / "routes")]) if not m.name.startswith("_"))


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of the app, from each included router (routers are included without a prefix)."""
    found: list[APIRoute] = []

    def walk(routes) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                found.append(route)
            elif hasattr(route, "original_router"):  # FastAPI >= 0.16x keeps included routers as a branch
                walk(route.original_router.routes)
            elif hasattr(route, "routes") and not hasattr(route, "app"):
                walk(route.routes)

    walk(app.router.routes)
    return found


def wants_json(request: Request) -> bool:
    """True for API and machine callers (JSON error bodies instead of pages)."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def error_response(request: Request, status: int, detail: str | None = None) -> Response:
    """A page (or JSON) for an error: never a traceback."""
    title = ERROR_TITLES.get(status, "Error")
    text = detail or ERROR_TEXT.get(status, title)
    if wants_json(request):
        return JSONResponse({"error": title, "detail": text}, status_code=status)
    if "session" not in request.scope:
        request.scope["session"] = {}
    context: dict = {"status": status, "title": title, "detail": text}
    if request.url.path.startswith("/m/"):  # a member's page: the error speaks the reader's language
        from .routes.members import member_error_context

        context.update(member_error_context(request, status, title, text))
    return render(request, "errors/error.html", context, status_code=status)


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # signed links carry their token in the path: never send it to another site in a Referer
    (b"referrer-policy", b"same-origin"),
    # no inline script anywhere: scripts are files in web/static, data reaches them in data-* attributes or
    # <script type="application/json"> blocks (never executed); tests/web/test_web_csp.py walks every page
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
                                 b"form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; "
                                 b"style-src 'self' 'unsafe-inline'"),
]


class SecurityHeadersMiddleware:
    """Adds the security headers every response carries, and `Cache-Control: no-store` on pages for a session."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _v in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The console, links, webhooks and dashboards for `settings`."""
    settings = settings or get_settings()
    app = FastAPI(title="Rapid Response", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    engine = make_engine(settings.database_url, echo=settings.db.echo, pool_size=settings.db.pool_size)
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.links = make_links(settings, app.state.sessions)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # outermost last: proxy headers -> security headers -> body cap -> signed cookie -> CSRF -> routes
    app.add_middleware(CsrfMiddleware, max_body_bytes=settings.web.max_body_bytes,
                       on_error=lambda request, status, text: error_response(request, status, text))
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="rrm_session",
                       max_age=settings.web.session_max_age_s, same_site="lax", https_only=False)
    app.add_middleware(BodyLimitMiddleware, default_cap=settings.web.max_body_bytes,
                       caps={"/webhooks/sendgrid/events": settings.web.event_webhook_max_bytes,
                             "/webhooks/sendgrid/inbound": settings.mail.inbound_max_bytes},
                       on_error=lambda request, status, text: error_response(request, status, text))
    app.add_middleware(SecurityHeadersMiddleware)
    # `Secure` cookies whenever the public address is https or a trusted proxy says the request came over https
    app.add_middleware(ProxyMiddleware, trusted=settings.web.trusted_proxies,
                       public_https=settings.web.base_url.startswith("https://"))

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "login required"}, status_code=401)
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code not in (404, 405) else None
        if exc.status_code == 405:
            detail = "This address does not accept that kind of request."
        response = error_response(request, exc.status_code, detail)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({".".join(str(p) for p in err.get("loc", ())[1:]) or "request" for err in exc.errors()})
        return error_response(request, 400, f"Some fields are missing or invalid: {', '.join(fields)}.")

    @app.exception_handler(LinkError)
    async def _bad_link(request: Request, exc: LinkError) -> Response:
        return error_response(request, exc.status_code, str(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.error("web.error", path=request.url.path, error=f"{type(exc).__name__}: {exc}", exc_info=exc)
        return error_response(request, 500)

    nav: list[dict] = []
    for name in route_modules():
        module = importlib.import_module(f"web.routes.{name}")
        router = getattr(module, "router", None)
        if router is None:
            continue
        app.include_router(router)
        for item in getattr(module, "nav", ()):
            nav.append({"label": item.label, "path": item.path, "roles": item.roles, "order": item.order})
        setup = getattr(module, "setup", None)
        if setup is not None:
            setup(app, settings)
    app.state.nav = sorted(nav, key=lambda e: (e["order"], e["label"]))
    app.router.add_event_handler("shutdown", engine.dispose)
    return app
