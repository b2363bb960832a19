"""A byte cap on every request body, counted on what arrives (chunked bodies too), answered with 413.

The cap is enforced where the body enters the application: the ASGI `receive` callable is wrapped, so whatever a
route or middleware reads (`request.body()`, `request.form()`, a stream) stops at the cap, whatever the client
declared in `Content-Length`; a declared length above the cap fails the first read, before a byte is taken. The
failure is `BodyTooLarge` (a 413 HTTPException): a route may catch it to say more (Inbound Parse keeps a note of a
reply too large to read), else the client gets a 413 page. Each path prefix may
have its own cap (SendGrid's webhooks); every other path has the default.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "The request is too large."


class BodyTooLarge(HTTPException):
    """The body grew past its cap; an HTTPException so that FastAPI's form parsing lets it through as a 413."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, detail=TOO_LARGE)
        self.cap = cap


class BodyLimitMiddleware:
    """Counts the bytes of each request body as they arrive and answers 413 once they pass the path's cap."""

    def __init__(self, app: ASGIApp, default_cap: int, caps: dict[str, int] | None = None, on_error=None) -> None:
        self.app = app
        self.default_cap = default_cap
        # longest prefix first, so "/webhooks/sendgrid/inbound" wins over a shorter one
        self.caps = sorted((caps or {}).items(), key=lambda item: -len(item[0]))
        self.on_error = on_error

    def cap_for(self, path: str) -> int:
        """The cap for a request path."""
        for prefix, cap in self.caps:
            if path.startswith(prefix):
                return cap
        return self.default_cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        # a declared length over the cap is refused at the first read, before a byte is taken
        received = int(declared) if declared.isdigit() and int(declared) > cap else 0
        started = False

        async def counted() -> Message:
            nonlocal received
            if received > cap:
                raise BodyTooLarge(cap)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge(cap)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:  # else the response is under way: the server drops the connection
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse

        if self.on_error is not None:
            response = self.on_error(Request(scope, receive), 413, TOO_LARGE)
        else:
            response = PlainTextResponse(TOO_LARGE, status_code=413)
        response.headers["connection"] = "close"
        await response(scope, receive, send)
