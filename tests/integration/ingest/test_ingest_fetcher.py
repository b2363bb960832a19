"""HttpFeedFetcher against a local HTTP server: status codes, conditional GET, redirects, timeouts, size cap."""

from __future__ import annotations

import asyncio
import time

from bus.broker import free_port
from ingest.adapters import HttpFeedFetcher


def fetch(url: str, etag: str = "", last_modified: str = "", **options):
    async def go():
        fetcher = HttpFeedFetcher(**{"timeout_s": 2.0, "max_bytes": 200_000, "allow": ["127.0.0.1/32"], **options})
        try:
            return await fetcher.fetch(url, etag, last_modified)
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def test_200_gives_the_body_and_its_etag(feed_server, rss):
    """A feed is read with its ETag and content type."""
    body = rss([("a", "A", "a")])
    result = fetch(feed_server.route("/feed.xml", body=body))
    assert (result.status, result.http_status, result.body) == ("ok", 200, body)
    assert result.etag.startswith('"') and "rss" in result.content_type


def test_304_when_the_etag_still_matches(feed_server, rss):
    """The ETag is sent back as If-None-Match and the server's 304 means nothing to read."""
    url = feed_server.route("/feed.xml", body=rss([("a", "A", "a")]))
    first = fetch(url)
    second = fetch(url, etag=first.etag)
    assert (second.status, second.http_status, second.body) == ("not_modified", 304, b"")
    assert feed_server.hits("/feed.xml")[1]["If-None-Match"] == first.etag


def test_if_modified_since_is_sent(feed_server, rss):
    """The last Last-Modified goes back as If-Modified-Since."""
    url = feed_server.route("/feed.xml", body=rss([]))
    fetch(url, last_modified="Sat, 28 Nov 2026 09:00:00 GMT")
    assert feed_server.hits("/feed.xml")[0]["If-Modified-Since"] == "Sat, 28 Nov 2026 09:00:00 GMT"


def test_301_is_followed(feed_server, rss):
    """A moved feed is read at its new address, which is reported."""
    body = rss([("a", "A", "a")])
    new = feed_server.route("/new.xml", body=body)
    result = fetch(feed_server.route("/old.xml", status=301, location="/new.xml"))
    assert (result.status, result.body, result.final_url) == ("ok", body, new)


def test_redirect_loop_stops_at_the_limit(feed_server):
    """Redirects beyond the limit end the fetch with a reason."""
    feed_server.route("/a", status=302, location="/b")
    feed_server.route("/b", status=302, location="/a")
    result = fetch(feed_server.url("/a"), max_redirects=3)
    assert (result.status, result.reason) == ("error", "too many redirects")
    assert len(feed_server.hits("/a")) + len(feed_server.hits("/b")) == 4


def test_404_and_500_are_errors_with_their_status(feed_server):
    """Client and server errors are reported with their code."""
    gone = fetch(feed_server.route("/gone", status=404, body=b"nope", content_type="text/plain"))
    broken = fetch(feed_server.route("/broken", status=500, body=b"oops", content_type="text/plain"))
    assert (gone.status, gone.http_status, gone.reason) == ("error", 404, "HTTP 404 Not Found")
    assert (broken.status, broken.http_status, broken.reason) == ("error", 500, "HTTP 500 Internal Server Error")


def test_retry_after_of_a_503_is_kept(feed_server):
    """A server that asks to wait says how long."""
    result = fetch(feed_server.route("/busy", status=503, headers={"Retry-After": "120"}))
    assert result.retry_after_s == 120


def test_slow_server_hits_the_deadline(feed_server, rss):
    """A server dripping one byte every 50 ms is cut at the fetch deadline, however steadily it sends."""
    url = feed_server.route("/slow.xml", body=rss([("a", "A", "a" * 200)]), drip_s=0.05)
    started = time.monotonic()
    result = fetch(url, timeout_s=1.0)
    assert result.status == "error" and result.reason.startswith("timed out")
    assert time.monotonic() - started < 3


def test_endless_body_hits_the_size_cap(feed_server):
    """A body that never ends is cut at the size cap."""
    result = fetch(feed_server.route("/endless.xml", endless=True), max_bytes=100_000)
    assert result.status == "error" and "larger than 100,000 bytes" in result.reason


def test_declared_oversize_is_refused_before_reading(feed_server):
    """A Content-Length above the cap is refused at once."""
    result = fetch(feed_server.route("/big.xml", body=b"x" * 5000), max_bytes=1000)
    assert result.status == "error" and "Content-Length 5000" in result.reason


def test_nobody_listening_is_a_connection_error():
    """A refused connection is reported, not raised."""
    result = fetch(f"http://127.0.0.1:{free_port()}/feed.xml")
    assert result.status == "error" and result.reason.startswith("cannot connect")


def test_per_host_concurrency_is_polite(feed_server, rss):
    """No more than `per_host` fetches run at once against one host."""
    feed_server.route("/slowish.xml", body=rss([("a", "A", "a")])[:200], drip_s=0.002)

    async def go():
        fetcher = HttpFeedFetcher(timeout_s=5, per_host=2, concurrency=10, allow=["127.0.0.1/32"])
        started = time.monotonic()
        await asyncio.gather(*(fetcher.fetch(feed_server.url("/slowish.xml")) for _ in range(6)))
        await fetcher.aclose()
        return time.monotonic() - started

    single = fetch(feed_server.url("/slowish.xml"))
    assert single.status == "ok"
    elapsed = asyncio.run(go())
    assert elapsed >= 3 * 0.2 * 0.9  # six fetches of ~0.4 s, two at a time: three rounds at least
