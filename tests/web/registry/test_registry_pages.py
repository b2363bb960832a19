"""registry/ pages in a real browser: the public Clearinghouse search, console edits that queue registry commands,
the CSV upload's bad-row report, and the yearly report with its PDF."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from bus.records import RegistryCommand
from db.engine import transaction
from db.tables import OutboxMessage
from registry import handlers, queries
from registry.demo import demo_entries

YEAR = datetime.now(UTC).year


def _seed(live_server) -> None:
    """The demo entries, applied as the registry worker would."""
    for registry, entity_id, data in demo_entries(YEAR):
        command = RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                  request_id=f"test-{entity_id}", data=data)
        with transaction(live_server.sessions) as session:
            handlers.apply_command(session, command)


def _apply_queued(live_server) -> list[RegistryCommand]:
    """Apply the commands the pages queued in the outbox (what the relay and the registry worker do)."""
    with live_server.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "registry.commands",
                                                           OutboxMessage.published_at.is_(None))).all()
        commands = [RegistryCommand.from_json(r.payload) for r in rows]
        for r in rows:
            r.published_at = datetime.now(UTC)
        session.commit()
    for command in commands:
        with transaction(live_server.sessions) as session:
            handlers.apply_command(session, command)
    return commands


def test_anyone_searches_the_clearinghouse_by_words_theme_and_language(page, live_server):
    """Without signing in, a visitor finds a good practice by words (accents optional), theme and language."""
    _seed(live_server)
    page.goto(live_server.url + "/clearinghouse")
    expect(page.get_by_role("heading", name="Clearinghouse of good practices")).to_be_visible()
    page.get_by_label("Words").fill("stereotypes")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 resource found")).to_be_visible()
    expect(page.get_by_role("link", name="Ateliers d'éducation aux médias pour les lycées")).to_be_visible()

    page.get_by_label("Words").fill("")
    page.get_by_label("Theme").select_option("migration")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Search").click()
    link = page.get_by_role("link", name="مرشدون لاستقبال الأسر الوافدة حديثا")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("مرشدون لاستقبال الأسر الوافدة حديثا")
    expect(page.get_by_text("Welcome mentors for newly arrived families")).to_be_visible()
    expect(page.locator("article[lang=ar]")).to_have_attribute("dir", "rtl")
    partner = page.get_by_role("link", name="Demo Foundation for Dialogue")
    expect(partner).to_have_attribute("href", "https://dialogue.demo.example.org")

    page.get_by_role("link", name="Clearinghouse").first.click()
    page.get_by_label("Subject").select_option("religion_curricula")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Teaching about religions: a consensus curriculum guide")).to_be_visible()
    expect(page.get_by_role("heading", name="1 resource found")).to_be_visible()


def test_an_officer_adds_a_project_through_a_registry_command(page_as, live_server):
    """The officer's form queues a create command; once applied, the project shows with its role and checklist."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/registry/projects")
    page.get_by_label("Title").fill("Regional Youth Employment Centre")
    page.get_by_label("Category").select_option("collaborative_pilot")
    page.get_by_label("Theme").select_option("youth")
    page.get_by_label("Role").select_option("catalyst")
    page.get_by_label("Feasibility").check()
    page.get_by_label("Partners", exact=True).fill("Demo Youth Network\nDemo Foundation for Dialogue")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text(re.compile("appears here as soon as the registry worker has applied it"))).to_be_visible()
    (command,) = _apply_queued(live_server)
    assert (command.action, command.actor) == ("create", "officer@test.rrm")
    assert command.data["partners"] == ["Demo Youth Network", "Demo Foundation for Dialogue"]
    page.reload()
    page.get_by_role("link", name="Regional Youth Employment Centre").click()
    expect(page.get_by_label("Feasibility")).to_be_checked()
    expect(page.get_by_label("Role")).to_have_value("catalyst")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text(re.compile("Change sent"))).to_be_visible()
    (update,) = _apply_queued(live_server)
    assert update.action == "update" and update.data["status"] == "active"


