"""The one place distribute/'s adapters are built from settings, and its worker (`rrm worker distribute`).

The worker (`bus.worker.Worker`) runs the agent of `agents.py` (approved translations kept, `translations.ready`)
and the release job of `schedule.py`. Run one distribute worker per store: at start it settles what a killed
predecessor left in flight (`recover_in_doubt`) before sending.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import structlog
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from mail.adapters import SendGridMailer
from mail.bootstrap import build_mailer
from mail.ports import Mailer

from .adapters import SendGridBatchSender, SendGridEventVerifier
from .ports import ScheduledBatchSender
from .release import Composer, recover_in_doubt

if TYPE_CHECKING:
    from bus.worker import Worker

log = structlog.get_logger(__name__)


def build_composer(settings: Settings) -> Composer:
    """Editors' emails: signed one-click unsubscribe and placement links on the public base URL, the Reply-To."""
    return Composer.from_settings(settings)


def build_senders(settings: Settings, sessions: sessionmaker[Session]) -> tuple[Mailer, ScheduledBatchSender | None]:
    """mail/'s mailer for `RRM_MAIL__BACKEND`; with SendGrid also the scheduled-batch sender."""
    mailer = build_mailer(settings.mail, sessions)
    batches = SendGridBatchSender(mailer) if isinstance(mailer, SendGridMailer) else None
    return mailer, batches


def build_verifier(settings: Settings) -> SendGridEventVerifier | None:
    """The Event Webhook verifier, or None when no verification key is configured (the webhook then refuses all)."""
    key = settings.mail.sendgrid_webhook_public_key
    return SendGridEventVerifier(key) if key else None


def build(settings: Settings) -> Worker:
    """Wire the worker (nothing started); `worker.mailer`, `.batches` and `.scheduler` are the stage's pieces.

    At start it settles what a killed predecessor left in flight (`recover_in_doubt`), then the scheduler starts.
    """
    # imported here: the web process imports this module for `build_senders` alone (in its routes' setup)
    from bus.worker import Worker

    from .agents import register
    from .schedule import build_scheduler

    worker = Worker("distribute", settings)
    worker.mailer, worker.batches = build_senders(settings, worker.sessions)
    worker.on_close(worker.mailer.close)
    register(worker.app, worker.sessions)
    margin = timedelta(seconds=settings.distribute.cancel_margin_s)
    worker.on_start(lambda: recover_on_start(worker, margin))
    worker.scheduler = worker.add_scheduler(build_scheduler(
        worker.sessions, build_composer(settings), batches=worker.batches,
        mailer=None if worker.batches is not None else worker.mailer, tick_s=settings.distribute.tick_s,
        cancel_margin=margin))
    return worker


def recover_on_start(worker: Worker, margin: timedelta) -> None:
    """Settle the sends a killed predecessor left `pending` before anything new is sent."""
    recovered = recover_in_doubt(worker.sessions, batches=worker.batches, margin=margin)
    log.info("distribute.started", mail_backend=worker.settings.mail.backend, **recovered)


def main(settings: Settings) -> None:
    """Run the distribute worker until SIGTERM or Ctrl-C."""
    build(settings).run()
