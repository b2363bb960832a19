"""Ambassadors and the Voluntary Trust Fund in a real browser, on the demo's year: a personality taken from the list
to appointment and an activity logged; a donor's printable statement; a Board meeting recorded."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import expect

from bus.records import RegistryCommand
from config.settings import PROJECT_ROOT
from db.engine import transaction
from registry import handlers
from registry.demo import demo_entries
from registry.demo_programmes import seed_programmes

SHOTS = PROJECT_ROOT / "docs" / "screenshots"


def _seed(live_server) -> None:
    """The registry demo entries and the programmes' year (once per server)."""
    if getattr(live_server, "programmes_seeded", False):
        return
    live_server.programmes_seeded = True
    for registry, entity_id, data in demo_entries(datetime.now(UTC).year):
        with transaction(live_server.sessions) as session:
            handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                            request_id=f"demo-{entity_id}", data=data))
    seed_programmes(live_server.sessions)


def test_a_personality_is_nominated_shortlisted_proposed_and_appointed(page_as, live_server):
    """Each step is a button or a short form; the timeline tells the story and activities can then be logged."""
    _seed(live_server)
    page = page_as("duty_officer")
    page.goto(live_server.url + "/ambassadors")
    expect(page.get_by_text(re.compile("Renewal decisions due: Jonas Demo-Berg"))).to_be_visible()
    page.screenshot(path=str(SHOTS / "registry-ambassadors.png"), full_page=True)
    page.get_by_label("Name (if not a member)").fill("Noor Demo-Khalil")
    page.get_by_label("Country").fill("Iraq")
    page.get_by_role("button", name="Add to the list").click()
    expect(page.get_by_role("heading", name="Noor Demo-Khalil")).to_be_visible()

    page.get_by_label("Why this personality").fill("Poet read by young people on both sides of the river.")
    page.get_by_role("button", name="Nominate").click()
    page.get_by_role("button", name="Shortlist").click()
    page.get_by_role("button", name="Record the proposal").click()
    start = date.today()
    page.get_by_label("Term starts").fill(start.isoformat())
    page.get_by_label("Term ends").fill((start + timedelta(days=730)).isoformat())
    page.get_by_role("button", name="Record the appointment").click()
    expect(page.get_by_text("Ambassadors", exact=True).last).to_be_visible()
    page.locator("#f-title").fill("Reading at the Youth Forum")
    page.get_by_label("Kind").select_option("forum")
    page.get_by_role("button", name="Log the activity").click()
    expect(page.get_by_role("table", name=re.compile("Activity log"))).to_contain_text("Reading at the Youth Forum")
    timeline = page.locator("ol.timeline")
    for text in ("Nominated: Poet", "Shortlisted.", "Proposed to the Secretary-General", "Appointed by the Secretary"):
        expect(timeline).to_contain_text(text)
    page.screenshot(path=str(SHOTS / "registry-ambassador.png"), full_page=True)

    page.goto(live_server.url + "/ambassadors")
    expect(page.get_by_role("row", name=re.compile("Ambassadors")).first).to_contain_text("Noor Demo-Khalil")


def test_a_bad_step_is_refused_with_a_sentence(page_as, live_server):
    """A term that ends before it starts is refused on the page, and nothing changes."""
    _seed(live_server)
    page = page_as("admin")
    page.goto(live_server.url + "/ambassadors")
    page.get_by_role("link", name="Farid Demo-Saleh").click()
    page.get_by_label("Term starts").fill("2027-05-01")
    page.get_by_label("Term ends").fill("2027-04-01")
    page.get_by_role("button", name="Record the appointment").click()
    expect(page.get_by_role("alert")).to_contain_text("The term must end after it starts.")
    expect(page.get_by_text("Proposed to the Secretary-General").first).to_be_visible()


def test_a_donor_statement_adds_up_and_the_board_records_a_meeting(page_as, live_server):
    """The statement shows pledged, received and outstanding per year; a meeting is recorded with a decision."""
    _seed(live_server)
    page = page_as("duty_officer")
    page.goto(live_server.url + "/vtf")
    page.screenshot(path=str(SHOTS / "registry-trustfund.png"), full_page=True)
    page.get_by_role("link", name="Statement of Demo Kingdom of Lumeria").click()
    expect(page.get_by_role("heading", name="Statement of contributions: Demo Kingdom of Lumeria")).to_be_visible()
    by_year = page.get_by_role("table", name=re.compile("Pledged and received by year"))
    expect(by_year.locator("tbody tr").first).to_contain_text("250,000.00")
    expect(by_year.locator("tbody tr").first).to_contain_text("180,000.00")
    expect(by_year.locator("tbody tr").first).to_contain_text("partly received")
    page.emulate_media(media="print")
    page.screenshot(path=str(SHOTS / "registry-trustfund-statement.png"), full_page=True)  # as printed
    page.emulate_media(media="screen")

    page.goto(live_server.url + "/vtf/board")
    page.get_by_label("Place").fill("Lisbon")
    page.get_by_label("Amal Demo-Rahimi").check()
    page.get_by_label("Carmen Demo-Vidal").check()
    page.get_by_label("Decision 1").fill("Fund the Youth Forum's travel grants")
    page.get_by_label("Amount (if any)").first.fill("40000")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_role("status").filter(has_text="Meeting recorded.")).to_be_visible()
    card = page.locator("section.card").filter(has_text="Lisbon")
    expect(card).to_contain_text("Amal Demo-Rahimi, Carmen Demo-Vidal")
    expect(card).to_contain_text("Fund the Youth Forum's travel grants (40,000.00)")
    page.screenshot(path=str(SHOTS / "registry-trustfund-board.png"), full_page=True)
