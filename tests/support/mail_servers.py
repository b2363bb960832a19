"""Local servers that speak the real mail protocols, for tests and benchmarks (moved out of the product: the demo
uses `mail.adapters.SinkMailer`, never these).

- `SmtpInbox`: a real SMTP server (aiosmtpd) on a free port that keeps what it receives.
- `SendGridEndpoint`: an HTTP server that answers SendGrid's v3 `POST /v3/mail/send` and `POST /v3/mail/batch`
  as SendGrid does, and checks each request against the documented rules (authorization, personalizations, from,
  subject, content order, send_at, categories, reserved headers): a request SendGrid would refuse gets SendGrid's
  400 with an `errors` list, so an adapter that builds bad requests fails its tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bus.broker import free_port

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESERVED_HEADERS = {"x-sg-id", "x-sg-eid", "received", "dkim-signature", "content-type",
                    "content-transfer-encoding", "to", "from", "subject", "reply-to", "cc", "bcc"}


@dataclass
class ReceivedMail:
    """One message the SMTP inbox accepted."""

    envelope_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """The plain-text part."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        """The HTML part ("" when there is none)."""
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


class SmtpInbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd); `delay_s` slows each DATA (to stop a sender mid-wave).

    Faults a relay can show: `drop_after_data` keeps the next N messages (they will be delivered) and drops the
    connection before the final reply, as a relay that crashes or loses the line right after queueing does;
    `rcpt_replies` answers the next RCPT commands with these replies (e.g. "451 4.3.0 try later") instead of 250.
    """

    def __init__(self, delay_s: float = 0.0) -> None:
        self.port = free_port()
        self.messages: list[ReceivedMail] = []
        self.delay_s = delay_s
        self.drop_after_data = 0
        self.rcpt_replies: list[str] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Accept the recipient, or give the next reply of `rcpt_replies`."""
        with self._lock:
            reply = self.rcpt_replies.pop(0) if self.rcpt_replies else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        """Keep the message (aiosmtpd calls this for every DATA)."""
        if self.delay_s:
            import asyncio

            await asyncio.sleep(self.delay_s)
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
            drop = self.drop_after_data > 0
            if drop:
                self.drop_after_data -= 1
        if drop:
            server.transport.abort()  # the message is kept; the sender never hears the final 250
        return "250 Message accepted for delivery"

    def start(self) -> SmtpInbox:
        """Start listening."""
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpInbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def to(self, address: str) -> list[ReceivedMail]:
        """Messages received for one address."""
        with self._lock:
            return [m for m in self.messages if address.lower() in [r.lower() for r in m.recipients]]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[ReceivedMail]:
        """Wait until at least `count` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self._lock:
            raise AssertionError(f"expected {count} message(s) in the SMTP inbox, got {len(self.messages)}")


def check_mail_send(body: object) -> list[dict[str, str]]:
    """SendGrid's v3 mail/send rules; returns its error list (empty when the request is valid)."""
    errors: list[dict[str, str]] = []

    def err(field_name: str, message: str) -> None:
        errors.append({"field": field_name, "message": message})

    if not isinstance(body, dict):
        return [{"field": "", "message": "Bad Request: the body must be a JSON object"}]
    personalizations = body.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        err("personalizations",
            "The personalizations field is required and must have at least one personalization.")
        personalizations = []
    if len(personalizations) > 1000:
        err("personalizations", "The personalizations field must have no more than 1000 personalizations.")
    recipients = 0
    for i, p in enumerate(personalizations):
        to = p.get("to") if isinstance(p, dict) else None
        if not isinstance(to, list) or not to:
            err(f"personalizations.{i}.to", "The to array is required for all personalization objects.")
            continue
        for j, address in enumerate(to):
            if not isinstance(address, dict) or not EMAIL.match(str(address.get("email", ""))):
                err(f"personalizations.{i}.to.{j}.email", "Does not contain a valid address.")
        recipients += len(to)
        for key in ("substitutions", "custom_args", "headers"):
            value = p.get(key)
            if value is not None and (not isinstance(value, dict) or
                                      not all(isinstance(v, str) for v in value.values())):
                err(f"personalizations.{i}.{key}", f"{key} values must be strings.")
        if not body.get("subject") and not p.get("subject"):
            err("subject", "The subject is required. You can get around this requirement if you use a template "
                           "with a subject defined or if every personalization has a subject defined.")
    if recipients > 1000:
        err("personalizations", "The total number of recipients must be no more than 1000.")
    sender = body.get("from")
    if not isinstance(sender, dict) or not EMAIL.match(str(sender.get("email", ""))):
        err("from.email", "The from object must be provided for every email send. It is an object that requires "
                          "the email parameter.")
    reply_to = body.get("reply_to")
    if reply_to is not None and (not isinstance(reply_to, dict) or not EMAIL.match(str(reply_to.get("email", "")))):
        err("reply_to.email", "Does not contain a valid address.")
    content = body.get("content")
    if not isinstance(content, list) or not content:
        err("content", "Unless a valid template_id is provided, the content parameter is required.")
        content = []
    for i, part in enumerate(content):
        if not isinstance(part, dict) or not part.get("type") or not part.get("value"):
            err(f"content.{i}", "The content value must be a string at least one character in length.")
    types = [part.get("type") for part in content if isinstance(part, dict)]
    if "text/plain" in types and types[0] != "text/plain":
        err("content.0.type", "The text/plain content type must be first, before text/html.")
    headers = body.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        err("headers", "headers values must be strings.")
    else:
        for name in headers:
            if name.lower() in RESERVED_HEADERS:
                err(f"headers.{name}", "This header is reserved and cannot be set.")
    categories = body.get("categories")
    if categories is not None and (not isinstance(categories, list) or len(categories) > 10 or \
                not all(isinstance(c, str) and 0 < len(c) <= 255 for c in categories)):
        err("categories", "Up to 10 categories of at most 255 characters each.")
    if body.get("send_at") is not None:
        send_at = body["send_at"]
        if not isinstance(send_at, int) or isinstance(send_at, bool):
            err("send_at", "send_at must be a Unix timestamp (integer).")
        elif send_at > time.time() + 72 * 3600:
            err("send_at", "send_at cannot be scheduled more than 72 hours in advance.")
    custom_args = body.get("custom_args")
    if custom_args is not None and (not isinstance(custom_args, dict) or
                                    not all(isinstance(v, str) for v in custom_args.values())):
        err("custom_args", "custom_args values must be strings.")
    return errors


