"""A stage's worker process: `Worker` (what a `bootstrap.py` configures) and `run_app` (logging, clean stop)."""

from __future__ import annotations

import asyncio
import gc
import inspect
import signal
from collections.abc import Callable
from typing import Any, Protocol

import faust
import structlog
from faust.worker import Worker as FaustWorker

from config.logging import configure_logging
from config.settings import Settings

from .app import RrmApp

log = structlog.get_logger(__name__)


class RrmWorker(FaustWorker):
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


class Scheduler(Protocol):
    """What `Worker.add_scheduler` needs: APScheduler's `BackgroundScheduler` (or any with the same three)."""

    running: bool

    def start(self) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...


Hook = Callable[[], Any]


class Worker:
    """A stage's worker process, configured by its `bootstrap.py` in a few lines.

    settings → engine and sessions → app (`create_app(role, ...)`) → the stage registers its agents (`agents.py`)
    and timers (`schedule.py`) → `run()`; everything given to `on_close` is closed on shutdown, in reverse order,
    then the engine is disposed.

        worker = Worker("registry", settings)
        register(worker.app, worker.sessions)
        worker.add_scheduler(build_scheduler(worker.sessions))
        worker.run()

    A stage that consumes nothing (ingest: it polls feeds and writes the outbox) passes `consumes=False`: no faust
    app (`worker.app` is None), no broker needed; `run()` then runs one asyncio loop until SIGTERM or Ctrl-C, and
    its start and close hooks may be coroutine functions (they are awaited in that loop).
    """

    def __init__(self, role: str, settings: Settings, *, fetch_wait_ms: int | None = None,
                 consumes: bool = True) -> None:
        from db.engine import make_engine, session_factory

        from .app import create_app

        self.role = role
        self.settings = settings
        self.engine = make_engine(settings.database_url, echo=settings.db.echo, pool_size=settings.db.pool_size)
        self.sessions = session_factory(self.engine)
        self.app: RrmApp | None = create_app(role, settings, fetch_wait_ms=fetch_wait_ms) if consumes else None
        self._on_start: list[Hook] = []
        self._on_close: list[Hook] = []

    def on_start(self, start: Hook) -> None:
        """Run `start()` just before the app runs (e.g. a scheduler's `start`), in the order registered."""
        self._on_start.append(start)

    def on_close(self, close: Hook) -> None:
        """Run `close()` on shutdown (long-lived clients: mailers, schedulers, translators), last registered first."""
        self._on_close.append(close)

    def add_scheduler(self, scheduler: Scheduler) -> Scheduler:
        """Start `scheduler` with the worker and shut it down (waiting for the job in hand) when it stops."""
        self.on_start(scheduler.start)
        self.on_close(lambda: scheduler.shutdown(wait=True) if scheduler.running else None)
        return scheduler

    # ------------------------------------------------------------------------------------ with a faust app

    def start(self) -> None:
        """Run the start hooks (a test that runs `worker.app` itself calls this, then `close()`)."""
        for start in self._on_start:
            _finish(start())

    def close(self) -> None:
        """Close what was registered (last first), then release the database."""
        for close in reversed(self._on_close):
            try:
                _finish(close())
            except Exception:  # one client failing to close must not keep the others open
                log.exception("worker.close_failed", role=self.role)
        self.engine.dispose()

    def run(self) -> None:
        """Start, run until SIGTERM or Ctrl-C, close."""
        configure_logging(self.settings.log_level, self.settings.log_format)
        settle_heap()
        if self.app is None:
            asyncio.run(self._serve_until_signal())
            return
        try:
            self.start()
            log.info("worker.started", role=self.role)
            run_app(self.app, self.settings)
        finally:
            self.close()

    # ------------------------------------------------------------------------------------ without one

    async def serve(self, stop: asyncio.Event) -> None:
        """(`consumes=False`) Start, wait in the running loop until `stop` is set, close."""
        try:
            for start in self._on_start:
                await _awaited(start())
            log.info("worker.started", role=self.role)
            await stop.wait()
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Close what was registered (last first, coroutines awaited), then release the database."""
        for close in reversed(self._on_close):
            try:
                await _awaited(close())
            except Exception:  # one client failing to close must not keep the others open
                log.exception("worker.close_failed", role=self.role)
        self.engine.dispose()

    async def _serve_until_signal(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await self.serve(stop)


#: Container allocations between two young collections (CPython's default is 700); see `settle_heap`.
GC_YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Tune the garbage collector for a worker: the start-up heap frozen, young collections less often.

    A worker builds a large heap once (detect: spaCy pipelines and lexicon tables, about 240,000 objects), then
    allocates many short-lived objects per message. CPython's full collections walk the whole heap, and under load
    they came every second or two: a detect worker spent 14 % of its CPU in the collector (1.5 s in 11 s of scoring,
    timed with `gc.callbacks`). `gc.freeze()` moves what was built before the first message out of the collector's
    sight (frozen objects are still freed by reference counting; only cycles among them are no longer collected, and
    start-up objects live as long as the process); that left 0.54 s. Young collections every 10,000 allocations
    instead of 700 let most of a batch's objects die before the collector looks at them: 0.21 s, about 2 % of the
    worker's CPU. Unreachable cycles still go, a few thousand allocations later.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


async def _awaited(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


def _finish(result: Any) -> None:
    """A hook's result outside a loop: a coroutine (an async hook of a faust-app worker) is run to its end."""
    if inspect.iscoroutine(result):
        asyncio.run(result)
