"""The one place a `Mailer` is built from settings (`RRM_MAIL__BACKEND`)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from config.settings import MailSettings

from .adapters import SendGridMailer, SinkMailer, SmtpMailer
from .ports import Mailer


def build_mailer(mail: MailSettings, sessions: sessionmaker[Session]) -> Mailer:
    """The mailer `mail.backend` names: `sink` (demo table), `smtp` (any relay) or `sendgrid`."""
    if mail.backend == "smtp":
        return SmtpMailer(mail.smtp_host, mail.smtp_port, from_address=mail.from_address, from_name=mail.from_name,
                          username=mail.smtp_username, password=mail.smtp_password, starttls=mail.smtp_starttls,
                          timeout_s=mail.timeout_s)
    if mail.backend == "sendgrid":
        return SendGridMailer(mail.sendgrid_api_key, host=mail.sendgrid_host, from_address=mail.from_address,
                              from_name=mail.from_name, timeout_s=mail.timeout_s)
    return SinkMailer(sessions, from_address=mail.from_address, from_name=mail.from_name)
