"""The detect worker: `main(settings)` is what `rrm worker detect` runs.

Builds the store, the story tracker (restored from the store: open stories survive a restart) and the faust app with
the agents of `agents.py`; the outbox relay (`rrm worker relay`) publishes the flags.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bus.app import RrmApp, create_app
from config.settings import Settings
from db.engine import make_engine, session_factory

from .agents import register
from .entities import load_entity_finder
from .handlers import restore_tracker, tracker_for
from .scoring import score_article
from .tracking import StoryTracker

log = structlog.get_logger(__name__)


@dataclass
class Worker:
    """Everything the detect worker runs, wired from settings."""

    engine: Engine
    sessions: sessionmaker[Session]
    tracker: StoryTracker
    app: RrmApp

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()


def build(settings: Settings) -> Worker:
    """Wire the worker and restore its open stories (nothing started)."""
    engine = make_engine(settings.database_url, echo=settings.db.echo, pool_size=settings.db.pool_size)
    sessions = session_factory(engine)
    tracker = tracker_for(settings.detect.window_minutes, settings.detect.min_sources)
    with sessions() as session:
        restored = restore_tracker(session, tracker)
    score_article("warm up", "", "en")  # build the lexicon tables before the first message
    entities = load_entity_finder(settings.detect.spacy_model)
    app = create_app("detect", settings)
    register(app, sessions, tracker, settings, entities)
    log.info("detect.built", restored_stories=restored)
    return Worker(engine, sessions, tracker, app)


def main(settings: Settings) -> None:
    """Run the detect worker until SIGTERM or Ctrl-C."""
    from bus.worker import run_app

    worker = build(settings)
    try:
        run_app(worker.app, settings)
    finally:
        worker.close()
