"""The registry worker (`rrm worker registry`): one faust app, `<prefix>registry`, with an agent per input topic.

Why one process for seven registries: each registry is a small consumer (its own table, its own processed-marker
name, its own validation), but they share one input topic (`registry.commands`) and a store; one process keeps the
footprint small on the two cores of a demo machine, and a command for one registry never waits on another's topic.
"""

from __future__ import annotations

from bus.worker import Worker
from config.settings import Settings

from .agents import register
from .schedule import build_scheduler


def build(settings: Settings) -> Worker:
    """Wire the worker (nothing started)."""
    worker = Worker("registry", settings)
    register(worker.app, worker.sessions)
    worker.add_scheduler(build_scheduler(worker.sessions, settings))  # the programmes' reminders (issue 16)
    return worker


def main(settings: Settings) -> None:
    """Run the registry worker until SIGTERM or Ctrl-C."""
    build(settings).run()
