"""One contract for every `FeedFetcher`; today one adapter, `HttpFeedFetcher`, against a local feed server (the
feed server of tests/integration/ingest/conftest.py). A new fetcher adds a side and a subclass."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from ingest.adapters import HttpFeedFetcher
from ingest.model import FetchResult
from ingest.ports import FeedFetcher
from tests.integration.ingest.conftest import FeedServer

BODY = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><link>https://example.org/a</link></item></channel></rss>")


class HttpSide:
    """HttpFeedFetcher against a local HTTP server (loopback allowed for the test)."""

    def __init__(self) -> None:
        self.server = FeedServer()

    def fetcher(self) -> FeedFetcher:
        return HttpFeedFetcher(timeout_s=2.0, max_bytes=200_000, allow=["127.0.0.1/32"])

    def feed(self, body: bytes) -> str:
        """A location that holds `body`."""
        return self.server.route("/feed.xml", body=body)

    def missing(self) -> str:
        """A location that holds nothing."""
        return self.server.url("/nothing.xml")

    def close(self) -> None:
        self.server.close()


def _fetch(fetcher: FeedFetcher, url: str, etag: str = "") -> FetchResult:
    async def go() -> FetchResult:
        try:
            return await fetcher.fetch(url, etag)
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


class FeedFetcherContract:
    """What every `FeedFetcher` promises; a subclass names the side it runs against."""

    side_class: type

    @pytest.fixture
    def side(self) -> Iterator[HttpSide]:
        side = self.side_class()
        yield side
        side.close()

    def test_a_feed_is_read_whole_with_a_validator(self, side) -> None:
        """`ok` with the exact bytes and an ETag (or Last-Modified) to ask again conditionally."""
        result = _fetch(side.fetcher(), side.feed(BODY))
        assert (result.status, result.body) == ("ok", BODY)
        assert result.etag or result.last_modified

    def test_an_unchanged_feed_is_not_modified(self, side) -> None:
        """Asked again with its validator, an unchanged feed is `not_modified` and carries no body."""
        url = side.feed(BODY)
        first = _fetch(side.fetcher(), url)
        again = _fetch(side.fetcher(), url, etag=first.etag)
        assert (again.status, again.body) == ("not_modified", b"")

    def test_a_missing_feed_is_an_error_with_a_reason_never_an_exception(self, side) -> None:
        """Nothing at the location: `error` with a reason an operator can read."""
        result = _fetch(side.fetcher(), side.missing())
        assert result.status == "error" and result.reason


class TestHttpFeedFetcher(FeedFetcherContract):
    """The contract against HttpFeedFetcher and a local HTTP server."""

    side_class = HttpSide
