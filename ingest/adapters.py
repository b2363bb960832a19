"""ingest/'s I/O: fetching feeds over HTTP.

`HttpFeedFetcher` is the one place the network is touched. It never raises for what a server does: every outcome
(200, 304, 404, a timeout, a body too large, too many redirects, a refused connection) comes back as a
`FetchResult` whose `reason` an operator can read.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import structlog

from .model import FetchResult, parse_retry_after

log = structlog.get_logger(__name__)

ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, "
          "*/*;q=0.5")


class HttpFeedFetcher:
    """A `FeedFetcher` over httpx: a deadline per fetch, a size cap while streaming, a redirect limit, conditional
    GET, and at most `per_host` fetches at once against one host and `concurrency` in all."""

    def __init__(self, *, timeout_s: float = 10.0, max_bytes: int = 5_000_000, max_redirects: int = 5,
                 per_host: int = 2, concurrency: int = 64, user_agent: str = "RapidResponse/0.1") -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self._per_host = per_host
        self._all = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self._per_host))
        self._client = httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=max_redirects,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=min(concurrency, 32)),
            headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    @classmethod
    def from_settings(cls, ingest) -> HttpFeedFetcher:  # noqa: ANN001 - config.settings.IngestSettings
        """The fetcher configured by `RRM_INGEST__*`."""
        return cls(timeout_s=ingest.timeout_s, max_bytes=ingest.max_bytes, max_redirects=ingest.max_redirects,
                   per_host=ingest.per_host_concurrency, concurrency=ingest.concurrency, user_agent=ingest.user_agent)

    async def fetch(self, url: str, etag: str = "", last_modified: str = "") -> FetchResult:
        """GET `url` with If-None-Match / If-Modified-Since; the whole fetch (waiting for a slot excluded) must end
        within `timeout_s`, however slowly the server drips its bytes."""
        host = (urlsplit(url).hostname or "").lower()
        async with self._all, self._hosts[host]:
            started = time.monotonic()
            try:
                return await asyncio.wait_for(self._fetch(url, etag, last_modified), self.timeout_s)
            except TimeoutError:
                return FetchResult("error", reason=f"timed out after {self.timeout_s:g} s", final_url=url)
            finally:
                log.debug("feed.fetched", url=url, ms=round((time.monotonic() - started) * 1000))

    async def _fetch(self, url: str, etag: str, last_modified: str) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                final = str(response.url)
                status = response.status_code
                if status == 304:
                    return FetchResult("not_modified", http_status=304, etag=response.headers.get("etag", etag),
                                       last_modified=response.headers.get("last-modified", last_modified),
                                       final_url=final)
                if status >= 400:
                    retry = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                    body = await self._read(response, limit=4096, truncate=True)
                    return FetchResult("error", body=body, http_status=status, final_url=final, retry_after_s=retry,
                                       reason=f"HTTP {status} {response.reason_phrase}".strip())
                if status != 200:
                    return FetchResult("error", http_status=status, final_url=final,
                                       reason=f"HTTP {status} {response.reason_phrase}: not a feed response".strip())
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    return FetchResult("error", http_status=status, final_url=final,
                                       reason=f"feed larger than {self.max_bytes:,} bytes (Content-Length {declared})")
                try:
                    body = await self._read(response, limit=self.max_bytes)
                except _TooLarge:
                    return FetchResult("error", http_status=status, final_url=final,
                                       reason=f"feed larger than {self.max_bytes:,} bytes: stopped reading")
                note = f" (redirected to {final})" if final != url else ""
                return FetchResult("ok", body=body, http_status=status, etag=response.headers.get("etag", ""),
                                   last_modified=response.headers.get("last-modified", ""),
                                   content_type=response.headers.get("content-type", ""), final_url=final,
                                   reason=note.strip())
        except httpx.TooManyRedirects:
            return FetchResult("error", reason="too many redirects", final_url=url)
        except httpx.TimeoutException as exc:
            return FetchResult("error", reason=f"timed out ({type(exc).__name__})", final_url=url)
        except httpx.ConnectError as exc:
            return FetchResult("error", reason=f"cannot connect: {_short(exc)}", final_url=url)
        except httpx.InvalidURL as exc:
            return FetchResult("error", reason=f"invalid URL: {_short(exc)}", final_url=url)
        except httpx.HTTPError as exc:  # protocol errors, broken encodings, resets
            return FetchResult("error", reason=f"{type(exc).__name__}: {_short(exc)}", final_url=url)
        except (ValueError, UnicodeError) as exc:  # malformed headers or URLs that httpx rejects as values
            return FetchResult("error", reason=f"invalid request or response: {_short(exc)}", final_url=url)

    @staticmethod
    async def _read(response: httpx.Response, *, limit: int, truncate: bool = False) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():  # decoded: a gzip bomb hits the cap too
            size += len(chunk)
            if size > limit:
                if truncate:
                    chunks.append(chunk[: limit - (size - len(chunk))])
                    break
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


class _TooLarge(Exception):
    pass


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 300 else text[:300] + "…"
