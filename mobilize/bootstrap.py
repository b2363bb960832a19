"""The mobilize worker: faust agents on `stories.flagged` and `mobilize.commands`, and the timer/mail scheduler.

`main(settings)` is what `rrm worker mobilize` runs. Long-lived clients (engine, mailer, scheduler) are built here
and closed on shutdown.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bus.app import RrmApp, create_app
from config.settings import Settings
from db.engine import make_engine, session_factory
from links import make_links
from mail.bootstrap import build_mailer
from mail.ports import Mailer

from .agents import register
from .handlers import Deps
from .schedule import build_scheduler

log = structlog.get_logger(__name__)


@dataclass
class Worker:
    """Everything the mobilize worker runs, wired from settings."""

    engine: Engine
    sessions: sessionmaker[Session]
    deps: Deps
    mailer: Mailer
    app: RrmApp
    scheduler: BackgroundScheduler

    def close(self) -> None:
        """Stop the scheduler and release clients."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.mailer.close()
        self.engine.dispose()


def build(settings: Settings) -> Worker:
    """Wire the worker (nothing started)."""
    engine = make_engine(settings.database_url, echo=settings.db.echo, pool_size=settings.db.pool_size)
    sessions = session_factory(engine)
    deps = Deps(settings=settings, links=make_links(settings, sessions))
    mailer = build_mailer(settings.mail, sessions)
    app = create_app("mobilize", settings)
    register(app, sessions, deps)
    scheduler = build_scheduler(sessions, deps, mailer)
    return Worker(engine, sessions, deps, mailer, app, scheduler)


def main(settings: Settings) -> None:
    """Run the mobilize worker until SIGTERM or Ctrl-C."""
    from bus.worker import run_app

    worker = build(settings)
    worker.scheduler.start()
    log.info("mobilize.started", mail_backend=settings.mail.backend)
    try:
        run_app(worker.app, settings)
    finally:
        worker.close()
