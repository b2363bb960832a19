"""The interfaces of mail/: what a mailer sends and how it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    """One email to one recipient.

    `headers` carries extra headers such as `List-Unsubscribe`; `categories` and `custom_args` travel to the
    provider (SendGrid's categories and custom arguments, SMTP `X-RRM-*` headers) and come back in delivery events;
    `idempotency_key` names the message for the ledger and for the provider's logs.
    """

    to: str
    subject: str
    text: str
    html: str = ""
    to_name: str = ""
    reply_to: str = ""
    from_address: str = ""
    from_name: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    custom_args: dict[str, str] = field(default_factory=dict)
    idempotency_key: str = ""


@dataclass(frozen=True)
class SendResult:
    """What the provider said: its id for the message (SMTP Message-ID, SendGrid X-Message-Id)."""

    provider_id: str = ""


@dataclass(frozen=True)
class BatchRecipient:
    """One recipient of a batch: substitutions replace `-key-` markers in the batch's subject and content."""

    to: str
    name: str = ""
    substitutions: dict[str, str] = field(default_factory=dict)
    custom_args: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchMessage:
    """The same message to many recipients, optionally scheduled (`send_at`, epoch seconds, up to 72 h ahead)."""

    recipients: tuple[BatchRecipient, ...]
    subject: str
    text: str
    html: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    categories: tuple[str, ...] = ()
    send_at: int | None = None
    batch_id: str = ""


class MailError(Exception):
    """A send failed. `transient` says whether trying again later may work."""

    def __init__(self, message: str, *, transient: bool = True, delivered_unknown: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        #: True when the provider may have accepted the message before the error (a timeout after sending).
        self.delivered_unknown = delivered_unknown


class Mailer(Protocol):
    """Sends email. Implementations: `SmtpMailer`, `SendGridMailer`, `SinkMailer` (mail/adapters.py)."""

    name: str

    def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message; raise `MailError` when it was not accepted."""

    def close(self) -> None:
        """Release connections."""
