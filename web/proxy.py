"""The client's address and scheme behind reverse proxies a setting trusts, and `Secure` cookies over https.

`X-Forwarded-For` and `X-Forwarded-Proto` are believed only when the connection comes from a network listed in
`RRM_WEB__TRUSTED_PROXIES`; anyone else could write them. The client is the right-most address of
`X-Forwarded-For` that is not itself a trusted proxy (the left-most entries are whatever the client claimed).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    """Networks from strings such as "10.0.0.5", "10.0.0.0/8" or "::1" (a ValueError names a bad one)."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"RRM_WEB__TRUSTED_PROXIES: {value!r} is not an address or network") from exc
    return networks


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str, forwarded_for: str, networks: list[Network]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy that says who it forwards for."""
    if not networks or not _trusted(peer, networks) or not forwarded_for.strip():
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage where an address should be: fall back on what we know
    return hops[0] if hops else peer


class ProxyMiddleware:
    """Sets the request's client address and scheme from trusted proxies' headers; marks cookies `Secure` when
    the request arrived over https (directly or through a trusted proxy) or the public address is https."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str] = (), public_https: bool = False) -> None:
        self.app = app
        self.networks = parse_networks(trusted)
        self.public_https = public_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        peer = (scope.get("client") or ("", 0))[0]
        if self.networks and _trusted(peer, self.networks):
            headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
            address = client_address(peer, headers.get(b"x-forwarded-for", ""), self.networks)
            scope = {**scope, "client": (address, 0)}
            proto = headers.get(b"x-forwarded-proto", "").split(",")[0].strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto
        secure = self.public_https or scope.get("scheme") == "https"
        if not secure:
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                for key, value in message.get("headers", []):
                    if key.lower() == b"set-cookie" and b"; secure" not in value.lower():
                        value = value + b"; Secure"
                    headers.append((key, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secure)
