"""Operator dashboards: live bus figures (SSE), the rejected topic with re-drive, the story timeline, the funnel;
`/metrics` for Prometheus and `/healthz`."""
# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults

from __future__ import annotations

import asyncio
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any

import structlog
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from sqlalchemy import text
from starlette.responses import Response

from db.outbox import table_sizes

from ..auth import User, require_role
from ..metrics import make_registry
from ..metrics import render as render_metrics
from ..monitor import BusMonitor
from ..nav import NavItem
from ..rejected import RedriveError, attach_redrives, read_one, read_rejected, redrive
from ..templating import flash, render

log = structlog.get_logger(__name__)

router = APIRouter()
nav = [NavItem("Operations", "/ops", ("operator", "admin", "duty_officer"), order=80),
       NavItem("Rejected", "/ops/rejected", ("operator", "admin"), order=81),
       NavItem("Story timeline", "/ops/stories", ("operator", "admin", "duty_officer"), order=82)]
watchers = require_role("operator", "admin", "duty_officer")
operators = require_role("operator", "admin")
STREAM_MAX_S = 300  # an EventSource reconnects by itself; short streams let the server stop promptly


def setup(app, settings) -> None:
    """Start the bus monitor with the app and stop it with the app."""
    monitor = BusMonitor(settings)
    app.state.monitor = monitor
    app.state.metrics_registry = make_registry(monitor)
    app.state.closing = False
    app.router.add_event_handler("startup", monitor.start)

    def _stop() -> None:
        app.state.closing = True
        monitor.stop()

    app.router.add_event_handler("shutdown", _stop)


FEEDS_TTL_S = 10.0


