"""The Content-Security-Policy allows scripts from /static only, and no page the console shows breaks it.

Every parameter-free page is opened in chromium for each role that may open it, plus the pages with data (a feed, a
story, a rejected message, ...) reachable from them by one link; the browser reports every blocked inline script,
inline handler or foreign source as a `securitypolicyviolation` event and a console error.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.web.test_web_access import guard
from web.app import api_routes
from web.auth import ROLES
from web.roles import RESTRICTED_ROLES

pytestmark = pytest.mark.browser
SKIP = {"/metrics", "/healthz", "/ops/stream", "/ops/data.json", "/logout"}
LISTEN = """() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation',
        e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @ ' + e.sourceFile));
}"""


def watch(page, found: list[str]) -> None:
    """Collect CSP reports from the console and from `securitypolicyviolation` events into `found`."""
    page.on("console", lambda msg: found.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text else None)
    page.add_init_script(f"({LISTEN})()")


def visit(page, url: str, found: list[str]) -> None:
    """Open `url`, let its scripts run, and record any violation it raised."""
    try:
        response = page.goto(url)
    except PlaywrightError as exc:  # a file to download (a PDF report, a CSV export) is no page
        if "Download is starting" in str(exc):
            return
        raise
    if response is None or not response.headers.get("content-type", "").startswith("text/html"):
        return
    page.wait_for_timeout(250)
    found.extend(f"{url}: {v}" for v in page.evaluate("() => window.__csp || []"))


def test_the_policy_allows_scripts_from_this_site_only(live_server) -> None:
    """Every page answers with `script-src 'self'` and no 'unsafe-inline' for scripts."""
    import httpx

    policy = httpx.get(live_server.url + "/login", timeout=30).headers["content-security-policy"]
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert script.split() == ["script-src", "'self'"]


def test_no_page_raises_a_csp_violation(page_as, page, live_server) -> None:
    """For each role, every console page and every page one link away shows no CSP violation in chromium."""
    found: list[str] = []
    watch(page, found)
    visit(page, live_server.url + "/login", found)
    for role in ROLES:
        tab = page_as(role)
        watch(tab, found)
        seen: set[str] = set()
        for route in api_routes(live_server.app):
            if "GET" not in route.methods or "{" in route.path or route.path in SKIP:
                continue
            kind, roles = guard(route)
            if kind == "role" and role not in roles:
                continue
            if kind == "user" and role in RESTRICTED_ROLES:  # a donor gets the 403 page other roles' walks check
                continue
            visit(tab, live_server.url + route.path, found)
            seen.add(route.path)
            links = tab.eval_on_selector_all("main a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
            for href in links[:5]:
                path = urlparse(href).path
                if path not in seen and path not in SKIP and not path.startswith("/static"):
                    seen.add(path)
                    visit(tab, live_server.url + href, found)
    assert found == []


def test_no_template_carries_inline_script_or_handlers() -> None:
    """No template in web/templates holds an executable inline <script> or an on*= handler attribute."""
    import re
    from pathlib import Path

    found = []
    for path in sorted((Path(__file__).resolve().parents[2] / "web" / "templates").rglob("*.html")):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{path.name}: {tag}")
        found.extend(f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text))
    assert found == []
