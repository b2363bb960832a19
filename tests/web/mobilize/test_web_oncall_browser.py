"""Duty officers on call in a real browser: the alert badge, acknowledging a flagged story, previewing the members
and pairs of each piece, mobilizing two pieces (a pair and a solo), dismissing another story as a false alarm (kept
as a labeled example by detect/), and the rota. Screenshots go to docs/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.records import ArticleIngested, StoryFlagged
from config.settings import PROJECT_ROOT
from db.engine import transaction
from db.tables import OutboxMessage
from detect import queries as detect_queries
from detect.handlers import handle_scored, score_ingested, tracker_for
from mail.tables import MailLedgerEntry
from mobilize import handlers as h
from mobilize import oncall
from mobilize import queries as q
from mobilize.network import import_csv
from tests.web.conftest import ACCOUNTS
from tests.web.mobilize.seeding import NETWORK, deps_for

pytestmark = pytest.mark.browser
SHOTS = PROJECT_ROOT / "docs" / "screenshots"
NOW = datetime.now(UTC).replace(microsecond=0)
ARTICLES = [  # (id, title, source, country, lang, minutes ago)
    ("sthlm-1", "Quran burned at Stockholm protest outside Turkish embassy", "The Local", "SE", "en", 25),
    ("sthlm-2", "Quran burned at Stockholm protest, Turkey summons envoy", "AP", "US", "en", 20),
    ("lyon-1", "Gunman opens fire at Lyon synagogue during prayers", "Reuters", "GB", "en", 50),
    ("lyon-2", "Lyon : un tireur ouvre le feu dans une synagogue pendant la prière", "Le Monde", "FR", "fr", 40),
]


def _flagged(session, story_id: str) -> StoryFlagged:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "stories.flagged")).all()
    return next(r for r in (StoryFlagged.from_json(row.payload) for row in rows) if r.story_id == story_id)


@pytest.fixture(scope="module")
def stories(live_server) -> dict[str, str]:
    """The network, a rota (the officer at level 1, the admin at level 2) and two stories flagged by detect's own
    handlers, which mobilize receives: with nobody starting by themselves, each raises an alert."""
    deps = deps_for(live_server)
    with transaction(live_server.sessions) as session:
        import_csv(session, deps, NETWORK)
        for role, level in (("duty_officer", 1), ("admin", 2)):
            oncall.save_shift(session, officer_email=ACCOUNTS[role][0], officer_name=role.replace("_", " ").title(),
                              level=level, starts_at=NOW - timedelta(hours=2), ends_at=NOW + timedelta(hours=10),
                              note_text="test shift", now=NOW)
    tracker = tracker_for(360, 2)
    ids = {}
    for article_id, title, source, country, lang, minutes in ARTICLES:
        record = score_ingested(ArticleIngested(
            article_id=article_id, title=title, summary="", lang=lang, source=source, outlet=source, country=country,
            url=f"https://news.example.org/{article_id}", published=NOW - timedelta(minutes=minutes)))
        assert record.polarizing, title
        with transaction(live_server.sessions) as session:
            ids[article_id.split("-")[0]] = handle_scored(session, tracker, record).story.story_id
    with transaction(live_server.sessions) as session:
        for key in ("sthlm", "lyon"):
            assert h.handle_story_flagged(session, deps, _flagged(session, ids[key])) is None
    return ids


def test_officer_sees_the_alert_acknowledges_previews_and_mobilizes_two_pieces(page_as, live_server, stories):
    """The header badge counts 2 alerts; the officer opens Stockholm, sees its sources, acknowledges, previews a
    pair and a solo piece with the members proposed and why, and mobilizes: three members paged, one per seat."""
    with live_server.sessions() as session:
        mails = session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == "mobilize.alert")).all()
    assert {m.recipient for m in mails} == {ACCOUNTS["duty_officer"][0]}  # level 1 only, one email per story
    page = page_as("duty_officer")
    badge = page.get_by_role("link", name="2 open alerts")
    assert badge.is_visible()
    badge.click()
    page.get_by_role("link", name="Quran burned at Stockholm protest outside Turkish embassy").click()
    evidence = page.locator("section", has=page.get_by_role("heading", name="The evidence"))
    assert "Sources now (2)" in evidence.inner_text() and "The Local" in evidence.inner_text()
    assert "['" not in evidence.inner_text()  # a list, not a Python list
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "officer-alert.png"), full_page=True)

    page.get_by_role("button", name="Acknowledge").click()
    assert "Acknowledged: nobody else is alerted" in page.content()
    page.get_by_label("Co-authored pairs").fill("1")
    page.get_by_label("Solo pieces").fill("1")
    page.get_by_role("button", name="Preview members").click()
    pieces = page.locator("ol.pieces").inner_text()
    assert "Piece 1: co-authored pair" in pieces and "Piece 2: solo" in pieces
    assert "Johan Eriksson" in pieces and "Mehmet Yilmaz" in pieces and "Paired across communities" in pieces
    assert "topics: protest, quran" in pieces  # why each was chosen
    with live_server.sessions() as session:
        assert q.mobilizations(session) == []  # nobody paged before the officer says so
    page.screenshot(path=str(SHOTS / "officer-pieces-preview.png"), full_page=True)

    page.get_by_role("button", name="Mobilize 2 pieces: page these members").click()
    assert page.get_by_role("heading", name="Quran burned at Stockholm protest outside Turkish embassy").is_visible()
    table = page.get_by_role("table", name="Pieces commissioned").inner_text()
    assert "Piece 1: co-authored pair" in table and "Piece 2: solo" in table and "Paging members" in table
    with live_server.sessions() as session:
        mob = q.mobilization_for_story(session, stories["sthlm"])
        seats = {}
        for invitation, member in q.invitations(session, mob.id):
            seats.setdefault(invitation.piece_id, []).append(member.name)
    assert sorted(len(v) for v in seats.values()) == [1, 2]
    assert sorted(seats[f"{mob.id}-1"]) == ["Johan Eriksson", "Mehmet Yilmaz"]
    assert page.get_by_role("link", name="1 open alert").is_visible()


def test_another_officer_dismisses_a_false_alarm_and_detect_keeps_the_label(page_as, live_server, stories):
    """The admin acknowledges Lyon and dismisses it as a false alarm: the alert closes, nobody is paged, and detect's
    labeled examples hold its articles as ordinary (false alarm)."""
    page = page_as("admin")
    page.goto(live_server.url + "/oncall/alerts")
    page.get_by_role("link", name="Gunman opens fire at Lyon synagogue during prayers").click()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_label("False alarm: not a polarizing event").check()
    page.get_by_role("button", name="Dismiss").click()
    assert "Dismissed (false alarm" in page.content()
    row = page.get_by_role("row", name="Gunman opens fire at Lyon synagogue during prayers")
    assert "dismissed" in row.inner_text() and "False alarm" in row.inner_text()
    with live_server.sessions() as session:
        assert q.mobilization_for_story(session, stories["lyon"]) is None
        examples = [e for e in detect_queries.labeled_examples(session) if "Lyon" in e["title"]]
    assert len(examples) == 2 and {e["label"] for e in examples} == {"ordinary"}
    assert {e["category"] for e in examples} == {"ord_false_alarm"}


def test_the_rota_shows_the_week_and_an_officer_adds_a_shift(page_as, live_server, stories):
    """The rota lists who is on call now and the week's shifts; a shift ending before it starts is refused with
    the reason, a good one appears."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/oncall")
    assert "Level 1: Duty Officer" in page.locator("section", has=page.get_by_role(
        "heading", name="On call now")).inner_text()
    day = NOW.strftime("%Y-%m-%d")
    page.get_by_label("Officer").select_option(ACCOUNTS["admin"][0])
    page.get_by_label("From (UTC)").fill(f"{day}T20:00")
    page.get_by_label("To (UTC)").fill(f"{day}T08:00")
    page.get_by_role("button", name="Add shift").click()
    assert "The shift was not saved: A shift ends after it starts." in page.content()
    page.get_by_label("Officer").select_option(ACCOUNTS["admin"][0])
    page.get_by_label("Level (1 is alerted first)").select_option("2")
    page.get_by_label("From (UTC)").fill(f"{day}T20:00")
    page.get_by_label("To (UTC)").fill(f"{(NOW + timedelta(days=1)).strftime('%Y-%m-%d')}T06:00")
    page.get_by_label("Note").fill("night cover")
    page.get_by_role("button", name="Add shift").click()
    assert "Shift saved." in page.content() and "night cover" in page.content()
    page.screenshot(path=str(SHOTS / "oncall-rota.png"), full_page=True)
