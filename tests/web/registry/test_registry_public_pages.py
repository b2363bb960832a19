"""The registry's public processes in a real browser: a Clearinghouse proposal (an error per bad field, the link to
change it, a moderator publishes it, the search finds it with its facets), a forum registration (kept per field,
changed by its link), the newsletter's sign-up and its confirmation, and a focal point's reply to a consultation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from bus.records import RegistryCommand
from config.settings import PROJECT_ROOT
from db.engine import transaction
from db.tables import OutboxMessage
from mail.tables import MailLedgerEntry
from registry import friends, handlers

SHOTS = PROJECT_ROOT / "docs" / "screenshots"


def _create(live_server, registry, entity_id, data):
    with transaction(live_server.sessions) as session:
        handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                        request_id=f"t-{entity_id}-{registry}", data=data))


def _apply_queued(live_server) -> list[RegistryCommand]:
    """Apply the registry commands the pages queued (what the relay and the registry worker do)."""
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


def _mail_to(live_server, email: str, purpose: str) -> str:
    with live_server.sessions() as session:
        row = session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.recipient == email,
                                                           MailLedgerEntry.purpose == purpose)).first()
    assert row is not None, f"no {purpose} email to {email}"
    return row.message["text"]


def test_a_visitor_proposes_a_good_practice_a_moderator_publishes_it_and_search_finds_it(page, page_as, live_server):
    """A proposal with a bad field shows that field's error and keeps the rest; once sent it can be changed by its
    link; the moderator publishes it and the search finds it in French, with its partner linked."""
    _create(live_server, "partners", "p-bridges", {"name": "Bridges Network", "kind": "civil_society",
                                                   "website": "https://bridges.example.org"})
    page.goto(live_server.url + "/clearinghouse/submit")
    page.get_by_label("Your name").fill("Nadia Benali")
    page.get_by_label("Your email").fill("nadia-at-example")
    page.get_by_label("Language of your text").select_option("fr")
    page.get_by_label("Title").fill("Cafés citoyens entre voisins de confessions différentes")
    page.get_by_label("Summary").fill("Des rencontres mensuelles où les habitants parlent de leurs traditions.")
    page.get_by_label("Field of action").select_option("migration")
    page.locator("#f-kind").select_option("good_practice")
    page.get_by_label("Region").fill("Europe")
    page.get_by_label("Year it started").fill("2025")
    page.get_by_label("Partner of the Alliance involved").select_option("p-bridges")
    page.get_by_label("I may publish this").check()
    page.get_by_role("button", name="Send my proposal").click()
    expect(page.get_by_role("alert").first).to_contain_text("1 answer needs fixing")
    expect(page.get_by_label("Title")).to_have_value("Cafés citoyens entre voisins de confessions différentes")
    page.get_by_label("Your email").fill("nadia@example.org")
    page.screenshot(path=str(SHOTS / "registry-clearinghouse-submit.png"), full_page=True)
    page.get_by_role("button", name="Send my proposal").click()
    expect(page.get_by_role("heading", name="Proposal received")).to_be_visible()
    link = page.get_by_role("link", name="Change my proposal").get_attribute("href")
    assert "/clearinghouse/submission/" in _mail_to(live_server, "nadia@example.org", "clearinghouse.submission")

    page.goto(link)
    page.get_by_label("Summary").fill("Des rencontres mensuelles où les habitants parlent de leurs fêtes.")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()

    officer = page_as("duty_officer")
    officer.goto(live_server.url + "/clearinghouse/moderation")
    expect(officer.get_by_text("leurs fêtes")).to_be_visible()
    officer.screenshot(path=str(SHOTS / "registry-clearinghouse-moderation.png"), full_page=True)
    officer.get_by_role("button", name=re.compile("^Publish Cafés citoyens")).click()
    expect(officer.get_by_text(re.compile("Published"))).to_be_visible()
    (command,) = _apply_queued(live_server)
    assert command.data["partners"] == ["p-bridges"]

    page.goto(live_server.url + "/clearinghouse?q=fête&lang=fr")
    expect(page.get_by_role("heading", name="1 resource found")).to_be_visible()
    expect(page.locator("#facet-region")).to_contain_text("Europe")
    page.screenshot(path=str(SHOTS / "registry-clearinghouse-search.png"), full_page=True)
    page.get_by_role("link", name="Cafés citoyens entre voisins de confessions différentes").click()
    expect(page.locator("#partners").get_by_role("link", name="Bridges Network")).to_have_attribute(
        "href", "https://bridges.example.org")
    page.goto(link)
    expect(page.get_by_text("can no longer be changed")).to_be_visible()


def test_a_visitor_registers_for_a_forum_and_changes_the_registration(page, page_as, live_server):
    """The forum page shows its agenda; a registration without consent is refused with that field's error and
    the typed name kept; then it is received, changed by its link, and listed for the Secretariat."""
    starts = (datetime.now(UTC) + timedelta(days=40)).date()
    _create(live_server, "events", "forum-web", {"name": "Youth Forum (test)", "kind": "youth_forum",
                                                 "starts_on": str(starts), "city": "Demo City"})
    officer = page_as("duty_officer")
    officer.goto(live_server.url + "/fora/manage/forum-web")
    officer.get_by_label("Starts (HH:MM)").fill("09:30")
    officer.locator("#f-title").fill("Opening: young voices")
    officer.get_by_role("button", name="Add the session").click()
    expect(officer.get_by_text("Added to the agenda.")).to_be_visible()

    page.goto(live_server.url + "/fora")
    page.get_by_role("link", name="Youth Forum (test)").click()
    expect(page.locator("#agenda")).to_contain_text("Opening: young voices")
    page.get_by_label("Your full name").fill("Ana Demo-Vidal")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("You come as").select_option("youth_delegate")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("alert").first).to_contain_text("1 answer needs fixing")
    expect(page.get_by_label("Your full name")).to_have_value("Ana Demo-Vidal")
    page.get_by_label("I agree that the Secretariat").check()
    page.screenshot(path=str(SHOTS / "registry-fora-register.png"), full_page=True)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
    link = page.get_by_role("link", name="Change my registration").get_attribute("href")
    assert "/fora/registration/" in _mail_to(live_server, "ana@example.org", "fora.registration")
    page.goto(link)
    page.get_by_label("You come as").select_option("speaker")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()

    officer.goto(live_server.url + "/fora/manage/forum-web")
    expect(officer.get_by_role("region", name="1 registrations")).to_contain_text("Speaker")


def test_a_visitor_subscribes_confirms_and_unsubscribes_with_one_click(page, live_server):
    """Sign-up asks to check the inbox; the emailed link confirms with a button; the unsubscribe link of an issue
    works with one click, including a mail client's POST without any session (RFC 8058)."""
    import httpx

    from registry import newsletter as nl

    page.goto(live_server.url + "/newsletter")
    page.get_by_label("Email").fill("reader@example.org")
    page.get_by_label("Language you prefer").select_option("fr")
    page.get_by_label("Send me the Alliance").check()
    page.screenshot(path=str(SHOTS / "registry-newsletter-signup.png"), full_page=True)
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    text = _mail_to(live_server, "reader@example.org", nl.CONFIRM_PURPOSE)
    confirm = re.search(r"http\S+/newsletter/confirm/\S+", text).group(0)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()
    with live_server.sessions() as session:
        assert nl.subscriber_counts(session)["confirmed"] == 1
        subscriber = session.scalars(select(nl.tp.SubscriberRow)).one()
    token = live_server.app.state.links.make_link(nl.UNSUBSCRIBE_LINK, subscriber.id, max_age=3600)
    r = httpx.post(f"{live_server.url}/newsletter/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"},
                   timeout=30)
    assert r.status_code == 200 and "You are unsubscribed" in r.text
    with live_server.sessions() as session:
        assert nl.subscriber_counts(session) == {"pending": 0, "confirmed": 0, "unsubscribed": 1}


