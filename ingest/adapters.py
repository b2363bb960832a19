"""ingest/'s I/O: fetching feeds over HTTP.

`HttpFeedFetcher` is the one place the network is touched. It never raises for what a server does: every outcome
(200, 304, 404, a timeout, a body too large, too many redirects, a refused connection) comes back as a
`FetchResult` whose `reason` an operator can read.

Operators type feed URLs, so the fetcher must not become a way to read the engine's own network: every connection,
the first and each redirect's, resolves the host itself, refuses loopback, private, link-local, multicast,
unspecified and reserved addresses (anything not globally routable) unless `RRM_INGEST__ALLOW_NETWORKS` names the
network or the host, and connects to the very address it checked (no second lookup to rebind). The body of a failed
fetch is cut to a short printable excerpt before it goes anywhere (`rejected`, the console).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpcore
import httpx
import structlog

from .model import FetchResult, safe_excerpt
from .polling import parse_retry_after

log = structlog.get_logger(__name__)

ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, "
          "*/*;q=0.5")


class AddressRefused(Exception):
    """A feed host resolved to an address the engine must not fetch from; the message says which and why."""


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """'' for a public address, else what it is (loopback, private, ...)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _kind(ip.ipv4_mapped)
    for name, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("multicast", ip.is_multicast), ("unspecified", ip.is_unspecified),
                       ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if flag:
            return name
    return "" if ip.is_global else "non-public"


class AddressPolicy:
    """Which resolved addresses a feed may be fetched from: public ones, plus the networks and host names listed."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.hosts: set[str] = set()
        for entry in allow:
            entry = entry.strip().lower()
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.rstrip("."))

    def refusal(self, host: str, address: str) -> str:
        """Why `address` (what `host` resolved to) is refused, or '' when it may be fetched."""
        ip = ipaddress.ip_address(address.split("%")[0])
        kind = _kind(ip)
        if not kind or host.lower().rstrip(".") in self.hosts or any(ip in net for net in self.networks):
            return ""
        named = address if host == address else f"{host} resolves to {address}"
        return (f"refused: {named}, a {kind} address; feeds are fetched from public addresses only "
                "(an operator can allow a network or host in RRM_INGEST__ALLOW_NETWORKS)")


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with a check between name resolution and connect: resolve, check every
    address, connect to the checked one. Runs for each connection, so each redirect's host is checked too."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, policy: AddressPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options=None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        refused = [self._policy.refusal(host, a) for a in addresses]
        if not addresses or any(refused):  # one bad address among several is enough: DNS may rotate to it
            raise AddressRefused(next((r for r in refused if r), f"{host} resolves to nothing"))
        return await self._inner.connect_tcp(addresses[0], port, timeout=timeout, local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options=None) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: unix sockets are not feeds")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class HttpFeedFetcher:
    """A `FeedFetcher` over httpx: a deadline per fetch, a size cap while streaming, a redirect limit, conditional
    GET, and at most `per_host` fetches at once against one host and `concurrency` in all."""

    def __init__(self, *, timeout_s: float = 10.0, max_bytes: int = 5_000_000, max_redirects: int = 5,
                 per_host: int = 2, concurrency: int = 64, user_agent: str = "RapidResponse/0.1",
                 allow: Iterable[str] = ()) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self._per_host = per_host
        self._all = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self._per_host))
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=min(concurrency, 32))
        transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
        pool = transport._pool  # httpcore's pool: its network backend is where addresses are resolved
        if not hasattr(pool, "_network_backend"):
            raise RuntimeError("httpcore changed: the feed fetcher cannot check addresses before connecting")
        pool._network_backend = _GuardedBackend(pool._network_backend, AddressPolicy(allow))
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=True,
            max_redirects=max_redirects,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    @classmethod
    def from_settings(cls, ingest, extra_allow: Iterable[str] = ()) -> HttpFeedFetcher:  # IngestSettings
        """The fetcher configured by `RRM_INGEST__*` (`extra_allow`: the demo's own feed server)."""
        return cls(timeout_s=ingest.timeout_s, max_bytes=ingest.max_bytes, max_redirects=ingest.max_redirects,
                   per_host=ingest.per_host_concurrency, concurrency=ingest.concurrency, user_agent=ingest.user_agent,
                   allow=[*ingest.allow_networks, *extra_allow])

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
                    body = safe_excerpt(await self._read(response, limit=4096, truncate=True))
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
        except AddressRefused as exc:
            log.warning("feed.address_refused", url=url, reason=str(exc))
            return FetchResult("error", reason=str(exc), final_url=url)
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
