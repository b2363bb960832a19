"""The mobilize worker: faust agents on `stories.flagged` and `mobilize.commands`, and the timer/mail scheduler.

`main(settings)` is what `rrm worker mobilize` runs. Long-lived clients (mailer, scheduler) are built here and
closed on shutdown by the worker kit (`bus.worker.Worker`).
"""

from __future__ import annotations

from bus.worker import Worker
from config.settings import Settings
from links import make_links
from mail.bootstrap import build_mailer

from .agents import register
from .handlers import Deps
from .schedule import build_scheduler


def build(settings: Settings) -> Worker:
    """Wire the worker (nothing started); `worker.deps`, `.mailer` and `.scheduler` are the stage's pieces."""
    worker = Worker("mobilize", settings)
    worker.deps = Deps(settings=settings, links=make_links(settings, worker.sessions))
    worker.mailer = build_mailer(settings.mail, worker.sessions)
    worker.on_close(worker.mailer.close)
    register(worker.app, worker.sessions, worker.deps)
    worker.scheduler = build_scheduler(worker.sessions, worker.deps, worker.mailer)
    worker.on_start(worker.scheduler.start)
    worker.on_close(lambda: worker.scheduler.shutdown(wait=True) if worker.scheduler.running else None)
    return worker


def main(settings: Settings) -> None:
    """Run the mobilize worker until SIGTERM or Ctrl-C."""
    build(settings).run()
