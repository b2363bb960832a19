"""registry/'s pages pass axe-core's WCAG 2 A/AA checks: the public Clearinghouse and the console's registry pages."""

from __future__ import annotations

from datetime import UTC, datetime

from bus.records import RegistryCommand
from db.engine import transaction
from registry import handlers
from registry.demo import demo_entries
from tests.web.test_web_a11y import violations

YEAR = datetime.now(UTC).year


def test_registry_pages_have_no_accessibility_violations(page, page_as, live_server):
    """Public Clearinghouse pages and every registry page have no WCAG 2 A/AA violation axe can find."""
    for registry, entity_id, data in demo_entries(YEAR):
        with transaction(live_server.sessions) as session:
            handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                            request_id=f"a11y-{entity_id}", data=data))
    found = {}
    public = ["/clearinghouse", "/clearinghouse?q=media&lang=fr", "/clearinghouse/demo-res-2?lang=ar"]
    console = ["/registry", f"/registry/report?year={YEAR}", "/registry/projects", "/registry/clearinghouse",
               "/registry/funds", "/registry/projects/demo-project-1", "/registry/clearinghouse/demo-res-1"]
    officer = page_as("duty_officer")
    for tab, paths in ((page, public), (officer, console)):
        for path in paths:
            tab.goto(live_server.url + path)
            problems = violations(tab)
            if problems:
                found[path] = problems
    assert found == {}
