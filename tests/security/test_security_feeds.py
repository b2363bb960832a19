"""Operators cannot make the engine fetch its own network: loopback, private, link-local and other non-public
addresses are refused after name resolution and on every redirect, unless RRM_INGEST__ALLOW_NETWORKS names them;
a failed fetch keeps only a short printable excerpt of what the server said.

A real HTTP server on 127.0.0.1 plays the feed host (and the host that redirects).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from config.settings import IngestSettings
from ingest.adapters import HttpFeedFetcher

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
SECRET = "aws_secret_access_key=AKIAEXAMPLEKEY0123456789"  # noqa: S105 - a fake secret the server leaks


class Server:
    """A local HTTP server: /feed.xml is a feed, /to-metadata redirects to 169.254.169.254, /to-loopback redirects
    to 127.0.0.1, /broken answers 500 with a long page ending in a secret."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name
                outer.hits.append(self.path)
                if self.path == "/feed.xml":
                    self._answer(200, FEED, "application/rss+xml")
                elif self.path == "/to-metadata":
                    self._redirect("http://169.254.169.254/latest/meta-data/iam/security-credentials/")
                elif self.path == "/to-loopback":
                    self._redirect(f"http://127.0.0.1:{outer.port}/feed.xml")
                else:
                    page = ("<html>\x00\x07 Internal error\n\n" + "trace line\n" * 400 + SECRET).encode()
                    self._answer(500, page, "text/html")

            def _answer(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    """The local server, stopped after the test."""
    s = Server()
    yield s
    s.close()


def fetch(url: str, allow: list[str]):
    """One fetch with the fetcher built from settings that allow `allow`."""
    async def go():
        fetcher = HttpFeedFetcher.from_settings(IngestSettings(timeout_s=3.0, allow_networks=allow))
        try:
            return await fetcher.fetch(url)
        finally:
            await fetcher.aclose()

    with ThreadPoolExecutor(1) as pool:  # its own thread: a browser test in the same run keeps a loop running here
        return pool.submit(asyncio.run, go()).result()


def test_a_feed_on_loopback_not_allowed_is_refused_with_a_clear_reason(server):
    """A feed at 127.0.0.1 is refused before any connection, and the reason names the address and the setting."""
    result = fetch(f"http://127.0.0.1:{server.port}/feed.xml", allow=[])
    assert result.status == "error"
    assert "127.0.0.1, a loopback address" in result.reason and "RRM_INGEST__ALLOW_NETWORKS" in result.reason
    assert server.hits == []


def test_a_name_resolving_to_loopback_is_refused_after_resolution(server):
    """A host name is judged by the address it resolves to: localhost is refused as loopback."""
    result = fetch(f"http://localhost:{server.port}/feed.xml", allow=[])
    assert result.status == "error" and "localhost resolves to" in result.reason and "loopback" in result.reason
    assert server.hits == []


def test_a_redirect_from_an_allowed_name_to_the_metadata_address_is_refused(server):
    """An allowed host that redirects to 169.254.169.254 gets the redirect refused as link-local."""
    result = fetch(f"http://localhost:{server.port}/to-metadata", allow=["localhost"])
    assert result.status == "error"
    assert "169.254.169.254, a link-local address" in result.reason
    assert server.hits == ["/to-metadata"]


def test_a_redirect_to_an_address_that_is_not_allowed_is_refused(server):
    """A host allowed by name that redirects to a loopback address it was not allowed is refused at the hop."""
    result = fetch(f"http://localhost:{server.port}/to-loopback", allow=["localhost"])
    assert result.status == "error" and "127.0.0.1, a loopback address" in result.reason
    assert server.hits == ["/to-loopback"]


def test_the_allowed_test_server_still_works(server):
    """With its network allowed, the local feed is fetched as before."""
    result = fetch(f"http://127.0.0.1:{server.port}/feed.xml", allow=["127.0.0.1/32"])
    assert (result.status, result.body) == ("ok", FEED)


def test_a_failed_fetch_keeps_only_a_short_printable_excerpt(server):
    """A 500 page of 4 KB ending in a secret leaves 200 printable characters at most, and not the secret."""
    result = fetch(f"http://127.0.0.1:{server.port}/broken", allow=["127.0.0.1/32"])
    excerpt = result.body.decode("utf-8")
    assert result.reason == "HTTP 500 Internal Server Error"
    assert excerpt.startswith("<html> Internal error trace line") and len(excerpt) <= 200
    assert SECRET not in excerpt and excerpt.isprintable()
