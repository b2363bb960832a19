"""The scheduler of translate/: one APScheduler job, every `interval_s`, that translates the queued languages.

The queue lives in the database (`translation_versions` rows `queued`, claimed in their own transaction), so a
restarted worker resumes where the last one stopped; the worker's start puts back what a killed one had claimed
(`handlers.requeue_stalled`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from .chain import TranslatorChain
from .queue import translate_pending

log = structlog.get_logger(__name__)

#: Languages one tick works through before the next tick (the job never runs twice at once).
PER_TICK = 50


def build_scheduler(sessions: sessionmaker[Session], chain: TranslatorChain, *,
                    interval_s: float = 1.0) -> BackgroundScheduler:
    """A scheduler (not started) running `translate_pending` every `interval_s` seconds, never two at once."""
    scheduler = BackgroundScheduler(timezone="UTC")

    def translate_queued() -> None:
        try:
            done = translate_pending(sessions, chain, PER_TICK)
        except Exception as exc:  # the database is away: the claims stay in the store, the next tick resumes
            log.error("translate.tick_failed", error=f"{type(exc).__name__}: {exc}")
            return
        if done:
            log.info("translate.tick", translated=done)

    scheduler.add_job(translate_queued, "interval", seconds=interval_s, id="translate-queue", max_instances=1,
                      coalesce=True, next_run_time=datetime.now(UTC))
    return scheduler