@dataclass
class SendGridRequest:
    """One request the endpoint accepted."""

    path: str
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


class SendGridEndpoint:
    """A local HTTP server speaking SendGrid's v3 mail API; `fail_next` answers the next requests with statuses."""

    def __init__(self, api_key: str = "SG.test-key") -> None:
        self.api_key = api_key
        self.port = free_port()
        self.accepted: list[SendGridRequest] = []
        self.refused: list[tuple[int, dict]] = []
        self.fail_next: list[int] = []
        #: batch ids cancelled through POST /v3/user/scheduled_sends (added for distribute/)
        self.cancelled: list[str] = []
        #: seconds each mail/send request is held before it is answered (to stop a sender mid-request)
        self.delay_s = 0.0
        #: mail/send requests that arrived (counted before the delay)
        self.started = 0
        #: the next N mail/send requests are read and accepted, then the connection is reset before any reply
        #: (SendGrid took them; the sender cannot know)
        self.reset_after_read = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """Base URL to give `SendGridMailer(host=...)`."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SendGridEndpoint:
        """Start serving in a thread."""
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                return None

            def _answer(self, status: int, payload: dict | None = None, headers: dict | None = None) -> None:
                raw = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                if raw:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:  # http.server's hook name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("Authorization") != f"Bearer {endpoint.api_key}":
                    self._answer(401, {"errors": [{"field": None, "message": "authorization required"}]})
                    return
                with endpoint._lock:
                    forced = endpoint.fail_next.pop(0) if endpoint.fail_next else None
                if forced:
                    self._answer(forced, {"errors": [{"field": None, "message": f"forced {forced}"}]})
                    return
                if self.path == "/v3/mail/batch":
                    self._answer(201, {"batch_id": uuid.uuid4().hex})
                    return
                if self.path == "/v3/user/scheduled_sends":
                    request = json.loads(raw or b"{}")
                    if request.get("status") not in ("cancel", "pause") or not request.get("batch_id"):
                        self._answer(400, {"errors": [{"field": "status", "message": "status must be cancel or "
                                                                                      "pause, with a batch_id"}]})
                        return
                    with endpoint._lock:
                        endpoint.cancelled.append(str(request["batch_id"]))
                    self._answer(201, {"batch_id": request["batch_id"], "status": request["status"]})
                    return
                if self.path != "/v3/mail/send":
                    self._answer(404, {"errors": [{"field": None, "message": "not found"}]})
                    return
                with endpoint._lock:
                    endpoint.started += 1
                if endpoint.delay_s:
                    time.sleep(endpoint.delay_s)
                if "application/json" not in (self.headers.get("Content-Type") or ""):
                    self._answer(415, {"errors": [{"field": None, "message": "Content-Type must be JSON"}]})
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    self._answer(400, {"errors": [{"field": None, "message": "Bad Request: invalid JSON"}]})
                    return
                errors = check_mail_send(body)
                with endpoint._lock:
                    if errors:
                        endpoint.refused.append((400, body))
                    else:
                        endpoint.accepted.append(SendGridRequest(self.path, body, dict(self.headers)))
                    reset = not errors and endpoint.reset_after_read > 0
                    if reset:
                        endpoint.reset_after_read -= 1
                if reset:
                    self._reset()
                elif errors:
                    self._answer(400, {"errors": errors})
                else:
                    self._answer(202, None, {"X-Message-Id": uuid.uuid4().hex[:22]})

            def _reset(self) -> None:
                """Close with a TCP reset (SO_LINGER 0), answering nothing."""
                import socket
                import struct

                self.close_connection = True
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, name="sendgrid-endpoint", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> SendGridEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def delivered_recipients(self) -> list[str]:
        """Recipients of accepted requests whose batch was not cancelled: what SendGrid would deliver."""
        with self._lock:
            return [to["email"] for r in self.accepted if r.body.get("batch_id") not in self.cancelled
                    for p in r.body["personalizations"] for to in p["to"]]

    def recipients(self) -> list[str]:
        """Every recipient of every accepted mail/send request."""
        with self._lock:
            return [to["email"] for r in self.accepted for p in r.body["personalizations"] for to in p["to"]]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[SendGridRequest]:
        """Wait until `count` requests were accepted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.accepted) >= count:
                    return list(self.accepted)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} accepted SendGrid request(s), got {len(self.accepted)} "
                             f"(refused: {self.refused[:2]})")
