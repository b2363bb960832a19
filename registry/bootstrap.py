"""The registry worker (`rrm worker registry`): one faust app, `<prefix>registry`, with an agent per input topic.

Why one process for seven registries: each registry is a small consumer (its own table, its own processed-marker
name, its own validation), but they share one input topic (`registry.commands`) and a store; one process keeps the
footprint small on the two cores of a demo machine, and a command for one registry never waits on another's topic.
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

log = structlog.get_logger(__name__)


@dataclass
class Worker:
    """Everything the registry worker runs."""

    engine: Engine
    sessions: sessionmaker[Session]
    app: RrmApp

    def close(self) -> None:
        """Release the store."""
        self.engine.dispose()


def build(settings: Settings) -> Worker:
    """Wire the worker (nothing started)."""
    engine = make_engine(settings.database_url, echo=settings.db.echo, pool_size=settings.db.pool_size)
    sessions = session_factory(engine)
    app = create_app("registry", settings)
    register(app, sessions)
    return Worker(engine, sessions, app)


def main(settings: Settings) -> None:
    """Run the registry worker until SIGTERM or Ctrl-C."""
    from bus.worker import run_app

    worker = build(settings)
    log.info("registry.started")
    try:
        run_app(worker.app, settings)
    finally:
        worker.close()
