"""The public processes' pages pass axe-core's WCAG 2 A/AA checks, with a year of demo activity in them; the
review and donors' pages are photographed for docs/registry.md."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bus.records import RegistryCommand
from config.settings import PROJECT_ROOT
from db.engine import transaction
from registry import handlers
from registry import tables_public as tp
from registry.demo import demo_entries
from registry.demo_public import seed_public
from tests.web.test_web_a11y import violations

SHOTS = PROJECT_ROOT / "docs" / "screenshots"


def test_public_process_pages_have_no_accessibility_violations(page, page_as, live_server):
    """Fora, Clearinghouse (search with facets, proposal, moderation), newsletter, Group of Friends, review and
    donors' pages have no WCAG 2 A/AA violation axe can find."""
    for registry, entity_id, data in demo_entries(datetime.now(UTC).year):
        with transaction(live_server.sessions) as session:
            handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                            request_id=f"a11y-{entity_id}", data=data))
    seed_public(live_server.sessions, live_server.app.state.links)
    with live_server.sessions() as session:
        consultation = session.scalars(select(tp.ConsultationRow.id)).first()
        issue = session.scalars(select(tp.NewsletterIssueRow.id)).first()
    found = {}
    public = ["/fora", "/fora/demo-forum-regional", "/fora/demo-forum-next", "/clearinghouse?q=école&lang=fr",
              "/clearinghouse?region=Europe", "/clearinghouse/demo-pub-ar?lang=ar", "/clearinghouse/submit",
              "/newsletter"]
    console = ["/fora/manage", "/fora/manage/demo-forum-regional", "/clearinghouse/moderation", "/friends",
               f"/friends/consultations/{consultation}", "/newsletter/issues", f"/newsletter/issues/{issue}",
               "/review", "/donors"]
    officer = page_as("duty_officer")
    for tab, paths in ((page, public), (officer, console)):
        for path in paths:
            tab.goto(live_server.url + path)
            problems = violations(tab)
            if problems:
                found[path] = problems
    officer.goto(live_server.url + "/review")
    officer.screenshot(path=str(SHOTS / "registry-review.png"), full_page=True)
    officer.goto(live_server.url + "/fora/demo-forum-regional")
    officer.screenshot(path=str(SHOTS / "registry-fora-forum.png"), full_page=True)
    officer.goto(live_server.url + f"/friends/consultations/{consultation}")
    officer.screenshot(path=str(SHOTS / "registry-friends-consultation.png"), full_page=True)
    donor = page_as("donor")
    donor.goto(live_server.url + "/donors")
    donor.screenshot(path=str(SHOTS / "registry-donors.png"), full_page=True)
    donor.goto(live_server.url + "/registry")
    assert "This page is for the Secretariat" in donor.content()
    donor.goto(live_server.url + "/")  # the header's "Start" link: a donor's start is the donors' page
    assert donor.url.endswith("/donors")
    assert found == {}
