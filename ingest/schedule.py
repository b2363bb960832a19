"""The poller: one APScheduler job per enabled feed, re-armed after each poll at the time the store decided.

A registry check every few seconds adds jobs for new feeds, drops paused or removed ones, and brings forward a
feed whose `next_poll_at` was moved earlier (the console's "poll now"). A poll fetches (async, bounded), then reads
and stores in a worker thread under one lock (the store and the near-duplicate index see one poll at a time).
Nothing a feed or a bug does stops the poller: every failure is recorded on the feed and the job is re-armed.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import IngestSettings
from db.engine import transaction

from .dedupe import NearDuplicateIndex
from .handlers import PollReport, load_index, prune_seen, record_internal_failure, take_in_poll
from .model import FetchResult
from .ports import FeedFetcher
from .tables import Feed

log = structlog.get_logger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Poller:
    """Polls every enabled feed of the registry on its own schedule."""

    def __init__(self, sessions: sessionmaker[Session], fetcher: FeedFetcher, settings: IngestSettings, *,
                 clock: Callable[[], datetime] = _now, on_poll: Callable[[PollReport], None] | None = None) -> None:
        self.sessions = sessions
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        self.on_poll = on_poll
        self.index = NearDuplicateIndex(settings.near_duplicate_threshold,
                                        timedelta(hours=settings.near_duplicate_window_h))
        self.scheduler: AsyncIOScheduler | None = None
        self._store_lock = asyncio.Lock()
        self._armed: dict[int, datetime] = {}
        self._running: set[asyncio.Task] = set()
        self.polls = 0

    # ------------------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Load the near-duplicate index, start the scheduler and arm every enabled feed."""
        await self.load_index()
        self.scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True})
        self.scheduler.start()
        self.scheduler.add_job(self.check_registry, "interval", seconds=self.settings.registry_check_s,
                               id="registry", max_instances=1, next_run_time=self.clock())
        self.scheduler.add_job(self.prune, "interval", hours=1, id="prune", max_instances=1,
                               next_run_time=self.clock() + timedelta(minutes=1))

    async def stop(self) -> None:
        """Stop scheduling; the polls and the registry check in flight finish (bounded by the fetch timeout)."""
        if self.scheduler is None or not self.scheduler.running:
            return
        self.scheduler.pause()  # no new job; shutdown() would cancel the running ones, so wait for them first
        running = [t for t in self._running if not t.done()]
        if running:
            done, pending = await asyncio.wait(running, timeout=self.settings.timeout_s + 5)
            log.info("ingest.polls_finished", finished=len(done), unfinished=len(pending))
        self.scheduler.shutdown(wait=False)

    def _track(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def load_index(self) -> int:
        """Fill the near-duplicate index from the store (the originals of its window); returns how many."""

        def _load() -> int:
            with self.sessions() as session:
                return load_index(session, self.index, self.clock())

        loaded = await asyncio.to_thread(_load)
        log.info("ingest.index_loaded", originals=loaded)
        return loaded

    # ------------------------------------------------------------------------------------------- registry

    async def check_registry(self) -> None:
        """Arm new or brought-forward feeds, disarm paused and removed ones."""
        self._track()
        try:
            rows = await asyncio.to_thread(self._enabled_feeds)
        except Exception as exc:  # the store is down: keep the jobs we have and look again later
            log.warning("ingest.registry_unreadable", error=f"{type(exc).__name__}: {exc}")
            return
        now = self.clock()
        wanted = {}
        for feed_id, next_poll_at, interval_s in rows:
            if next_poll_at is None:  # never polled: spread first polls over a little while
                next_poll_at = now + timedelta(seconds=random.uniform(0, min(interval_s, 5)))  # noqa: S311 - jitter
            wanted[feed_id] = max(next_poll_at, now)
        for feed_id in list(self._armed):
            if feed_id not in wanted:
                self._disarm(feed_id)
        for feed_id, when in wanted.items():
            armed = self._armed.get(feed_id)
            if armed is None or when < armed - timedelta(seconds=1):
                self._arm(feed_id, when)

    async def prune(self) -> int:
        """Forget articles older than `seen_retention_days` (hourly, in batches, under the store lock)."""
        self._track()
        before = self.clock() - timedelta(days=self.settings.seen_retention_days)
        total = 0
        try:
            while True:
                async with self._store_lock:
                    gone = await asyncio.to_thread(self._prune_batch, before)
                total += gone
                if gone < 10_000:
                    break
        except Exception as exc:  # the store is down: try again next hour
            log.warning("ingest.prune_failed", error=f"{type(exc).__name__}: {exc}")
        if total:
            log.info("ingest.pruned", articles=total, before=before.isoformat())
        return total

    def _prune_batch(self, before: datetime) -> int:
        with transaction(self.sessions) as session:
            return prune_seen(session, before)

    def _enabled_feeds(self) -> list[tuple[int, datetime | None, int]]:
        with self.sessions() as session:
            return [tuple(r) for r in session.execute(
                select(Feed.id, Feed.next_poll_at, Feed.interval_s).where(Feed.enabled.is_(True))
            )]

    def _arm(self, feed_id: int, when: datetime) -> None:
        if self.scheduler is None:
            return
        self._armed[feed_id] = when
        self.scheduler.add_job(self.poll, "date", run_date=when, args=[feed_id], id=f"feed-{feed_id}",
                               replace_existing=True, max_instances=1)

    def _disarm(self, feed_id: int) -> None:
        self._armed.pop(feed_id, None)
        if self.scheduler is not None and self.scheduler.get_job(f"feed-{feed_id}") is not None:
            self.scheduler.remove_job(f"feed-{feed_id}")

    # ------------------------------------------------------------------------------------------- polls

    async def poll(self, feed_id: int) -> PollReport | None:
        """Poll one feed now and re-arm it; returns what the poll did (None if the feed is gone or paused)."""
        self._track()
        self._armed.pop(feed_id, None)
        report: PollReport | None = None
        try:
            target = await asyncio.to_thread(self._target, feed_id)
            if target is None:
                return None
            url, etag, last_modified = target
            fetched = await self.fetcher.fetch(url, etag, last_modified)
            async with self._store_lock:
                report = await asyncio.to_thread(self._take_in, feed_id, fetched)
        except Exception as exc:  # a bug or the store down: recorded on the feed, the poller goes on
            reason = f"internal error: {type(exc).__name__}: {exc}"[:1000]
            log.error("ingest.poll_failed", feed_id=feed_id, error=reason)
            retry_at = await asyncio.to_thread(self._record_failure, feed_id, reason)
            self._arm(feed_id, retry_at or self.clock() + timedelta(seconds=60))
            return None
        self.polls += 1
        log.info("ingest.polled", feed_id=feed_id, outcome=report.outcome, published=report.published,
                 duplicates=report.duplicates, near_duplicates=report.near_duplicates, rejected=report.rejected,
                 reason=report.reason or None)
        if report.outcome != "gone" and report.next_poll_at is not None:
            self._arm(feed_id, report.next_poll_at)
        if self.on_poll is not None:
            self.on_poll(report)
        return report

    def _target(self, feed_id: int) -> tuple[str, str, str] | None:
        with self.sessions() as session:
            feed = session.get(Feed, feed_id)
            if feed is None or not feed.enabled:
                return None
            return feed.url, feed.etag, feed.last_modified

    def _take_in(self, feed_id: int, fetched: FetchResult) -> PollReport:
        report: PollReport | None = None
        try:
            with transaction(self.sessions) as session:
                report = take_in_poll(session, feed_id, fetched, self.index, self.clock(),
                                      jitter=self.settings.jitter, max_backoff_s=self.settings.max_backoff_s)
        except BaseException:
            if report is not None:  # the commit failed: the index must not remember articles never stored
                self.index.forget([r.article_id for r in report.records])
            raise
        return report

    def _record_failure(self, feed_id: int, reason: str) -> datetime | None:
        try:
            with transaction(self.sessions) as session:
                return record_internal_failure(session, feed_id, reason, self.clock(), self.settings.max_backoff_s)
        except Exception as exc:  # the store itself is down: retry the feed in a minute
            log.warning("ingest.failure_not_recorded", feed_id=feed_id, error=f"{type(exc).__name__}: {exc}")
            return None
