"""The one place distribute/'s adapters are built from settings, and its worker (`rrm worker distribute`).

The worker keeps approved translations (`translations.ready`) and runs the release scheduler. Run one distribute
worker per store: at start it settles what a killed predecessor left in flight (`recover_in_doubt`) before sending.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bus.app import RrmApp
from config.settings import Settings
from mail.adapters import SendGridMailer
from mail.bootstrap import build_mailer
from mail.ports import Mailer

from .adapters import SendGridBatchSender, SendGridEventVerifier
from .ports import ScheduledBatchSender
from .release import Composer

log = structlog.get_logger(__name__)


def build_composer(settings: Settings) -> Composer:
    """Emails with signed one-click unsubscribe links on the public base URL."""
    return Composer(secret=settings.secret_key, base_url=settings.web.base_url,
                    unsubscribe_mailto=settings.distribute.unsubscribe_mailto)


def build_senders(settings: Settings, sessions: sessionmaker[Session]) -> tuple[Mailer, ScheduledBatchSender | None]:
    """mail/'s mailer for `RRM_MAIL__BACKEND`; with SendGrid also the scheduled-batch sender."""
    mailer = build_mailer(settings.mail, sessions)
    batches = SendGridBatchSender(mailer) if isinstance(mailer, SendGridMailer) else None
    return mailer, batches


def build_verifier(settings: Settings) -> SendGridEventVerifier | None:
    """The Event Webhook verifier, or None when no verification key is configured (the webhook then refuses all)."""
    key = settings.mail.sendgrid_webhook_public_key
    return SendGridEventVerifier(key) if key else None


@dataclass
class Worker:
    """Everything the distribute worker runs."""

    engine: Engine
    sessions: sessionmaker[Session]
    mailer: Mailer
    batches: ScheduledBatchSender | None
    app: RrmApp
    scheduler: BackgroundScheduler

    def close(self) -> None:
        """Stop the scheduler, release clients."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.mailer.close()
        self.engine.dispose()


def build(settings: Settings) -> Worker:
    """Wire the worker (nothing started)."""
    from bus.app import InvalidMessage, consume, create_app
    from db.engine import make_engine, session_factory, transaction

    from .distributions import record_translation
    from .model import RecordRefused
    from .schedule import build_scheduler

    engine = make_engine(settings.database_url, echo=settings.db.echo, pool_size=settings.db.pool_size)
    sessions = session_factory(engine)
    mailer, batches = build_senders(settings, sessions)
    app = create_app("distribute", settings)

    def keep(record) -> None:
        try:
            with transaction(sessions) as session:
                record_translation(session, record)
        except RecordRefused as exc:
            raise InvalidMessage(str(exc)) from exc

    async def keep_translation(record):
        await asyncio.to_thread(keep, record)
        return []

    consume(app, "translations.ready", keep_translation, name="keep_translation")
    scheduler = build_scheduler(sessions, build_composer(settings), batches=batches,
                                mailer=None if batches is not None else mailer, tick_s=settings.distribute.tick_s,
                                cancel_margin=timedelta(seconds=settings.distribute.cancel_margin_s))
    return Worker(engine, sessions, mailer, batches, app, scheduler)


def main(settings: Settings) -> None:
    """Run the distribute worker until SIGTERM or Ctrl-C."""
    from bus.worker import run_app
    from config.logging import configure_logging

    from .release import recover_in_doubt

    configure_logging(settings.log_level, settings.log_format)
    worker = build(settings)
    recovered = recover_in_doubt(worker.sessions, batches=worker.batches,
                                 margin=timedelta(seconds=settings.distribute.cancel_margin_s))
    log.info("distribute.started", mail_backend=settings.mail.backend, **recovered)
    worker.scheduler.start()
    try:
        run_app(worker.app, settings)
    finally:
        worker.close()
