"""The scheduler of mobilize/: one APScheduler job, every `tick_s`, that runs what is due and sends queued email.

Every due time lives in the database (invitation deadlines and reminders, draft due times, queued email), so a
restarted worker resumes exactly where the last one stopped: the job keeps no state of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from db.engine import transaction
from mail.ledger import deliver_queued
from mail.ports import Mailer

from .handlers import Deps, run_due_timers
from .signoff import close_windows

log = structlog.get_logger(__name__)


def tick(sessions: sessionmaker[Session], deps: Deps, mailer: Mailer) -> None:
    """One pass: timers first (they may queue email), then delivery."""
    with transaction(sessions) as session:
        report = run_due_timers(session, deps)
    with transaction(sessions) as session:
        signed_off = close_windows(session, deps)
    if signed_off:
        log.info("signoff.windows_closed", translations=signed_off)
    if report.reminded or report.expired or report.waves or report.overdue or report.escalated:
        log.info("timers.ran", reminded=report.reminded, expired=report.expired, waves=report.waves,
                 overdue=report.overdue, alerts_escalated=report.escalated)
    mail = deps.settings.mail
    deliver_queued(sessions, mailer, max_attempts=mail.send_attempts, pending_grace_s=mail.pending_grace_s)


def build_scheduler(sessions: sessionmaker[Session], deps: Deps, mailer: Mailer) -> BackgroundScheduler:
    """A scheduler (not started) running `tick` every `tick_s` seconds, never two at once."""
    scheduler = BackgroundScheduler(timezone="UTC")

    def _safe_tick() -> None:
        try:
            tick(sessions, deps, mailer)
        except Exception as exc:  # the database is away: log it, the next tick tries again
            log.error("tick.failed", error=f"{type(exc).__name__}: {exc}")

    scheduler.add_job(_safe_tick, "interval", seconds=deps.settings.mobilize.tick_s, id="mobilize-tick",
                      max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
    return scheduler
