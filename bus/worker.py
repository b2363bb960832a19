"""A stage's worker process: `Worker` (what a `bootstrap.py` configures) and `run_app` (logging, clean stop)."""

from __future__ import annotations

from collections.abc import Callable

import faust
import structlog
from faust.worker import Worker

from config.logging import configure_logging
from config.settings import Settings

from .app import RrmApp

log = structlog.get_logger(__name__)


class RrmWorker(Worker):
    """A faust worker that leaves logging to structlog instead of installing its own handlers."""

    def _setup_logging(self) -> None:  # faust would replace our handlers otherwise
        return None

    def on_setup_root_logger(self, *args, **kwargs) -> None:
        return None


def run_app(app: RrmApp | faust.App, settings: Settings) -> None:
    """Run `app` until it is stopped; a SIGTERM stops it after the messages in hand are done and committed."""
    configure_logging(settings.log_level, settings.log_format)
    worker = RrmWorker(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False,
                       override_logging=False, daemon=True)
    worker.execute_from_commandline()


class Worker:
    """A stage's worker process, configured by its `bootstrap.py` in a few lines.

    settings → engine and sessions → app (`create_app(role, ...)`) → the stage registers its agents (`agents.py`)
    and timers (`schedule.py`) → `run()`; everything given to `on_close` is closed on shutdown, in reverse order,
    then the engine is disposed.

        worker = Worker("registry", settings)
        register(worker.app, worker.sessions)
        worker.run()
    """

    def __init__(self, role: str, settings: Settings, *, fetch_wait_ms: int | None = None) -> None:
        from db.engine import make_engine, session_factory

        from .app import create_app

        self.role = role
        self.settings = settings
        self.engine = make_engine(settings.database_url, echo=settings.db.echo, pool_size=settings.db.pool_size)
        self.sessions = session_factory(self.engine)
        self.app = create_app(role, settings, fetch_wait_ms=fetch_wait_ms)
        self._on_start: list[Callable[[], object]] = []
        self._on_close: list[Callable[[], object]] = []

    def on_start(self, start: Callable[[], object]) -> None:
        """Run `start()` just before the app runs (e.g. a scheduler's `start`)."""
        self._on_start.append(start)

    def on_close(self, close: Callable[[], object]) -> None:
        """Run `close()` on shutdown (long-lived clients: mailers, schedulers, translators)."""
        self._on_close.append(close)

    def close(self) -> None:
        """Close what was registered (last first), then release the database."""
        for close in reversed(self._on_close):
            try:
                close()
            except Exception:  # one client failing to close must not keep the others open
                log.exception("worker.close_failed", role=self.role)
        self.engine.dispose()

    def run(self) -> None:
        """Start, run the app until SIGTERM or Ctrl-C, close."""
        configure_logging(self.settings.log_level, self.settings.log_format)
        try:
            for start in self._on_start:
                start()
            log.info("worker.started", role=self.role)
            run_app(self.app, self.settings)
        finally:
            self.close()