def feed_health(request: Request, activity: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Feeds with their health from ingest's read side when ingest is installed (cached for a few seconds),
    joined with the articles the journal saw per feed; only the journal's figures otherwise."""
    seen = {row["feed"]: row for row in activity}
    cache = request.app.state.__dict__.setdefault("feeds_cache", {"at": 0.0, "rows": None})
    if cache["rows"] is None or time.monotonic() - cache["at"] > FEEDS_TTL_S:
        try:
            from ingest import queries as ingest_queries  # the ingest stage may not be installed
        except ImportError:
            ingest_queries = None
        rows = None
        if ingest_queries is not None and hasattr(ingest_queries, "list_feeds"):
            try:
                rows = ingest_queries.list_feeds(request.app.state.sessions)
            except Exception as exc:  # e.g. its tables are not migrated yet: fall back to the journal
                log.warning("ops.feed_health_unavailable", error=f"{type(exc).__name__}: {exc}")
        cache.update(at=time.monotonic(), rows=rows)
    feeds = cache["rows"]
    if feeds is None:
        return [{**row, "health": "", "error": ""} for row in activity]
    result = []
    for feed in feeds:
        journal = seen.get(str(feed.id), {})
        last = journal.get("last_at") or (feed.last_success_at.isoformat() if feed.last_success_at else None)
        result.append({"feed": feed.name or feed.url, "health": feed.health, "last_hour": journal.get("last_hour", 0),
                       "total": max(journal.get("total", 0), feed.items_seen), "last_at": last,
                       "error": feed.last_error if feed.health == "failing" else ""})
    return result


def with_links(request: Request, stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stories with a link to the page of the mobilization each started (when the mobilize pages are installed)."""
    from ..app import route_modules

    has_mobilize = "mobilize" in route_modules()
    for story in stories:
        story["mobilization_url"] = (f"/mobilize/{story['mobilization_id']}"
                                     if has_mobilize and story.get("mobilization_id") else "")
    return stories


def dashboard_data(request: Request) -> dict[str, Any]:
    """Everything the dashboard shows, as JSON-able data (initial render, SSE and tests)."""
    monitor: BusMonitor = request.app.state.monitor
    snap = monitor.snapshot()
    now = datetime.now(UTC)
    return {
        **snap,
        "funnel": monitor.journal_view(lambda j: j.funnel()),
        "feeds": feed_health(request, monitor.journal_view(lambda j: j.feed_activity(now))),
        "stories": with_links(request, monitor.journal_view(lambda j: j.timeline(10))),
        "stalled": sum(1 for p in snap.get("partitions", []) if p["status"] == "stalled"),
    }


@router.get("/healthz", tags=["public"])
def healthz(request: Request) -> JSONResponse:
    """Liveness and readiness: the database answers; the bus state as the monitor last saw it."""
    db_ok = True
    try:
        with request.app.state.sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception:  # reported, not raised: this endpoint must always answer
        db_ok = False
    snap = request.app.state.monitor.snapshot()
    body = {"status": "ok" if db_ok else "degraded", "database": db_ok, "bus": snap.get("bus", {}).get("ok", False),
            "sampled_at": snap.get("at")}
    return JSONResponse(body, status_code=200 if db_ok else 503)


@router.get("/metrics", tags=["public"])
def metrics(request: Request) -> Response:
    """Prometheus text exposition of the dashboard's figures."""
    settings = request.app.state.settings
    token = settings.web.metrics_token
    if not token and settings.env != "demo":
        raise HTTPException(403, detail="/metrics is closed: set RRM_WEB__METRICS_TOKEN and send it as a bearer "
                                        "token (only the demo serves /metrics without one).")
    given = request.headers.get("authorization", "").encode("utf-8")
    if token and not hmac.compare_digest(given, f"Bearer {token}".encode()):
        raise HTTPException(401, detail="A bearer token is required for /metrics.")
    return Response(render_metrics(request.app.state.metrics_registry),
                    media_type="text/plain; version=0.0.4; charset=utf-8")


@router.get("/ops")
def ops_page(request: Request, user: User = Depends(watchers)) -> Response:
    """The live operator dashboard."""
    data = {**dashboard_data(request), "history": request.app.state.monitor.rate_history()}
    try:
        stores = table_sizes(request.app.state.sessions)
    except Exception as exc:  # the database is down: the bus figures are still worth showing
        log.warning("ops.table_sizes_unavailable", error=f"{type(exc).__name__}: {exc}")
        stores = None
    return render(request, "ops/dashboard.html", {"data": data, "user": user, "stores": stores})


@router.get("/ops/data.json")
def ops_data(request: Request, user: User = Depends(watchers)) -> JSONResponse:
    """The dashboard's figures as JSON."""
    return JSONResponse(dashboard_data(request))


@router.get("/ops/stream")
async def ops_stream(request: Request, user: User = Depends(watchers)) -> StreamingResponse:
    """Server-sent events: the dashboard's figures every sampling interval."""
    interval = request.app.state.settings.web.monitor_interval_s

    async def events():
        started = time.monotonic()
        yield "retry: 2000\n\n"
        while time.monotonic() - started < STREAM_MAX_S and not request.app.state.closing:
            if await request.is_disconnected():
                return
            yield f"data: {json.dumps(dashboard_data(request), default=str)}\n\n"
            await asyncio.sleep(interval)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _parse_before(value: str | None) -> dict[int, int] | None:
    if not value:
        return None
    try:
        return {int(p): int(o) for p, o in (item.split(":") for item in value.split(","))}
    except ValueError as exc:
        raise HTTPException(400, detail="The page position in the address is malformed.") from exc


@router.get("/ops/rejected")
def rejected_page(request: Request, before: str | None = None, user: User = Depends(operators)) -> Response:
    """The rejected topic, newest first, 50 a page."""
    settings = request.app.state.settings
    error = ""
    before_offsets = _parse_before(before)
    try:
        if _bus_down(request):
            raise ConnectionError("the monitor cannot reach the broker")
        messages, total = read_rejected(settings, limit=50, before=before_offsets)
    except Exception as exc:  # the bus is down: say so on the page
        messages, total, error = [], 0, f"The bus cannot be read right now ({type(exc).__name__})."
    with request.app.state.sessions() as session:
        attach_redrives(session, messages)
    older = ""
    if messages and len(messages) == 50:
        lowest: dict[int, int] = {}
        for m in messages:
            lowest[m.partition] = min(lowest.get(m.partition, m.offset), m.offset)
        older = ",".join(f"{p}:{o}" for p, o in sorted(lowest.items()))
    return render(request, "ops/rejected.html", {"messages": messages, "total": total, "older": older,
                                                 "error": error, "prefix": settings.kafka.topic_prefix})


def _bus_down(request: Request) -> bool:
    """True when the monitor's last sample could not reach the broker (then pages do not wait on it)."""
    snap = request.app.state.monitor.snapshot()
    return snap.get("at") is not None and not snap.get("bus", {}).get("ok", False)


def _load(request: Request, partition: int, offset: int):
    if _bus_down(request):
        raise HTTPException(503, detail="The bus cannot be reached right now; try again in a minute.")
    try:
        message = read_one(request.app.state.settings, partition, offset)
    except Exception as exc:  # a broker error is an outage to report, not a crash
        raise HTTPException(503, detail=f"The bus cannot be read right now ({type(exc).__name__}).") from exc
    if message is None:
        raise HTTPException(404)
    with request.app.state.sessions() as session:
        attach_redrives(session, [message])
    return message


@router.get("/ops/rejected/{partition}/{offset}")
def rejected_detail(request: Request, partition: int, offset: int, user: User = Depends(operators)) -> Response:
    """One rejected message: reason, raw payload, and the re-drive form."""
    message = _load(request, partition, offset)
    return render(request, "ops/rejected_detail.html", {"m": message,
                                                        "prefix": request.app.state.settings.kafka.topic_prefix})


@router.post("/ops/rejected/{partition}/{offset}/redrive")
def rejected_redrive(request: Request, partition: int, offset: int, payload: str | None = Form(None),
                     user: User = Depends(operators)) -> Response:
    """Send a rejected message (as it was, or corrected) back to its source topic."""
    message = _load(request, partition, offset)
    try:
        with request.app.state.sessions() as session, session.begin():
            topic = redrive(request.app.state.settings, session, message, user.email, payload)
    except RedriveError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/ops/rejected/{partition}/{offset}", status_code=303)
    flash(request, f"Message {partition}:{offset} was sent back to {topic}.", "success")
    return RedirectResponse(f"/ops/rejected/{partition}/{offset}", status_code=303)


@router.get("/ops/stories")
def stories_page(request: Request, user: User = Depends(watchers)) -> Response:
    """Flagged stories on a timeline, with how far each mobilization got."""
    monitor: BusMonitor = request.app.state.monitor
    stories = with_links(request, monitor.journal_view(lambda j: j.timeline(200)))
    return render(request, "ops/stories.html", {"stories": stories,
                                                "funnel": monitor.journal_view(lambda j: j.funnel())})
