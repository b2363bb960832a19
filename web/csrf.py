"""CSRF protection for every unsafe request (POST, PUT, PATCH, DELETE), enforced by one middleware.

A random token lives in the user's signed session; every form carries it in a hidden `csrf_token` field
(`{{ csrf_field() }}` in a template) and scripts send it as the `X-CSRF-Token` header. A request without the
right token is refused with a 400 page before any route runs, so no stage can forget it. Endpoints called by
machines that cannot hold a session (mail-provider webhooks) register their path prefix with `csrf_exempt()`; they
must authenticate the caller another way (a signature).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
FIELD = "csrf_token"
HEADER = "x-csrf-token"
_EXEMPT: set[str] = set()


def csrf_exempt(path_prefix: str) -> str:
    """Exempt a path prefix from CSRF checks (webhooks authenticated by signature only); returns the prefix."""
    _EXEMPT.add(path_prefix)
    return path_prefix


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def rotate_csrf_token(request: Request) -> None:
    """Give the session a new token (at login and logout)."""
    request.session["csrf"] = secrets.token_urlsafe(32)


class CsrfMiddleware:
    """Refuses unsafe requests whose form field or header does not carry the session's CSRF token.

    It also refuses bodies larger than `max_body_bytes` (413). It must run inside Starlette's SessionMiddleware.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int = 2_000_000, on_error=None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if any(path.startswith(prefix) for prefix in _EXEMPT):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
            if len(body) > self.max_body_bytes:
                await self._error(scope, receive, send, 413, "The request is too large.")
                return
        request = Request(scope)
        expected = request.session.get("csrf", "")
        given = request.headers.get(HEADER, "")
        if not given:
            given = await _form_token(request, bytes(body))
        if not expected or not given or not hmac.compare_digest(str(expected), str(given)):
            await self._error(scope, receive, send, 400,
                              "This form has expired or did not come from this site. Go back, reload the page and "
                              "try again.")
            return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _error(self, scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
        from starlette.responses import PlainTextResponse

        if self.on_error is not None:
            response = self.on_error(Request(scope, receive), status, text)
        else:
            response = PlainTextResponse(text, status_code=status)
        await response(scope, receive, send)


async def _form_token(request: Request, body: bytes) -> str:
    """The `csrf_token` field of a urlencoded or multipart body ('' if none)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(FIELD, [""])
        return values[0]
    if content_type.startswith("multipart/form-data"):
        sent = False

        async def once() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(request.scope, once).form()
        except Exception:  # a malformed multipart body has no token
            return ""
        value = form.get(FIELD, "")
        return value if isinstance(value, str) else ""
    return ""


def inbound_secret_ok(request: Request, expected: str) -> bool:
    """True when a machine post (SendGrid Inbound Parse) carries the shared secret: `?token=` in the URL or the
    basic-auth password. For the csrf-exempt endpoints, which check this before reading a byte of the body."""
    given = request.query_params.get("token", "")
    auth = request.headers.get("authorization", "")
    if not given and auth[:6].lower() == "basic ":
        try:
            given = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8").partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            given = ""
    return bool(given) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
