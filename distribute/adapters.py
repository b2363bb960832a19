"""distribute/'s I/O: SendGrid's scheduled batches (through mail/'s `SendGridMailer`) and SendGrid's Event Webhook
signature check. Plain SMTP and the demo sink are mail/'s mailers, used as they are."""

from __future__ import annotations

import base64
import binascii

from mail.adapters import SENDGRID_MAX_PERSONALIZATIONS, SendGridMailer
from mail.ports import BatchMessage, MailError


class SendGridBatchSender:
    """Batches of at most 1,000 personalizations, each with its own batch id and `send_at` (mail/'s SendGridMailer)."""

    name = "sendgrid"
    batch_size = SENDGRID_MAX_PERSONALIZATIONS

    def __init__(self, mailer: SendGridMailer) -> None:
        self._mailer = mailer

    def new_batch_id(self) -> str:
        """POST /v3/mail/batch."""
        return self._mailer.create_batch_id()

    def send_batch(self, batch: BatchMessage) -> str:
        """POST /v3/mail/send with every recipient of `batch` in one request."""
        if len(batch.recipients) > self.batch_size:
            raise MailError(f"a SendGrid request holds at most {self.batch_size} recipients", transient=False)
        results = self._mailer.send_batch(batch)
        return results[0].provider_id if results else ""

    def cancel_batch(self, batch_id: str) -> None:
        """POST /v3/user/scheduled_sends {batch_id, status: cancel}."""
        self._mailer.cancel_batch(batch_id)

    def close(self) -> None:
        """Release the mailer."""
        self._mailer.close()


class SendGridEventVerifier:
    """Verifies SendGrid's Event Webhook ECDSA signature (X-Twilio-Email-Event-Webhook-Signature/-Timestamp)."""

    def __init__(self, public_key_b64: str) -> None:
        from sendgrid.helpers.eventwebhook import EventWebhook

        if not public_key_b64:
            raise ValueError("RRM_MAIL__SENDGRID_WEBHOOK_PUBLIC_KEY is empty: the Event Webhook cannot be verified")
        self._webhook = EventWebhook()
        self._key = self._webhook.convert_public_key_to_ecdsa(public_key_b64)

    def verify(self, raw_body: bytes, signature: str, timestamp: str) -> bool:
        """True when SendGrid signed exactly these bytes at `timestamp` (the raw body, never re-serialized JSON)."""
        if not signature or not timestamp:
            return False
        try:
            payload = raw_body.decode("utf-8")
            return bool(self._webhook.verify_signature(payload, signature, timestamp, self._key))
        except (UnicodeDecodeError, binascii.Error, ValueError):
            return False


def public_key_b64(public_key) -> str:  # a cryptography public key
    """The base64 DER form SendGrid shows as the verification key (for settings and tests)."""
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")
