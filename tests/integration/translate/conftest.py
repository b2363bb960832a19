"""Local servers speaking LibreTranslate's API and DeepL's v2 API, for translate/'s integration tests.

Both "translate" by a deterministic transformation (upper case), so tests can check order and protected names.
Each server records what it was asked, and can be told to be slow, to answer 429 with Retry-After, or to echo.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from bus.broker import free_port


@dataclass
class Behaviour:
    """How the server answers; tests change it between calls."""

    delay_s: float = 0.0
    rate_limit_first: int = 0  # answer 429 to this many requests first
    retry_after: str = "1"
    echo: bool = False
    api_key: str = ""
    requests: list[dict] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


def _translate(text: str, target: str, behaviour: Behaviour) -> str:
    return text if behaviour.echo else text.upper()


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour
    kind: str

    def log_message(self, *args) -> None:  # keep test output quiet
        return None

    def _fields(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fields = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        if raw:
            if "json" in (self.headers.get("Content-Type") or ""):
                fields.update(json.loads(raw))
            else:
                fields.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        return fields

    def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # http.server's naming
        b = self.behaviour
        fields = self._fields()
        b.times.append(time.monotonic())
        b.requests.append({"path": urlparse(self.path).path, **fields,
                           "authorization": self.headers.get("Authorization", "")})
        if b.delay_s:
            time.sleep(b.delay_s)
        if b.rate_limit_first > 0:
            b.rate_limit_first -= 1
            self._send(429, {"error": "Too many requests"}, {"Retry-After": b.retry_after})
            return
        if self.kind == "libre":
            if urlparse(self.path).path != "/translate":
                self._send(404, {"error": "not found"})
                return
            if b.api_key and fields.get("api_key") != b.api_key:
                self._send(403, {"error": "Invalid API key"})
                return
            self._send(200, {"translatedText": _translate(fields["q"], fields["target"], b)})
            return
        # DeepL v2
        if urlparse(self.path).path != "/v2/translate":
            self._send(404, {"message": "not found"})
            return
        if self.headers.get("Authorization") != f"DeepL-Auth-Key {b.api_key}":
            self._send(403, {"message": "Wrong endpoint or wrong key"})
            return
        texts = fields["text"] if isinstance(fields["text"], list) else [fields["text"]]
        self._send(200, {"translations": [
            {"detected_source_language": (fields.get("source_lang") or "EN"),
             "text": _translate(t, fields["target_lang"], b), "billed_characters": len(t)} for t in texts]})


@dataclass
class LocalServer:
    """A running local translation server."""

    url: str
    behaviour: Behaviour
    server: ThreadingHTTPServer


def _start(kind: str) -> LocalServer:
    behaviour = Behaviour(api_key="test-key")
    handler = type(f"{kind}Handler", (_Handler,), {"behaviour": behaviour, "kind": kind})
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return LocalServer(f"http://127.0.0.1:{port}/", behaviour, server)


@pytest.fixture
def libre_server() -> Iterator[LocalServer]:
    """A local server speaking LibreTranslate's POST /translate (api key `test-key`)."""
    s = _start("libre")
    yield s
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def deepl_server() -> Iterator[LocalServer]:
    """A local server speaking DeepL's v2 POST /v2/translate (auth key `test-key`)."""
    s = _start("deepl")
    yield s
    s.server.shutdown()
    s.server.server_close()
