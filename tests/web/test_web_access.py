"""Every page refuses anonymous and wrong-role users; every form refuses a request without its CSRF token.

The routes are enumerated from the running app, so pages other stages add are checked too.
"""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import ACCOUNTS
from web.app import api_routes
from web.auth import ROLES
from web.csrf import _EXEMPT

pytestmark = pytest.mark.browser


def guard(route: APIRoute):
    """('public', None), ('user', None) or ('role', roles) for a route."""
    if "public" in (route.tags or []):
        return "public", None
    for dep in route.dependant.dependencies:
        roles = getattr(dep.call, "required_roles", None)
        if roles:
            return "role", set(roles)
        if getattr(dep.call, "__name__", "") == "require_user":
            return "user", None
    return "none", None


def routes(app) -> list[APIRoute]:
    """Every API route of the app, every stage's included."""
    return api_routes(app)


def concrete(path: str) -> str:
    """A path with its parameters filled with harmless values."""
    return re.sub(r"\{[^}]+\}", "0", path)


def exempt(path: str) -> bool:
    """True for paths registered with `csrf_exempt` (machine endpoints checked by signature)."""
    return any(path.startswith(prefix) for prefix in _EXEMPT)


def client_as(live_server, role: str | None) -> httpx.Client:
    """An HTTP client, signed in as `role` (or anonymous), holding its session's CSRF token in `.csrf`."""
    client = httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=30)
    page = client.get("/login")
    client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[attr-defined]
    if role:
        email, password = ACCOUNTS[role]
        r = client.post("/login", data={"email": email, "password": password, "csrf_token": client.csrf})
        assert r.status_code == 303, r.text
        client.csrf = re.search(r'name="csrf-token" content="([^"]+)"',  # type: ignore[attr-defined]
                                client.get("/", follow_redirects=True).text).group(1)  # a donor: /donors
    return client


def test_every_route_is_public_or_guarded(live_server) -> None:
    """No route is reachable without a login unless it is declared public."""
    unguarded = [f"{sorted(r.methods)} {r.path}" for r in routes(live_server.app) if guard(r)[0] == "none"]
    assert unguarded == []


def test_anonymous_users_are_sent_to_login(live_server) -> None:
    """Every guarded page and form sends an anonymous visitor to the login page."""
    client = client_as(live_server, None)
    checked = 0
    for route in routes(live_server.app):
        if guard(route)[0] == "public":
            continue
        for method in route.methods - {"HEAD"}:
            data = {"csrf_token": client.csrf} if method != "GET" else None
            r = client.request(method, concrete(route.path), data=data)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (method, route.path,
                                                                                         r.status_code)
            checked += 1
    assert checked >= 5


def test_wrong_roles_get_403(live_server) -> None:
    """Every role-restricted page and form answers 403 to the roles it does not serve."""
    clients = {role: client_as(live_server, role) for role in ROLES}
    checked = 0
    for route in routes(live_server.app):
        kind, allowed = guard(route)
        if kind != "role":
            continue
        for role in set(ROLES) - allowed:
            client = clients[role]
            for method in route.methods - {"HEAD"}:
                data = {"csrf_token": client.csrf} if method != "GET" else None
                r = client.request(method, concrete(route.path), data=data)
                assert r.status_code == 403, (role, method, route.path, r.status_code)
                assert "Traceback" not in r.text
                checked += 1
    assert checked >= 4


def test_every_form_refuses_a_missing_csrf_token(live_server) -> None:
    """A POST without the CSRF token is refused before it does anything, even for an admin."""
    client = client_as(live_server, "admin")
    posts = [r for r in routes(live_server.app) if "POST" in r.methods and not exempt(r.path)]
    assert posts
    for route in posts:
        r = client.post(concrete(route.path), data={"email": "x@example.org", "password": "x" * 12})
        assert r.status_code == 400, (route.path, r.status_code)
        assert "did not come from this site" in r.text, route.path
        r = client.post(concrete(route.path), data={"csrf_token": "forged-token"})
        assert r.status_code == 400, (route.path, r.status_code)


def test_csrf_exempt_routes_are_public_machine_endpoints(live_server) -> None:
    """Routes without CSRF (webhooks, one-click unsubscribe) are declared public: they authenticate otherwise."""
    for route in routes(live_server.app):
        if "POST" in route.methods and exempt(route.path):
            assert guard(route)[0] == "public", route.path


def test_error_pages_show_no_traceback(live_server) -> None:
    """A missing page is a clear 404 page."""
    client = client_as(live_server, "operator")
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Page not found" in r.text and "Traceback" not in r.text


def test_pages_carry_security_headers(live_server) -> None:
    """Pages forbid framing and sniffing, keep link tokens out of Referer headers, and are not cached."""
    r = client_as(live_server, "operator").get("/ops")
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"
