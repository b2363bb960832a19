"""Request bodies are capped as they arrive, and SendGrid's Inbound Parse takes posts only with its secret.

Real HTTP against a live uvicorn; the chunked bodies are written on a raw socket so that no Content-Length is sent.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import ValidationError

from config.settings import Settings
from distribute.adapters import public_key_b64
from mobilize import queries as q
from tests.web.conftest import start_live_server, web_settings

CHUNK = b"x" * 65536


def rss_bytes() -> int:
    """Resident memory of this process, where the live server runs (uvicorn in a thread)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def chunked_post(url: str, path: str, total: int, headers: dict[str, str] | None = None) -> tuple[int, int]:
    """POST `total` bytes with Transfer-Encoding: chunked; (status answered, bytes the server let us send)."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=60)
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Transfer-Encoding: chunked",
            "Content-Type: application/x-www-form-urlencoded"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sent = 0
    answer = bytearray()

    def read() -> None:
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            answer.extend(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while sent < total and not answer:
            sock.sendall(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
            sent += len(CHUNK)
        if not answer:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server closed the connection after answering
    deadline = time.monotonic() + 30
    while not answer and reader.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    sock.close()
    status = int(bytes(answer).split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, sent


@pytest.fixture(scope="module")
def capped_server(broker, tmp_path_factory):
    """A live server with SendGrid's Event Webhook key configured and an Inbound Parse secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    settings = web_settings(tmp_path_factory.mktemp("capped"), broker.bootstrap_servers,
                            mail={"sendgrid_webhook_public_key": public_key_b64(private.public_key()),
                                  "inbound_token": "inbound-secret-123", "inbound_max_bytes": 1_000_000})
    with start_live_server(settings) as server:
        yield server


def test_an_anonymous_chunked_event_webhook_post_is_refused_with_413_without_growing_memory(capped_server):
    """A 300 MB chunked, unsigned post to the Event Webhook gets 413 and the server's memory stays flat."""
    before = rss_bytes()
    status, sent = chunked_post(capped_server.url, "/webhooks/sendgrid/events", 300_000_000)
    grown = rss_bytes() - before
    assert status == 413
    assert grown < 60_000_000, f"the server grew by {grown // 1_000_000} MB"
    assert sent < 300_000_000


def test_a_chunked_login_post_above_the_cap_is_refused_with_413(capped_server):
    """Any route (here /login) counts what arrives: a chunked body over RRM_WEB__MAX_BODY_BYTES gets 413."""
    status, _sent = chunked_post(capped_server.url, "/login", 20_000_000)
    assert status == 413


def test_inbound_parse_refuses_a_post_without_its_secret_and_stores_nothing(capped_server):
    """A post to Inbound Parse without the secret is answered 403 and no reply is stored."""
    form = {"to": "reply+nobody@reply.aoc.example.org", "text": "let me in"}
    with capped_server.sessions() as s:
        before = len(q.inbound_replies(s))
    answers = [httpx.post(capped_server.url + path, data=form, timeout=30).status_code
               for path in ("/webhooks/sendgrid/inbound", "/webhooks/sendgrid/inbound?token=wrong")]
    wrong_auth = httpx.post(capped_server.url + "/webhooks/sendgrid/inbound", data=form, auth=("rrm", "wrong"),
                            timeout=30).status_code
    with capped_server.sessions() as s:
        after = len(q.inbound_replies(s))
    assert answers + [wrong_auth] == [403, 403, 403]
    assert after == before


def test_inbound_parse_takes_its_secret_as_basic_auth(capped_server):
    """SendGrid may send the secret as the basic-auth password of the webhook URL: the post is stored."""
    form = {"to": "reply+unknown@reply.aoc.example.org", "text": "hello"}
    with capped_server.sessions() as s:
        before = len(q.inbound_replies(s))
    answer = httpx.post(capped_server.url + "/webhooks/sendgrid/inbound", data=form,
                        auth=("rrm", "inbound-secret-123"), timeout=30)
    with capped_server.sessions() as s:
        after = len(q.inbound_replies(s))
    assert answer.status_code == 200
    assert after == before + 1


def test_inbound_parse_counts_arriving_bytes_of_a_chunked_post(capped_server):
    """An authenticated chunked post over RRM_MAIL__INBOUND_MAX_BYTES stops being read at the cap: only a note that
    it was too large is kept (SendGrid drops a reply for good on a 4xx), none of its content."""
    before = rss_bytes()
    status, sent = chunked_post(capped_server.url, "/webhooks/sendgrid/inbound?token=inbound-secret-123",
                                200_000_000)
    grown = rss_bytes() - before
    time.sleep(0.2)
    with capped_server.sessions() as s:
        newest = q.inbound_replies(s)[0]
    assert status == 200 and sent < 200_000_000
    assert newest.status == "rejected" and "INBOUND_MAX_BYTES" in newest.reason
    assert grown < 60_000_000, f"the server grew by {grown // 1_000_000} MB"


def test_production_does_not_start_without_an_inbound_secret(tmp_path):
    """Settings for production without RRM_MAIL__INBOUND_TOKEN are refused with a message that names it."""
    with pytest.raises(ValidationError, match="RRM_MAIL__INBOUND_TOKEN is required in production"):
        Settings(env="production", data_dir=tmp_path)

