"""The interfaces distribute/ needs. Plain messages go through mail/'s `Mailer`; providers that schedule batches
(SendGrid) also offer batch ids, `send_at` and cancellation."""

from __future__ import annotations

from typing import Protocol

from mail.ports import BatchMessage, Mailer, MailError, OutgoingMessage

__all__ = ["BatchMessage", "EventVerifier", "MailError", "Mailer", "OutgoingMessage", "ScheduledBatchSender"]


class ScheduledBatchSender(Protocol):
    """A provider that takes up to 1,000 recipients a request, holds them until `send_at`, and can cancel a batch."""

    name: str
    batch_size: int

    def new_batch_id(self) -> str:
        """A fresh batch id from the provider."""

    def send_batch(self, batch: BatchMessage) -> str:
        """Hand one request (at most `batch_size` recipients) over; returns the provider's id for it."""

    def cancel_batch(self, batch_id: str) -> None:
        """Cancel every scheduled send of a batch."""


class EventVerifier(Protocol):
    """Checks the signature of a delivery-event webhook over its raw body."""

    def verify(self, raw_body: bytes, signature: str, timestamp: str) -> bool:
        """True when the provider signed exactly these bytes at this timestamp."""
