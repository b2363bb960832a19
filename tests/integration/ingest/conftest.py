"""A local HTTP server speaking real HTTP/1.1 for ingest's tests: feeds with ETags, redirects, errors, slow and
endless bodies. Routes are set per test: `feed_server.route("/a.xml", body=...)`."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    """What the server answers on one path."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: bool = True
    location: str = ""
    drip_s: float = 0.0  # seconds between bytes (a slow server)
    endless: bool = False  # a body that never ends
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 with programmable routes and a log of requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append((self.path, dict(self.headers)))
                    route = server.routes.get(self.path.split("?")[0])
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    server._answer(self, route)

            def log_message(self, format, *args):
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        """The absolute URL of a path."""
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, **kwargs) -> str:
        """Answer `path` as described; returns its URL."""
        with self._lock:
            self.routes[path] = Route(**kwargs)
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        """Headers of every request made to `path`."""
        with self._lock:
            return [h for p, h in self.requests if p.split("?")[0] == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, route: Route | None) -> None:
        if route is None:
            route = Route(status=404, body=b"not found", content_type="text/plain", etag=False)
        headers = dict(route.headers)
        if route.location:
            headers["Location"] = route.location
        if route.etag and route.status == 200 and not route.endless:
            etag = '"' + hashlib.sha1(route.body, usedforsecurity=False).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                request.send_response(304)
                request.send_header("ETag", etag)
                request.send_header("Content-Length", "0")
                request.end_headers()
                return
        request.send_response(route.status)
        request.send_header("Content-Type", route.content_type)
        for name, value in headers.items():
            request.send_header(name, value)
        if route.endless:
            request.send_header("Connection", "close")
            request.end_headers()
            chunk = b"<rss><channel>" + b"<item><title>x</title></item>" * 2000
            while True:
                request.wfile.write(chunk)
        request.send_header("Content-Length", str(len(route.body)))
        request.end_headers()
        if route.drip_s:
            for i in range(len(route.body)):
                request.wfile.write(route.body[i:i + 1])
                request.wfile.flush()
                time.sleep(route.drip_s)
            return
        request.wfile.write(route.body)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A local feed server for one test."""
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def rss():
    """Builds RSS documents: `rss([(guid, title, summary), ...])`."""
    return make_rss


def make_rss(items: list[tuple[str, str, str]], title: str = "Test feed", lang: str = "en") -> bytes:
    """An RSS 2.0 document of (guid, title, summary) items linking to https://<feed>.example.org/<guid>."""
    body = "".join(
        f"<item><title>{t}</title><link>https://news.example.org/{g}?utm_source=rss</link><guid>{g}</guid>"
        f"<description>{s}</description><pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate></item>"
        for g, t, s in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://news.example.org/</link><language>{lang}</language>{body}</channel></rss>").encode()
