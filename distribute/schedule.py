"""The scheduler of distribute/: one APScheduler job, every `tick_s`, that hands over every distribution whose time
has come. Release times, statuses and the send ledger live in the database, so a restarted worker resumes exactly
where the last one stopped. Each tick first settles what an earlier tick or a dead worker left in doubt
(`recover_in_doubt`), then sends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from mail.ports import Mailer

from .model import SENDGRID_CANCEL_MARGIN
from .ports import ScheduledBatchSender
from .release import Composer, recover_in_doubt, release_due

log = structlog.get_logger(__name__)


def build_scheduler(sessions: sessionmaker[Session], composer: Composer, *, batches: ScheduledBatchSender | None,
                    mailer: Mailer | None, tick_s: float = 1.0,
                    cancel_margin: timedelta | None = None) -> BackgroundScheduler:
    """A scheduler (not started) running `release_due` every `tick_s` seconds, never two at once."""
    scheduler = BackgroundScheduler(timezone="UTC")

    def release_distributions() -> None:
        try:
            # rows left `pending` by an earlier tick (a request that timed out): settled before anything else is
            # sent; the job never runs twice at once and one worker runs per store, so nothing else is in flight
            recovered = recover_in_doubt(sessions, batches=batches, margin=cancel_margin or SENDGRID_CANCEL_MARGIN)
            if any(recovered.values()):
                log.warning("distribute.recovered_in_doubt", **recovered)
            worked = release_due(sessions, composer=composer, batches=batches, mailer=mailer)
        except Exception as exc:  # provider or database away: the ledger keeps the state, the next tick resumes
            log.error("distribute.tick_failed", error=f"{type(exc).__name__}: {exc}")
            return
        if worked:
            log.info("distribute.handed_over", distributions=worked)

    scheduler.add_job(release_distributions, "interval", seconds=tick_s, id="distribute-release",
                      max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
    return scheduler
