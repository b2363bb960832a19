"""The console's own pages pass axe-core's WCAG 2 A/AA checks (labels, contrast, landmarks, names) in chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = {
    None: ["/login"],
    "operator": ["/", "/ops", "/ops/rejected", "/ops/stories", "/admin/users"],  # the last one is the 403 page
    "admin": ["/admin/users"],
}


def violations(page) -> list[str]:
    """axe-core's WCAG 2 A and AA violations on the current page, one line each."""
    page.evaluate(AXE.read_text())  # evaluated by the driver: the page's CSP forbids injected inline scripts
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""")
    return result


@pytest.mark.parametrize("role", list(PAGES))
def test_pages_have_no_accessibility_violations(role, page, page_as, live_server) -> None:
    """Every page of the console shell and the operator dashboards has no WCAG 2 A/AA violation axe can find."""
    tab = page_as(role) if role else page
    found = {}
    for path in PAGES[role]:
        tab.goto(live_server.url + path)
        tab.wait_for_load_state("networkidle") if path != "/ops" else tab.wait_for_timeout(2000)
        problems = violations(tab)
        if problems:
            found[path] = problems
    assert found == {}


SKIP = {"/metrics", "/healthz", "/ops/stream", "/ops/data.json"}


def test_every_stage_page_passes_axe(page_as, live_server) -> None:
    """Every page any stage adds (without path parameters) passes the same checks, for each role that may open it."""
    from tests.web.test_web_access import guard
    from web.app import api_routes
    from web.auth import ROLES
    from web.roles import RESTRICTED_ROLES

    found = []
    for role in ROLES:
        tab = page_as(role)
        for route in api_routes(live_server.app):
            if "GET" not in route.methods or "{" in route.path or route.path in SKIP:
                continue
            kind, roles = guard(route)
            if kind == "role" and role not in roles:
                continue
            if kind == "user" and role in RESTRICTED_ROLES:  # a donor gets the 403 page other roles' walks check
                continue
            try:
                response = tab.goto(live_server.url + route.path)
            except PlaywrightError as exc:  # a file to download (a CSV export) is no page
                if "Download is starting" in str(exc):
                    continue
                raise
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            tab.wait_for_timeout(300)
            found.extend(f"{role} {route.path}: {problem}" for problem in violations(tab))
    assert found == []
