"""Running one faust app as a worker process, with our logging and a clean stop on SIGTERM or Ctrl-C."""

from __future__ import annotations

import faust
from faust.worker import Worker

from config.logging import configure_logging
from config.settings import Settings

from .app import RrmApp


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
