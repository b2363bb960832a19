"""The Youth Solidarity Fund in a real browser: the public application form (good submission, an error per bad
field with the rest kept, the edit link before the deadline and refused after) and the review panel's scoring
(a panellist who declared a conflict cannot score)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from config.settings import PROJECT_ROOT
from db.engine import transaction
from mail.tables import MailLedgerEntry
from registry import youthfund as ysf
from tests.web.conftest import ACCOUNTS

SHOTS = PROJECT_ROOT / "docs" / "screenshots"
PDF = b"%PDF-1.4\n% budget\n" + b"0" * 3000


def _call(live_server, deadline_in=timedelta(days=10)) -> str:
    """An open call (created as the console does)."""
    call_id = uuid.uuid4().hex[:10]
    with transaction(live_server.sessions) as session:
        ysf.create_call(session, call_id=call_id, title=f"Youth Solidarity Fund {call_id[:4]}",
                        summary="Grants for youth-led dialogue projects.",
                        deadline=datetime.now(UTC) + deadline_in, opens_at=datetime.now(UTC) - timedelta(hours=1))
    return call_id


def _fill_good(page, tmp_path, *, email="lina@example.org", budget=True) -> None:
    page.get_by_label("Your name").fill("Lina Haddad")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your age").fill("24")
    page.get_by_label("Youth organisation").fill("Bridges Youth Network")
    page.get_by_label("Country").fill("Jordan")
    page.get_by_label("Our organisation is led by young people").check()
    page.get_by_label("Project title").fill("Shared kitchens across Amman")
    page.get_by_label("What the project does").fill("Young cooks from four communities run shared kitchens.")
    page.get_by_label("Amount requested (USD)").fill("12000")
    page.get_by_label("Planned start").fill("2027-05-01")
    if budget:
        path = tmp_path / "budget.pdf"
        path.write_bytes(PDF)
        page.get_by_label("Budget").set_input_files(str(path))
    page.get_by_label("I agree that the Secretariat").check()


def test_a_young_applicant_applies_without_an_account_and_gets_an_edit_link(page, live_server, tmp_path):
    """A complete application is received and the page gives the link to edit it, also queued by email."""
    call_id = _call(live_server)
    page.goto(live_server.url + "/youth-fund")
    page.get_by_role("link", name=re.compile("Youth Solidarity Fund")).first.click()
    page.goto(live_server.url + f"/youth-fund/{call_id}/apply")
    _fill_good(page, tmp_path)
    page.screenshot(path=str(SHOTS / "registry-ysf-apply.png"), full_page=True)
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", name="Application received")).to_be_visible()
    link = page.get_by_role("link", name="Edit my application").get_attribute("href")
    assert "/youth-fund/edit/" in link
    with live_server.sessions() as session:
        sent = session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == "ysf.application_received",
                                                             MailLedgerEntry.recipient == "lina@example.org")).all()
    assert len(sent) >= 1 and any(link in row.message["text"] for row in sent)

    page.goto(live_server.url + f"/youth-fund/{call_id}/apply")
    _fill_good(page, tmp_path, email="Lina@Example.org")
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator("#e-email")).to_contain_text("We have emailed its edit link to this address again")
    with live_server.sessions() as session:
        assert len(ysf.applications(session, call_id)) == 1
        again = session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.attempt_key.like("%:again:%"),
                                                              MailLedgerEntry.recipient == "lina@example.org")).all()
    assert len(again) == 1 and "already exists" in again[0].message["text"]


def test_a_file_too_big_to_send_is_refused_before_the_post_and_nothing_is_lost(page, live_server, tmp_path):
    """A 3 MB budget is stopped in the page with its reason; the form stays as typed and nothing was posted."""
    call_id = _call(live_server)
    page.goto(live_server.url + f"/youth-fund/{call_id}/apply")
    _fill_good(page, tmp_path, budget=False)
    big = tmp_path / "budget-scanned.pdf"
    big.write_bytes(PDF + b"0" * 3_000_000)
    page.get_by_label("Budget").set_input_files(str(big))
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("alert").filter(has_text="“budget-scanned.pdf” is 3.0 MB; the limit is 1.0 MB."
                                            )).to_be_visible()
    assert page.url.endswith(f"/youth-fund/{call_id}/apply")
    expect(page.get_by_label("Project title")).to_have_value("Shared kitchens across Amman")
    with live_server.sessions() as session:
        assert not ysf.applications(session, call_id)


def test_every_bad_field_gets_its_error_and_nothing_typed_or_attached_is_lost(page, live_server, tmp_path):
    """Empty or wrong answers each get a sentence; typed text and the uploaded budget stay for the corrected post."""
    call_id = _call(live_server)
    page.goto(live_server.url + f"/youth-fund/{call_id}/apply")
    page.get_by_role("button", name="Send my application").click()
    for field, text in (("applicant_name", "Your name is required."), ("email", "Email is required."),
                        ("age", "Your age is required."), ("project_title", "Project title is required."),
                        ("budget", "attach a file"), ("start_date", "Planned start is required."),
                        ("amount", "Amount requested (USD) is required."), ("country", "Country is required.")):
        expect(page.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#e-{field}")).to_contain_text(text)
    expect(page.get_by_text("Tick “I agree that the Secretariat").first).to_be_visible()

    _fill_good(page, tmp_path, email="lina-at-example")
    page.get_by_label("Your age").fill("twenty")
    page.get_by_label("Amount requested (USD)").fill("50")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("alert").filter(has_text="3 answers need fixing")).to_be_visible()
    expect(page.get_by_text("Enter an email address like name@example.org.").first).to_be_visible()
    expect(page.get_by_text("Your age: enter a number, e.g. 4500.").first).to_be_visible()
    expect(page.get_by_text("Amount requested (USD) must be at least 500.").first).to_be_visible()
    expect(page.get_by_label("Project title")).to_have_value("Shared kitchens across Amman")
    expect(page.get_by_label("Email")).to_have_value("lina-at-example")
    expect(page.get_by_text("Kept: budget.pdf")).to_be_visible()
    page.screenshot(path=str(SHOTS / "registry-ysf-errors.png"), full_page=True)

    wrong = tmp_path / "budget-really-a-program.pdf"
    wrong.write_bytes(b"MZ\x90\x00 not a pdf")
    page.get_by_label("Budget").set_input_files(str(wrong))
    page.get_by_role("button", name="Send my application").click()
    kept = "is not a PDF file. The file you sent before, “budget.pdf”, is kept."
    expect(page.get_by_text(kept).first).to_be_visible()

    page.get_by_label("Email").fill("lina@example.org")
    page.get_by_label("Your age").fill("24")
    page.get_by_label("Amount requested (USD)").fill("12000")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", name="Application received")).to_be_visible()


def test_the_link_edits_before_the_deadline_and_is_refused_after(page, page_as, live_server, tmp_path):
    """The applicant changes the title with the link; once the deadline has passed the same link is refused."""
    call_id = _call(live_server)
    page.goto(live_server.url + f"/youth-fund/{call_id}/apply")
    _fill_good(page, tmp_path)
    page.get_by_role("button", name="Send my application").click()
    link = page.get_by_role("link", name="Edit my application").get_attribute("href")

    page.goto(link)
    expect(page.get_by_label("Project title")).to_have_value("Shared kitchens across Amman")
    expect(page.get_by_text("Kept: budget.pdf")).to_be_visible()
    page.get_by_label("Project title").fill("Shared kitchens in Amman and Zarqa")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_role("status").filter(has_text="Your changes are saved.")).to_be_visible()

    officer = page_as("duty_officer")
    officer.goto(live_server.url + f"/ysf/calls/{call_id}")
    expect(officer.get_by_role("link", name="Shared kitchens in Amman and Zarqa")).to_be_visible()

    with transaction(live_server.sessions) as session:
        ysf.set_deadline(session, call_id, datetime.now(UTC) - timedelta(minutes=1), actor="test")
    response = page.goto(link)
    assert response.status == 410
    expect(page.get_by_text(re.compile("has passed: this submission can no longer be changed"))).to_be_visible()
    page.goto(live_server.url + f"/youth-fund/{call_id}/apply")
    expect(page.get_by_role("alert").filter(has_text="This call is closed")).to_be_visible()


def test_a_panellist_with_a_conflict_cannot_score_while_another_scores(page, page_as, live_server, tmp_path):
    """The officer declares a conflict and loses the score form; the admin scores and the total is shown."""
    call_id = _call(live_server)
    page.goto(live_server.url + f"/youth-fund/{call_id}/apply")
    _fill_good(page, tmp_path)
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", name="Application received")).to_be_visible()
    with transaction(live_server.sessions) as session:
        ysf.add_panellist(session, call_id, ACCOUNTS["duty_officer"][0], "Officer")
        ysf.add_panellist(session, call_id, ACCOUNTS["admin"][0], "Admin")
        ysf.set_deadline(session, call_id, datetime.now(UTC) - timedelta(minutes=1))

    officer = page_as("duty_officer")
    officer.goto(live_server.url + f"/ysf/calls/{call_id}")
    officer.get_by_role("link", name="Shared kitchens across Amman").click()
    officer.get_by_role("button", name="Record eligibility").click()
    expect(officer.get_by_text("Eligible, in review")).to_be_visible()
    officer.get_by_label("What the conflict is").fill("I volunteered with Bridges Youth last year.")
    officer.get_by_role("button", name="Declare a conflict of interest").click()
    expect(officer.get_by_text("You declared a conflict of interest with this application: you cannot score it."
                               )).to_be_visible()
    expect(officer.get_by_role("button", name="Save my scores")).to_have_count(0)
    officer.screenshot(path=str(SHOTS / "registry-ysf-conflict.png"), full_page=True)
    with officer.expect_download() as download:
        officer.get_by_role("link", name="budget.pdf").click()
    assert download.value.suggested_filename == "budget.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    admin = page_as("admin")
    admin.goto(officer.url)
    for label, value in (("Relevance", "5"), ("Feasibility", "4"), ("Led by and for", "5"), ("Reach", "3")):
        admin.get_by_label(re.compile("^" + label)).select_option(value)
    admin.get_by_label("Comment").fill("Strong local partners.")
    admin.get_by_role("button", name="Save my scores").click()
    expect(admin.get_by_role("status").filter(has_text="Your scores are saved.")).to_be_visible()
    scores = admin.get_by_role("table", name=re.compile("Scores"))
    expect(scores.get_by_role("row", name=re.compile(ACCOUNTS["admin"][0]))).to_contain_text("84.0")
    expect(scores).not_to_contain_text(ACCOUNTS["duty_officer"][0])
    admin.screenshot(path=str(SHOTS / "registry-ysf-panel.png"), full_page=True)
