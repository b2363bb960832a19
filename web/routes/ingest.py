"""ingest/ pages: the feed registry with each feed's health, adding, editing, pausing and polling feeds.

Everyone signed in reads; operators and admins change the registry. Changes are picked up by the ingest worker at
its next registry check (`RRM_INGEST__REGISTRY_CHECK_S`, 10 s).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from db.engine import transaction
from ingest import handlers, queries

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Feeds", "/ingest/feeds", ("duty_officer", "operator", "admin"), order=70)]

READER = Depends(require_role("duty_officer", "operator", "admin"))
EDITOR = Depends(require_role("operator", "admin"))
HEALTH_PILL = {"ok": "ok", "failing": "bad", "new": "idle", "paused": "warn"}


def _spec(url: str, name: str, outlet: str, lang: str, country: str, interval_s: str, enabled: bool):
    try:
        interval = int(interval_s)
    except ValueError:
        raise handlers.FeedError("the interval must be a whole number of seconds") from None
    return handlers.FeedSpec(url=url, name=name, outlet=outlet, lang=lang, country=country, interval_s=interval,
                             enabled=enabled)


@router.get("/ingest/feeds")
def feeds_page(request: Request, user: User = READER):
    """Every feed with its health, failing ones first, and a form to add one."""
    sessions = request.app.state.sessions
    rows = queries.list_feeds(sessions)
    figures = queries.summary(sessions, datetime.now(UTC) - timedelta(hours=24))
    return render(request, "ingest/feeds.html", {"feeds": rows, "figures": figures, "pill": HEALTH_PILL,
                                                 "can_edit": user.role in ("operator", "admin")})


@router.post("/ingest/feeds")
def add_feed(request: Request, url: str = Form(...), name: str = Form(""), outlet: str = Form(""),
             lang: str = Form(""), country: str = Form(""), interval_s: str = Form("600"), user: User = EDITOR):
    """Register a feed; it is polled within seconds."""
    try:
        with transaction(request.app.state.sessions) as session:
            feed = handlers.add_feed(session, _spec(url, name, outlet, lang, country, interval_s, True),
                                     datetime.now(UTC))
            feed_id = feed.id
    except handlers.FeedError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/ingest/feeds", status_code=303)
    flash(request, "Feed added; the first poll follows within seconds.", "success")
    return RedirectResponse(f"/ingest/feeds/{feed_id}", status_code=303)


@router.get("/ingest/feeds/{feed_id}")
def feed_page(request: Request, feed_id: int, user: User = READER):
    """One feed: its health, its latest articles, and (for operators) its settings."""
    sessions = request.app.state.sessions
    feed = queries.get_feed(sessions, feed_id)
    if feed is None:
        raise HTTPException(404, detail="There is no such feed.")
    articles = queries.recent_articles(sessions, limit=30, feed_id=feed_id)
    return render(request, "ingest/feed.html", {"feed": feed, "articles": articles, "pill": HEALTH_PILL,
                                                "can_edit": user.role in ("operator", "admin")})


@router.post("/ingest/feeds/{feed_id}")
def edit_feed(request: Request, feed_id: int, url: str = Form(...), name: str = Form(""), outlet: str = Form(""),
              lang: str = Form(""), country: str = Form(""), interval_s: str = Form("600"), user: User = EDITOR):
    """Change a feed's description."""
    return _act(request, feed_id, "Feed saved.", lambda s, now: handlers.update_feed(
        s, feed_id, _spec(url, name, outlet, lang, country, interval_s, True), now))


@router.post("/ingest/feeds/{feed_id}/pause")
def pause_feed(request: Request, feed_id: int, user: User = EDITOR):
    """Stop polling a feed."""
    return _act(request, feed_id, "Feed paused.", lambda s, now: handlers.set_feed_enabled(s, feed_id, False, now))


@router.post("/ingest/feeds/{feed_id}/resume")
def resume_feed(request: Request, feed_id: int, user: User = EDITOR):
    """Poll a paused feed again (its failures are forgotten)."""
    return _act(request, feed_id, "Feed resumed; it is polled within seconds.",
                lambda s, now: handlers.set_feed_enabled(s, feed_id, True, now))


@router.post("/ingest/feeds/{feed_id}/poll")
def poll_now(request: Request, feed_id: int, user: User = EDITOR):
    """Poll a feed at the worker's next registry check."""
    return _act(request, feed_id, "The feed is polled within seconds.",
                lambda s, now: handlers.poll_feed_now(s, feed_id, now))


@router.post("/ingest/feeds/{feed_id}/delete")
def delete_feed(request: Request, feed_id: int, user: User = EDITOR):
    """Remove a feed (its articles stay known, so they are never published again)."""
    try:
        with transaction(request.app.state.sessions) as session:
            handlers.remove_feed(session, feed_id)
    except handlers.FeedError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    flash(request, "Feed removed.", "success")
    return RedirectResponse("/ingest/feeds", status_code=303)


def _act(request: Request, feed_id: int, done: str, action):
    try:
        with transaction(request.app.state.sessions) as session:
            action(session, datetime.now(UTC))
    except handlers.FeedError as exc:
        if queries.get_feed(request.app.state.sessions, feed_id) is None:
            raise HTTPException(404, detail="There is no such feed.") from None
        flash(request, str(exc), "error")
        return RedirectResponse(f"/ingest/feeds/{feed_id}", status_code=303)
    flash(request, done, "success")
    return RedirectResponse(f"/ingest/feeds/{feed_id}", status_code=303)
