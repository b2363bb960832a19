"""The one place ingest/'s adapters are built from settings, and its worker (`rrm worker ingest`).

The worker (`bus.worker.Worker` without a faust app: ingest consumes nothing) is one asyncio loop: the APScheduler
poller of `schedule.py`, the httpx fetcher, and the store (articles leave through the outbox, which the relay
publishes). At start it registers the feeds of `RRM_INGEST__FEEDS_FILE` that are not yet registered. In the demo
(`RRM_DEMO=1`, set by `rrm up`) it also serves the fictional outlets' feeds on 127.0.0.1:`RRM_INGEST__DEMO_PORT`
(another free port if that one is taken) and registers them. SIGTERM or Ctrl-C stops it cleanly: no new poll
starts, the store write in hand finishes, connections close.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bus.worker import Worker
from config.settings import PROJECT_ROOT, Settings
from db.engine import transaction

from .adapters import HttpFeedFetcher
from .handlers import FeedError, read_feed_file, register_feeds
from .schedule import Poller
from .tables import Feed

log = structlog.get_logger(__name__)


def demo_enabled(settings: Settings) -> bool:
    """Whether this worker serves the demo feeds: `RRM_DEMO=1` (set by `rrm up` unless `--no-demo`)."""
    return os.environ.get("RRM_DEMO", "") == "1" and settings.env != "production"


def feeds_file(settings: Settings) -> Path | None:
    """The registry file to load at start, if any."""
    if not settings.ingest.feeds_file:
        return None
    path = Path(settings.ingest.feeds_file)
    return path if path.is_absolute() else PROJECT_ROOT / path


def load_feeds_file(settings: Settings, sessions: sessionmaker[Session]) -> None:
    """Register the file's feeds that are not registered yet; bad entries are logged, never fatal."""
    path = feeds_file(settings)
    if path is None:
        return
    try:
        specs, errors = read_feed_file(path)
    except FeedError as exc:
        log.error("ingest.feeds_file_unreadable", error=str(exc))
        return
    for error in errors:
        log.error("ingest.feed_refused", error=error)
    with transaction(sessions) as session:
        report = register_feeds(session, specs, datetime.now(UTC), origin=f"file:{path.name}"[:40])
    log.info("ingest.feeds_file_loaded", file=str(path), summary=report.summary())


def move_demo_feeds(sessions: sessionmaker[Session], old_base: str, new_base: str) -> int:
    """Point the demo feeds at the port the demo server actually got."""
    moved = 0
    with transaction(sessions) as session:
        for feed in session.scalars(select(Feed).where(Feed.origin == "demo")):
            if feed.url.startswith(old_base + "/"):
                feed.url = new_base + feed.url[len(old_base):]
                feed.etag, feed.last_modified = "", ""
                moved += 1
    return moved


def forget_demo_sketches(sessions: sessionmaker[Session]) -> int:
    """Drop the near-duplicate fingerprints of the demo feeds' articles (their exact keys stay)."""
    from sqlalchemy import update

    from .tables import SeenArticle

    with transaction(sessions) as session:
        demo_ids = select(Feed.id).where(Feed.origin == "demo")
        result = session.execute(update(SeenArticle).where(SeenArticle.feed_id.in_(demo_ids),
                                                           SeenArticle.sketch.is_not(None)).values(sketch=None))
        return result.rowcount or 0


def build(settings: Settings) -> Worker:
    """Wire the worker (nothing started); `worker.fetcher`, `.poller` and `.demo_server` are the stage's pieces.

    It consumes nothing (`consumes=False`: one asyncio loop, no broker); at start it loads the feeds file, serves
    the demo outlets in the demo, then starts the poller; on shutdown the poller stops first (the polls in hand
    finish), then the HTTP client, then the demo server.
    """
    worker = Worker("ingest", settings, consumes=False)
    # the demo's own feed server listens on 127.0.0.1: the demo names it; everything else needs ALLOW_NETWORKS
    worker.fetcher = HttpFeedFetcher.from_settings(settings.ingest,
                                                   extra_allow=("127.0.0.1/32",) if demo_enabled(settings) else ())
    worker.poller = Poller(worker.sessions, worker.fetcher, settings.ingest)
    worker.demo_server = None
    worker.on_close(lambda: log.info("ingest.stopped"))  # closed last
    worker.on_start(lambda: load_feeds_file(settings, worker.sessions))
    if demo_enabled(settings):
        worker.on_start(lambda: start_demo(settings, worker))
        worker.on_close(lambda: worker.demo_server.stop() if worker.demo_server is not None else None)
    worker.on_close(worker.fetcher.aclose)
    worker.on_start(worker.poller.start)
    worker.on_close(worker.poller.stop)
    worker.on_start(lambda: log.info("ingest.started", demo=worker.demo_server is not None))
    return worker


def start_demo(settings: Settings, worker: Worker) -> None:
    """Serve the demo outlets and register them at the address the server got."""
    from .demo import demo_base_url, register_demo_feeds
    from .demo_server import DemoFeedServer, demo_epoch, load_demo_feeds

    now = datetime.now(UTC)
    epoch, episode = demo_epoch(settings.data_dir, now)
    if epoch == now:  # a new episode: the last one's articles must not make this one's near-duplicates
        forgotten = forget_demo_sketches(worker.sessions)
        log.info("ingest.demo_new_episode", episode=episode, forgotten_sketches=forgotten)
    server = DemoFeedServer(load_demo_feeds(), epoch, episode, port=settings.ingest.demo_port).start()
    worker.demo_server = server
    if server.port != settings.ingest.demo_port:
        # move the feeds `rrm up` registered at the wanted port first, so registering below finds them in place
        moved = move_demo_feeds(worker.sessions, demo_base_url(settings.ingest.demo_port), server.base_url)
        log.warning("ingest.demo_port_taken", wanted=settings.ingest.demo_port, port=server.port, moved=moved)
    summary = register_demo_feeds(settings, server.port)
    log.info("ingest.demo_feeds_served", url=server.base_url + "/", episode=episode, registry=summary,
             story_started=epoch.isoformat())


async def run(settings: Settings, stop: asyncio.Event) -> None:
    """Run the worker in the running loop until `stop` is set."""
    await build(settings).serve(stop)


def main(settings: Settings) -> None:
    """Run the ingest worker until SIGTERM or Ctrl-C."""
    build(settings).run()
