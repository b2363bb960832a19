"""Every way mail/ sends: `SmtpMailer` (any relay), `SendGridMailer` (v3 API), `SinkMailer` (demo table)."""

from __future__ import annotations

import errno
import smtplib
import socket
import ssl
import urllib.error
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bus.records import utcnow

from .ports import BatchMessage, MailError, OutgoingMessage, SendResult
from .tables import SinkMessage

log = structlog.get_logger(__name__)

#: SendGrid accepts at most this many personalizations in one request.
SENDGRID_MAX_PERSONALIZATIONS = 1000


def _sender(message: OutgoingMessage | BatchMessage, default_address: str, default_name: str) -> tuple[str, str]:
    return message.from_address or default_address, message.from_name or default_name


class _HandOverSMTP(smtplib.SMTP):
    """smtplib's client, noting the moment the whole message (body and final ".") was written to the relay."""

    handed_over = False
    _in_data = False

    def data(self, msg):  # smtplib's signature
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s):  # smtplib's signature
        super().send(s)
        # inside DATA, smtplib writes the command as str and the body, ending in CRLF "." CRLF, as bytes
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


def _quit_quietly(smtp: smtplib.SMTP, accepted: bool) -> None:
    """QUIT and close; after an accepted message nothing said at QUIT changes the outcome."""
    try:
        if accepted:
            smtp.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        smtp.close()


