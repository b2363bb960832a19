"""The interfaces ingest/ needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from .model import FetchResult


class FeedFetcher(Protocol):
    """Fetches a feed's bytes, conditionally; never raises for what a server or the network does."""

    async def fetch(self, url: str, etag: str = "", last_modified: str = "") -> FetchResult:
        """GET a feed with If-None-Match / If-Modified-Since."""

    async def aclose(self) -> None:
        """Release connections."""
