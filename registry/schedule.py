"""The registry worker's timers: the programmes' reminders and the forms kit's clean-up, one APScheduler job.

Every tick (hourly by default) runs, each in its own transaction: Youth Solidarity Fund report reminders
(`youthfund.remind_reports`), Ambassadors' renewal reminders to the Secretariat (`ambassadors.remind_renewals`,
sent to `settings.mail.from_address`, the Secretariat's mailbox) and the purge of public-form files never claimed
(`publicforms.purge_pending`). Reminders are rows in the mail ledger, one per (purpose, recipient, round), so a
tick run twice sends nothing twice; the mail ledger's deliverer (the mobilize worker's tick) sends them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from db.engine import transaction

from . import ambassadors, publicforms, youthfund

log = structlog.get_logger(__name__)


def run_timers(sessions: sessionmaker[Session], settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """One tick of the programmes' timers; what each did."""
    now = now or datetime.now(UTC)
    done: dict[str, int] = {}
    jobs = {
        "ysf_reminders": lambda s: youthfund.remind_reports(s, now=now, secretariat=settings.mail.from_address),
        "renewal_reminders": lambda s: ambassadors.remind_renewals(s, to=settings.mail.from_address, now=now),
        "pending_files_purged": lambda s: publicforms.purge_pending(s, now=now),
    }
    for name, job in jobs.items():
        try:
            with transaction(sessions) as session:
                done[name] = job(session)
        except Exception as exc:  # the database is away: the next tick tries again, nothing is lost
            log.error("registry.timer_failed", job=name, error=f"{type(exc).__name__}: {exc}")
    return done


def build_scheduler(sessions: sessionmaker[Session], settings: Settings, *,
                    interval_s: float = 3600.0) -> BackgroundScheduler:
    """A scheduler (not started) running `run_timers` every `interval_s` seconds, never two at once."""
    scheduler = BackgroundScheduler(timezone="UTC")

    def tick() -> None:
        done = run_timers(sessions, settings)
        if any(done.values()):
            log.info("registry.timers", **done)

    scheduler.add_job(tick, "interval", seconds=interval_s, id="registry-programmes", max_instances=1,
                      coalesce=True, next_run_time=datetime.now(UTC))
    return scheduler