class SmtpMailer:
    """Sends through an SMTP relay with smtplib (one connection per send: a relay may drop idle ones)."""

    name = "smtp"

    def __init__(self, host: str, port: int, *, from_address: str, from_name: str = "", username: str = "",
                 password: str = "", starttls: bool = False, timeout_s: float = 15.0) -> None:
        self.host, self.port = host, port
        self.from_address, self.from_name = from_address, from_name
        self._username, self._password, self._starttls = username, password, starttls
        self.timeout_s = timeout_s

    def build(self, message: OutgoingMessage) -> EmailMessage:
        """The MIME message for `message` (plain text, with an HTML alternative when given)."""
        address, name = _sender(message, self.from_address, self.from_name)
        email = EmailMessage()
        email["From"] = formataddr((name, address)) if name else address
        email["To"] = formataddr((message.to_name, message.to)) if message.to_name else message.to
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
        if message.reply_to:
            email["Reply-To"] = message.reply_to
        for key, value in message.headers.items():
            email[key] = value
        if message.categories:
            email["X-RRM-Categories"] = ", ".join(message.categories)
        for key, value in message.custom_args.items():
            email[f"X-RRM-Arg-{key}"] = value
        if message.idempotency_key:
            email["X-RRM-Idempotency-Key"] = message.idempotency_key
        email.set_content(message.text)
        if message.html:
            email.add_alternative(message.html, subtype="html")
        return email

    def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message.

        Before the relay has the whole message (connect, EHLO, MAIL, RCPT, DATA's 354, writing the body) a failure is
        definite: a 4xx reply or a lost connection is transient (tried again), a 5xx is permanent. Once the body and
        its final "." were written, the relay may have queued it: a failure before its final reply is
        `delivered_unknown` (never resent automatically: at most one copy). An error after the 250 (at QUIT) is no
        failure at all.
        """
        email = self.build(message)
        smtp = _HandOverSMTP(timeout=self.timeout_s)
        accepted = False
        try:
            smtp.connect(self.host, self.port)
            if self._starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self._username:
                smtp.login(self._username, self._password)
            smtp.send_message(email)
            accepted = True
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise MailError(f"SMTP relay {self.host}:{self.port} refused {message.to}: {exc.recipients}",
                            transient=bool(codes) and all(400 <= c < 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            # a reply is an answer: even after the body, a 4xx/5xx to the final "." means the relay did not take it
            raise MailError(f"SMTP relay {self.host}:{self.port} answered {exc.smtp_code} {exc.smtp_error!r}",
                            transient=exc.smtp_code < 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            if smtp.handed_over:
                raise MailError(f"SMTP relay {self.host}:{self.port} took the whole message, then failed before "
                                f"confirming it ({type(exc).__name__}: {exc}); it may have been delivered",
                                delivered_unknown=True) from exc
            raise MailError(f"SMTP relay {self.host}:{self.port} unreachable: {type(exc).__name__}: {exc}") from exc
        finally:
            _quit_quietly(smtp, accepted)
        return SendResult(provider_id=str(email["Message-ID"]))

    def close(self) -> None:
        """Nothing kept open."""


def _before_request(reason: object) -> bool:
    """True when a urllib failure happened before any byte of the request could reach the server.

    Connection refused, name resolution, an unreachable network and a failed TLS handshake are all before the
    request; a reset, a disconnect or a timeout may come after SendGrid read it (urllib wraps both phases in the
    same `URLError`, so a timeout is taken as after: at most one copy, never two).
    """
    if isinstance(reason, (ConnectionRefusedError, socket.gaierror, ssl.SSLCertVerificationError)):
        return True
    return isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH,
                                                            errno.EADDRNOTAVAIL)


class SendGridMailer:
    """Sends through SendGrid's v3 API (`/v3/mail/send`) with the official client, at a configurable base URL."""

    name = "sendgrid"

    def __init__(self, api_key: str, *, host: str = "https://api.sendgrid.com", from_address: str,
                 from_name: str = "", timeout_s: float = 15.0) -> None:
        from sendgrid import SendGridAPIClient

        if not api_key:
            raise MailError("RRM_MAIL__SENDGRID_API_KEY is empty: set it, or use RRM_MAIL__BACKEND=smtp or sink",
                            transient=False)
        self.from_address, self.from_name = from_address, from_name
        self._client = SendGridAPIClient(api_key=api_key, host=host.rstrip("/"))
        self._client.client.timeout = timeout_s  # the client waits forever otherwise (shared/GROUND.md)
        self.host = host

    # -- request bodies (plain dicts: what goes on the wire is visible and testable)
    def payload(self, message: OutgoingMessage) -> dict[str, Any]:
        """The v3 mail/send body of one message."""
        address, name = _sender(message, self.from_address, self.from_name)
        to: dict[str, str] = {"email": message.to}
        if message.to_name:
            to["name"] = message.to_name
        personalization: dict[str, Any] = {"to": [to]}
        if message.custom_args:
            personalization["custom_args"] = dict(message.custom_args)
        body: dict[str, Any] = {
            "personalizations": [personalization],
            "from": {"email": address, **({"name": name} if name else {})},
            "subject": message.subject,
            "content": [{"type": "text/plain", "value": message.text}]
            + ([{"type": "text/html", "value": message.html}] if message.html else []),
        }
        if message.reply_to:
            body["reply_to"] = {"email": message.reply_to}
        headers = dict(message.headers)
        if message.idempotency_key:
            headers["X-RRM-Idempotency-Key"] = message.idempotency_key
        if headers:
            body["headers"] = headers
        if message.categories:
            body["categories"] = list(message.categories)[:10]
        return body

    def batch_payloads(self, batch: BatchMessage) -> Iterator[dict[str, Any]]:
        """The v3 mail/send bodies of a batch, at most 1,000 personalizations each."""
        address, name = _sender(batch, self.from_address, self.from_name)
        recipients = list(batch.recipients)
        for start in range(0, len(recipients), SENDGRID_MAX_PERSONALIZATIONS):
            personalizations = []
            for r in recipients[start:start + SENDGRID_MAX_PERSONALIZATIONS]:
                p: dict[str, Any] = {"to": [{"email": r.to, **({"name": r.name} if r.name else {})}]}
                if r.substitutions:
                    p["substitutions"] = dict(r.substitutions)
                if r.custom_args:
                    p["custom_args"] = dict(r.custom_args)
                if r.headers:
                    p["headers"] = dict(r.headers)
                personalizations.append(p)
            body: dict[str, Any] = {
                "personalizations": personalizations,
                "from": {"email": address, **({"name": name} if name else {})},
                "subject": batch.subject,
                "content": [{"type": "text/plain", "value": batch.text}]
                + ([{"type": "text/html", "value": batch.html}] if batch.html else []),
            }
            if batch.reply_to:
                body["reply_to"] = {"email": batch.reply_to}
            if batch.categories:
                body["categories"] = list(batch.categories)[:10]
            if batch.send_at is not None:
                body["send_at"] = int(batch.send_at)
            if batch.batch_id:
                body["batch_id"] = batch.batch_id
            yield body

    # -- sending
    def _post(self, path: str, body: dict[str, Any] | None) -> Any:
        from python_http_client.exceptions import HTTPError

        endpoint = self._client.client
        for part in path.strip("/").split("/"):
            endpoint = endpoint._(part)
        try:
            return endpoint.post(request_body=body)
        except HTTPError as exc:
            status = getattr(exc, "status_code", 0) or 0
            detail = getattr(exc, "body", b"")
            if isinstance(detail, bytes):
                detail = detail.decode("utf-8", "replace")
            raise MailError(f"SendGrid {path} answered {status}: {str(detail)[:500]}",
                            transient=status == 429 or status >= 500) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            if _before_request(reason):
                raise MailError(f"SendGrid at {self.host} unreachable: {reason}") from exc
            # the connection was up and the request may have been read: a reset, a disconnect or a timeout now
            # leaves SendGrid holding it or not; resending could mail everyone twice
            raise MailError(f"SendGrid {path}: the connection failed after the request was sent "
                            f"({type(reason).__name__}: {reason}); it may have been accepted",
                            delivered_unknown=True) from exc

    def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message through /v3/mail/send."""
        response = self._post("mail/send", self.payload(message))
        return SendResult(provider_id=(response.headers.get("X-Message-Id") or "") if response.headers else "")

    def create_batch_id(self) -> str:
        """A batch id (POST /v3/mail/batch), so a scheduled batch can later be paused or cancelled."""
        import json

        response = self._post("mail/batch", None)
        return json.loads(response.body)["batch_id"]

    def send_batch(self, batch: BatchMessage) -> list[SendResult]:
        """Send a batch in requests of at most 1,000 recipients; one result per request."""
        results = []
        for body in self.batch_payloads(batch):
            response = self._post("mail/send", body)
            results.append(SendResult(provider_id=(response.headers.get("X-Message-Id") or "")
                                      if response.headers else ""))
        return results

    def cancel_batch(self, batch_id: str) -> None:
        """Cancel every scheduled send of a batch (POST /v3/user/scheduled_sends, status `cancel`).

        Added by distribute/ (its exactly-once recovery cancels an in-doubt batch before resending it).
        """
        self._post("user/scheduled_sends", {"batch_id": batch_id, "status": "cancel"})

    def close(self) -> None:
        """Nothing kept open (the client opens one connection per request)."""


class SinkMailer:
    """Keeps every message in the `mail_sink` table (the demo), readable in the console's mail sink."""

    name = "sink"

    def __init__(self, sessions: sessionmaker[Session], *, from_address: str, from_name: str = "") -> None:
        self._sessions = sessions
        self.from_address, self.from_name = from_address, from_name

    def send(self, message: OutgoingMessage) -> SendResult:
        """Store the message."""
        address, name = _sender(message, self.from_address, self.from_name)
        try:
            return self._store(message, address, name)
        except SQLAlchemyError as exc:
            raise MailError(f"the mail sink's database is unavailable: {type(exc).__name__}") from exc

    def _store(self, message: OutgoingMessage, address: str, name: str) -> SendResult:
        with self._sessions() as session, session.begin():
            row = SinkMessage(
                to=message.to.strip().lower(), to_name=message.to_name,
                from_address=formataddr((name, address)) if name else address, reply_to=message.reply_to,
                subject=message.subject, text=message.text, html=message.html, headers=dict(message.headers),
                categories=list(message.categories), idempotency_key=message.idempotency_key, received_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return SendResult(provider_id=f"sink-{row.id}")

    def close(self) -> None:
        """Nothing kept open."""
