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
from .handlers import DetectError, handle_open_story, handle_scored, link_view, restore_tracker, score_ingested
from .tracking import StoryTracker

log = structlog.get_logger(__name__)


def register(app: RrmApp, sessions: sessionmaker[Session], tracker: StoryTracker, settings: Settings,
             entities: EntityFinder | None = None) -> None:
    """Register the three agents (the app's short idle fetch is set by `create_app(fetch_wait_ms=...)`)."""
    lock = threading.Lock()
    threshold = settings.detect.threshold

    def score_articles(record: ArticleIngested):
        if not (record.title or record.summary):
            raise InvalidMessage("article has neither title nor summary")
        return [("articles.scored", score_ingested(record, threshold, entities))]

    def _cluster(record: ArticleScored) -> None:
        with lock:
            try:
                with transaction(sessions) as session:
                    handle_scored(session, tracker, record)
            except Exception:
                with sessions() as session:  # memory must not run ahead of the store
                    restore_tracker(session, tracker)
                raise

    def links(record: ArticleScored) -> bool:
        with lock:  # an ordinary article that follows up no open story changes nothing: no transaction for it
            return link_view(tracker, record)[1] is not None

    async def cluster_articles(record: ArticleScored):
        # an ordinary article (about 99% of real news) matters only as a follow-up of an open story: checked on the
        # event loop (it only computes); the few that change a story wait for their transaction in a worker thread,
        # one at a time and in order (the stories in memory follow the topic's order)
        if record.polarizing or (tracker.wants_names() and links(record)):
            await asyncio.to_thread(_cluster, record)
        return []

    def _open(record: OpenStory) -> None:
        with lock:
            try:
                with transaction(sessions) as session:
                    handle_open_story(session, tracker, record)
            except DetectError as exc:
                raise InvalidMessage(str(exc)) from exc

    def open_stories(record: OpenStory):
        _open(record)
        return []

    # scoring (and NER on the rare polarizing article) only computes: it runs on the event loop in slices, as a
    # thread would only take the interpreter's lock in turns with the loop (a fifth of a worker's throughput);
    # clustering goes to a thread only for the store (see cluster_articles)
    # the two hot topics (every article of the news) are read by the kit's batch consumer (bus/direct.py): faust's
    # per-message stream alone costs more than scoring an article
    consume(app, "articles.ingested", score_articles, name="score_articles", on_loop=True, direct=True)
    consume(app, "articles.scored", cluster_articles, name="cluster_articles", direct=True)
    consume(app, "detect.commands", open_stories, name="open_stories", in_thread=True)
