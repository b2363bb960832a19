"""The faust agents of detect/: thin; decode, call a handler, send what it returns.

- `score_articles` on `articles.ingested`: stateless scoring, scales across workers of the group; publishes
  `ArticleScored` directly (its input is replayed after a broker restart).
- `cluster_articles` on `articles.scored` (one partition): clustering, follow-up linking (an ordinary article that
  shares an open story's distinctive names joins it) and escalation in one transaction with the processed-message
  marker; `StoryFlagged`/`StoryEscalated` leave through the outbox. The in-memory stories are
  reloaded from the store after a failed transaction, so memory never runs ahead of the database.
- `open_stories` on `detect.commands`: a duty officer's `OpenStory`.
"""

from __future__ import annotations

import asyncio
import threading

import structlog
from sqlalchemy.orm import Session, sessionmaker

from bus.app import InvalidMessage, RrmApp, consume
from bus.records import ArticleIngested, ArticleScored, OpenStory
from config.settings import Settings
from db.engine import transaction

from .entities import EntityFinder
from .handlers import DetectError, handle_open_story, handle_scored, restore_tracker, score_ingested
from .tracking import StoryTracker

log = structlog.get_logger(__name__)


_SHORT_WAIT_APPS: dict[str, int] = {}


def shorten_fetch_wait(app: RrmApp, wait_ms: int) -> None:
    """Let this app's consumer return from an idle fetch after `wait_ms` instead of faust's fixed 1,500 ms.

    faust hard-codes `fetch_max_wait_ms=1500` and the embedded broker holds an idle fetch that long even when a
    message arrives meanwhile, so each hop of a quiet pipeline could add up to 1.5 s; a flag must reach the duty
    officer within a second. The patch wraps faust's consumer factory once and applies only to apps registered here.
    """
    from faust.transport.drivers import aiokafka as driver

    _SHORT_WAIT_APPS[app.conf.id] = wait_ms
    factory = driver.AIOKafkaConsumerThread._create_worker_consumer
    if getattr(factory, "_rrm_short_wait", False):
        return

    def create(self, transport):  # faust's signature
        consumer = factory(self, transport)
        wait = _SHORT_WAIT_APPS.get(self.app.conf.id)
        if wait is not None:
            consumer._fetch_max_wait_ms = wait
        return consumer

    create._rrm_short_wait = True  # type: ignore[attr-defined]
    driver.AIOKafkaConsumerThread._create_worker_consumer = create


def register(app: RrmApp, sessions: sessionmaker[Session], tracker: StoryTracker, settings: Settings,
             entities: EntityFinder | None = None) -> None:
    """Register the three agents (and a short idle fetch, see `shorten_fetch_wait`)."""
    shorten_fetch_wait(app, settings.detect.fetch_wait_ms)
    lock = threading.Lock()
    threshold = settings.detect.threshold

    async def score_articles(record: ArticleIngested):
        if not (record.title or record.summary):
            raise InvalidMessage("article has neither title nor summary")
        if entities is None:
            return [("articles.scored", score_ingested(record, threshold))]
        scored = await asyncio.to_thread(score_ingested, record, threshold, entities)  # NER is slow: off the loop
        return [("articles.scored", scored)]

    def _cluster(record: ArticleScored) -> None:
        with lock:
            try:
                with transaction(sessions) as session:
                    handle_scored(session, tracker, record)
            except Exception:
                with sessions() as session:  # memory must not run ahead of the store
                    restore_tracker(session, tracker)
                raise

    async def cluster_articles(record: ArticleScored):
        # an ordinary article matters only as a follow-up of an open story: no thread, no transaction otherwise
        if record.polarizing or tracker.wants_names():
            await asyncio.to_thread(_cluster, record)
        return []

    def _open(record: OpenStory) -> None:
        with lock:
            try:
                with transaction(sessions) as session:
                    handle_open_story(session, tracker, record)
            except DetectError as exc:
                raise InvalidMessage(str(exc)) from exc

    async def open_stories(record: OpenStory):
        await asyncio.to_thread(_open, record)
        return []

    consume(app, "articles.ingested", score_articles, name="score_articles")
    consume(app, "articles.scored", cluster_articles, name="cluster_articles")
    consume(app, "detect.commands", open_stories, name="open_stories")
