"""The programmes' pages pass axe-core's WCAG 2 A/AA checks, on the demo's year: the public application form (empty
and with errors), and the console's Ambassadors, Youth Fund and Trust Fund pages."""

from __future__ import annotations

from datetime import UTC, datetime

from bus.records import RegistryCommand
from db.engine import transaction
from registry import ambassadors as amb
from registry import handlers
from registry import trustfund as vtf
from registry import youthfund as ysf
from registry.demo import demo_entries
from registry.demo_programmes import seed_programmes
from tests.web.test_web_a11y import violations


def test_programme_pages_have_no_accessibility_violations(page, page_as, live_server):
    """Every programme page, public or console, with data in it, has no WCAG 2 A/AA violation axe can find."""
    now = datetime.now(UTC)
    for registry, entity_id, data in demo_entries(now.year):
        with transaction(live_server.sessions) as session:
            handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                            request_id=f"a11y-p-{entity_id}", data=data))
    seed_programmes(live_server.sessions)
    with live_server.sessions() as session:
        closed = f"demo-ysf-{now.year - 1}"
        app_id = ysf.applications(session, closed)[0].app.id
        person = amb.pipeline(session)["appointed"][0].id
        donor = vtf.donors(session)[0].donor.id
    public = ["/youth-fund", f"/youth-fund/demo-ysf-{now.year}/apply", f"/youth-fund/{closed}/apply"]
    console = ["/ysf", f"/ysf/calls/{closed}", f"/ysf/applications/{app_id}", "/ambassadors",
               f"/ambassadors/{person}", "/vtf", "/vtf/board", f"/vtf/donors/{donor}/statement"]
    found = {}
    for path in public:
        page.goto(live_server.url + path)
        found[path] = violations(page)
    page.goto(live_server.url + f"/youth-fund/demo-ysf-{now.year}/apply")
    page.get_by_role("button", name="Send my application").click()
    found["apply with errors"] = violations(page)
    officer = page_as("admin")
    for path in console:
        officer.goto(live_server.url + path)
        found[path] = violations(officer)
    assert {k: v for k, v in found.items() if v} == {}