def test_an_invalid_form_is_shown_again_with_the_reason(page_as, live_server):
    """A fund entry with a negative amount is refused on the page, with the field named, and nothing is queued."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/registry/funds")
    page.get_by_label("Fund", exact=True).select_option("youth_solidarity_fund")
    page.get_by_label("Kind", exact=True).select_option("grant")
    page.get_by_label("Donor or applicant").fill("Demo Youth Club")
    page.get_by_label("Amount").fill("-100")
    page.get_by_label("Currency").fill("usd")
    page.get_by_role("textbox", name="Date").fill(f"{YEAR}-05-01")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("amount: Input should be greater than 0")
    expect(page.get_by_label("Donor or applicant")).to_have_value("Demo Youth Club")
    assert _apply_queued(live_server) == []


def test_the_funds_page_shows_totals_per_year(page_as, live_server):
    """The funds registry sums contributions, pledges, applications and grants per year and currency."""
    _seed(live_server)
    page = page_as("operator")
    page.goto(live_server.url + "/registry/funds")
    totals = page.get_by_role("table", name=re.compile("Totals per year"))
    expect(totals.locator("tbody tr").filter(has_text="voluntary trust fund").filter(has_text="contributions")
           ).to_contain_text("250,000.00")
    expect(totals.locator("tbody tr")).to_have_count(4)


def test_a_csv_upload_lists_every_bad_row(page_as, live_server, tmp_path):
    """Uploading a CSV sends the good rows and lists each bad one with its row, field and reason."""
    csv = tmp_path / "friends.csv"
    csv.write_text("name,kind,focal_point_email\nMorocco,state,focal@demo.example.org\nAtlantis,island,\n"
                   "UNDP,un_agency,not-an-address\n", encoding="utf-8")
    page = page_as("admin")
    page.goto(live_server.url + "/registry/friends")
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(csv))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("3 rows read, 1 accepted (1 new, 0 updates), 2 bad")
    rows = page.get_by_role("table", name=re.compile("Rows not imported")).locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("3")
    expect(rows.nth(0)).to_contain_text("kind")
    expect(rows.nth(1)).to_contain_text("focal_point_email")
    (command,) = _apply_queued(live_server)
    assert command.data["name"] == "Morocco"


def test_the_yearly_report_page_shows_the_figures_and_gives_a_pdf(page_as, live_server):
    """An operator reads the year's figures and downloads the PDF."""
    _seed(live_server)
    page = page_as("operator")
    page.goto(live_server.url + f"/registry/report?year={YEAR}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(YEAR))
    funds = page.get_by_role("table", name=f"Funds of {YEAR}")
    expect(funds).to_contain_text("250,000.00")
    response = page.request.get(live_server.url + f"/registry/report/{YEAR}.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    expect(page.get_by_role("button", name="Add")).to_have_count(0)


def test_an_officer_adds_a_clearinghouse_resource_in_arabic_only(page_as, live_server):
    """A resource written only in Arabic is accepted from the form and becomes searchable in Arabic."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/registry/clearinghouse")
    page.get_by_label("Theme").select_option("youth")
    page.get_by_label("Cross-cultural and inter-faith dialogue and cooperation").check()
    page.get_by_label("Title (ar)").fill("حوار الشباب بين الثقافات")
    page.get_by_label("Summary (ar)").fill("لقاءات شهرية بين طلاب من خلفيات مختلفة.")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text(re.compile("appears here as soon as"))).to_be_visible()
    (command,) = _apply_queued(live_server)
    assert command.entity_id.startswith("clearinghouse-")
    assert command.data["subjects"] == ["dialogue"] and list(command.data["texts"]) == ["ar"]
    page.goto(live_server.url + "/clearinghouse?q=" + "الشباب")
    expect(page.get_by_role("link", name="حوار الشباب بين الثقافات")).to_be_visible()


def test_saving_an_unchanged_entry_changes_nothing_in_every_registry(page_as, live_server):
    """Each registry's edit form shows the entry as stored: saving it untouched applies as no change at all."""
    _seed(live_server)
    page = page_as("admin")
    seen = set()
    for registry, entity_id, _data in demo_entries(YEAR):
        if registry in seen:
            continue
        seen.add(registry)
        with live_server.sessions() as session:
            before = queries.entry(session, registry, entity_id)
        page.goto(live_server.url + f"/registry/{registry}/{entity_id}")
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_text(re.compile("Change sent"))).to_be_visible()
        (command,) = _apply_queued(live_server)
        with live_server.sessions() as session:
            after = queries.entry(session, registry, entity_id)
        assert (after["version"], after["data"]) == (before["version"], before["data"]), command.data
    assert len(seen) == 7
