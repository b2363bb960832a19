"""The scheduler of distribute/: one APScheduler job, every `tick_s`, that hands over every distribution whose time
has come. Release times, statuses and the send ledger live in the database, so a restarted worker resumes exactly
where the last one stopped (after `recover_in_doubt` has settled what a dead worker left in flight)."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from mail.ports import Mailer

from .handlers import Composer, release_due
from .ports import ScheduledBatchSender

log = structlog.get_logger(__name__)


def build_scheduler(sessions: sessionmaker[Session], composer: Composer, *, batches: ScheduledBatchSender | None,
                    mailer: Mailer | None, tick_s: float = 1.0) -> BackgroundScheduler:
    """A scheduler (not started) running `release_due` every `tick_s` seconds, never two at once."""
    scheduler = BackgroundScheduler(timezone="UTC")

    def release_distributions() -> None:
        try:
            worked = release_due(sessions, composer=composer, batches=batches, mailer=mailer)
        except Exception as exc:  # provider or database away: the ledger keeps the state, the next tick resumes
            log.error("distribute.tick_failed", error=f"{type(exc).__name__}: {exc}")
            return
        if worked:
            log.info("distribute.handed_over", distributions=worked)

    scheduler.add_job(release_distributions, "interval", seconds=tick_s, id="distribute-release",
                      max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
    return scheduler