def test_a_focal_point_replies_to_a_consultation_by_its_link(page, page_as, live_server):
    """The officer sends a consultation; the focal point's emailed link opens the reply form; the reply shows on
    the consultation's page."""
    _create(live_server, "friends", "f-web", {"name": "Demo Republic", "kind": "state"})
    with transaction(live_server.sessions) as session:
        friends.add_focal_point(session, "f-web", name="Lucía Demo", email="lucia.web@example.org")
    officer = page_as("duty_officer")
    officer.goto(live_server.url + "/friends")
    officer.locator("#f-title").fill("Priorities 2028 (test)")
    officer.get_by_label("Text the focal points are consulted on").fill("Do you support the priorities?")
    officer.get_by_role("button", name="Save the draft").click()
    officer.on("dialog", lambda dialog: dialog.accept())  # the "really send?" confirmation
    officer.get_by_role("button", name=re.compile("^Send to 1 focal point")).click()
    expect(officer.get_by_text(re.compile("Queued for 1 focal point"))).to_be_visible()
    consultation_url = officer.url
    text = _mail_to(live_server, "lucia.web@example.org", friends.PURPOSE)
    page.goto(re.search(r"http\S+/friends/reply/\S+", text).group(0))
    page.get_by_label("Your position").select_option("with_changes")
    page.get_by_label("Comments").fill("Yes, with a stronger youth chapter.")
    page.get_by_role("button", name="Send my reply").click()
    expect(page.get_by_text("your reply is saved")).to_be_visible()
    officer.goto(consultation_url)
    expect(officer.locator("#replies")).to_contain_text("with a stronger youth chapter")
