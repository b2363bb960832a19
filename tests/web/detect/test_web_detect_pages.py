"""The duty officer's story pages in a real browser: the list, a story's evidence, opening a story by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.records import ArticleIngested, OpenStory, StoryFlagged
from db.engine import transaction
from db.tables import OutboxMessage
from detect.handlers import handle_open_story, handle_scored, score_ingested, tracker_for
from mobilize import handlers as mh

pytestmark = pytest.mark.browser

NOW = datetime.now(UTC).replace(microsecond=0)
SCRIPT_TITLE = "Gunman opens fire at Lyon synagogue <script>window.pwned = 1</script>"
ARTICLES = [  # (id, title, source, country, lang, minutes ago)
    ("lyon-1", "Gunman opens fire at Lyon synagogue during prayers", "Reuters", "GB", "en", 50),
    ("lyon-2", "Lyon : un tireur ouvre le feu dans une synagogue pendant la prière", "Le Monde", "FR", "fr", 40),
    ("lyon-3", SCRIPT_TITLE, "Lyon Daily", "FR", "en", 30),
    ("sthlm-1", "Quran burned at Stockholm protest outside Turkish embassy", "The Local", "SE", "en", 25),
    ("sthlm-2", "Quran burned at Stockholm protest, Turkey summons envoy", "AP", "US", "en", 20),
    ("bradford-1", "Gunmen attack mosque in Bradford during Friday prayers", "Yorkshire Post", "GB", "en", 10),
]


def _flagged(session, story_id: str) -> StoryFlagged:
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "stories.flagged")).all()
    return next(r for r in (StoryFlagged.from_json(row.payload) for row in rows) if r.story_id == story_id)


@pytest.fixture(scope="module")
def stories(live_server) -> dict[str, str]:
    """Three stories put in the store by detect's own handlers: Lyon (flagged, mobilized), Stockholm (flagged, known
    to mobilize, not mobilized) and Bradford (one source: not flagged)."""
    tracker = tracker_for(360, 2)
    ids = {}
    for article_id, title, source, country, lang, minutes in ARTICLES:
        record = score_ingested(ArticleIngested(
            article_id=article_id, title=title, summary="", lang=lang, source=source, outlet=source, country=country,
            url=f"https://news.example.org/{article_id}", published=NOW - timedelta(minutes=minutes)))
        assert record.polarizing, title
        with transaction(live_server.sessions) as session:
            ids[article_id.split("-")[0]] = handle_scored(session, tracker, record).story.story_id
    auto = live_server.settings.mobilize.model_copy(update={"auto_start": True})  # Lyon starts by itself
    deps = mh.Deps(settings=live_server.settings.model_copy(update={"mobilize": auto}),
                   links=live_server.app.state.links)
    with transaction(live_server.sessions) as session:  # what the mobilize worker does with the two flags
        mh.handle_story_flagged(session, deps, _flagged(session, ids["lyon"]))
        mh.record_story(session, _flagged(session, ids["sthlm"]), NOW)
    assert len(set(ids.values())) == 3
    return ids


def test_the_list_shows_stories_newest_first_with_severity_in_words(page_as, live_server, stories):
    """The list has the three stories, newest first, severity written out, spread counts, and filters by severity."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories", exact=True).click()
    rows = page.locator("#stories tbody tr")
    assert [r.get_attribute("data-story") for r in rows.all()] == [stories["bradford"], stories["sthlm"],
                                                                    stories["lyon"]]
    lyon = page.locator(f"tr[data-story='{stories['lyon']}']")
    cells = [c.strip() for c in lyon.locator("td").all_inner_texts()]
    assert cells[1] in ("alert", "critical") and cells[2:5] == ["3", "2", "2"] and cells[6] == "3"
    assert "not flagged" in page.locator(f"tr[data-story='{stories['bradford']}']").inner_text()

    page.get_by_label("Severity").select_option("open")
    page.get_by_role("button", name="Filter").click()
    assert [r.get_attribute("data-story") for r in rows.all()] == [stories["bradford"]]
    page.get_by_label("Severity").select_option("flagged")
    page.get_by_role("button", name="Filter").click()
    assert rows.count() == 2


def test_a_story_shows_its_evidence_and_its_mobilization(page_as, live_server, stories):
    """A flagged story's page has its flag with the rule, each article with source, reasons and a safe link, and
    a link to its mobilization."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/stories")
    page.get_by_role("link", name="Gunman opens fire at Lyon synagogue during prayers").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Gunman opens fire at Lyon synagogue during prayers"
    history = page.locator("#history").inner_text()
    assert "Flagged" in history and "Why: 2 sources" in history
    articles = page.locator("#articles tbody tr")
    assert articles.count() == 3
    le_monde = page.locator("#articles tr", has_text="Le Monde")
    assert "SYNAGOGUE" in le_monde.locator(".reasons").inner_text()
    link = le_monde.get_by_role("link")
    assert link.get_attribute("href") == "https://news.example.org/lyon-2"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "lyon" in page.locator("#entities").inner_text()
    page.get_by_role("link", name="Mobilization:").click()
    assert page.url.startswith(live_server.url + "/mobilize/")


def test_feed_text_is_shown_as_text_never_run(page_as, live_server, stories):
    """An article title carrying a <script> tag is displayed literally and nothing runs."""
    page = page_as("duty_officer")
    page.goto(live_server.url + f"/stories/{stories['lyon']}")
    assert page.get_by_role("link", name=SCRIPT_TITLE).is_visible()
    assert page.evaluate("window.pwned") is None
    assert "&lt;script&gt;" in page.content()


def test_a_flagged_story_without_mobilization_offers_to_start_one(page_as, live_server, stories):
    """Stockholm is known to mobilize but nobody mobilized: the officer gets mobilize's start button, operators not."""
    page = page_as("duty_officer")
    page.goto(live_server.url + f"/stories/{stories['sthlm']}")
    page.get_by_role("button", name="Start mobilization").click()
    assert "Mobilization requested" in page.content()
    with live_server.sessions() as s:
        topics = s.scalars(select(OutboxMessage.topic).where(OutboxMessage.key == stories["sthlm"])).all()
    assert "mobilize.commands" in topics
    operator = page_as("operator")
    operator.goto(live_server.url + f"/stories/{stories['sthlm']}")
    assert operator.get_by_role("button", name="Start mobilization").count() == 0


def test_an_unknown_story_is_a_clear_404(page_as, live_server, stories):
    """A wrong story id gives a 'Story not found' page with a way back to the list."""
    page = page_as("operator")
    response = page.goto(live_server.url + "/stories/no-such-story")
    assert response.status == 404
    assert page.get_by_role("heading", name="Story not found").is_visible()
    assert "Traceback" not in page.content()


def test_the_officer_corrects_the_form_then_opens_a_story(page_as, live_server, stories):
    """Empty and overlong titles are refused with a message and the input kept; a valid story queues OpenStory on
    detect.commands, the confirmation shows its id, and once detect handles it the story is in the list."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/stories")
    page.get_by_role("link", name="Open a story by hand").click()
    page.get_by_label("Summary").fill("Leaflets calling for violence against the Sikh community.")
    page.get_by_label("Title").fill("   ")
    page.evaluate("document.querySelector('#f-title').removeAttribute('required')")
    page.get_by_role("button", name="Open story").click()
    assert "Give the story a title" in page.locator("#e-title").inner_text()
    assert page.get_by_label("Summary").input_value().startswith("Leaflets calling")
    page.get_by_label("Title").fill("x" * 301)
    page.get_by_role("button", name="Open story").click()
    assert "keep it to 300" in page.locator("#e-title").inner_text()

    page.get_by_label("Title").fill("Hate leaflets against Sikhs in Southall")
    page.get_by_label("Critical: act now, it is spreading widely").check()
    page.get_by_role("button", name="Open story").click()
    assert page.get_by_role("heading", name="Story opened").is_visible()
    story_id = page.locator("#story-id").inner_text()
    assert "appears in the list of stories once the detect worker has processed it" in page.locator("main").inner_text()
    with live_server.sessions() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "detect.commands")).all()
    command = next(c for c in (OpenStory.from_json(r.payload) for r in rows) if c.story_id == story_id)
    assert (command.title, command.severity, command.officer) == ("Hate leaflets against Sikhs in Southall",
                                                                 "critical", "Duty Officer")

    with transaction(live_server.sessions) as session:  # what the detect worker does with the command
        handle_open_story(session, None, command)
    page.reload()
    page.get_by_role("link", name="Hate leaflets against Sikhs in Southall").click()
    assert "opened by hand by Duty Officer" in page.content()
    assert "critical" in page.locator("#history").inner_text()


def test_an_unknown_severity_is_refused(page_as, live_server):
    """A tampered severity value re-renders the form with a message and queues nothing."""
    page = page_as("admin")
    page.goto(live_server.url + "/stories/open")
    page.get_by_label("Title").fill("Tampered severity")
    page.evaluate("document.querySelector('input[value=alert]').value = 'apocalyptic'")
    page.get_by_role("button", name="Open story").click()
    assert "Choose a severity: watch, alert, critical." in page.content()
    assert page.get_by_label("Title").input_value() == "Tampered severity"


def test_operators_cannot_open_stories_and_anonymous_visitors_must_sign_in(page, page_as, live_server):
    """An operator gets 403 on the form; an anonymous visitor of /stories lands on the login page."""
    operator = page_as("operator")
    assert operator.goto(live_server.url + "/stories/open").status == 403
    operator.goto(live_server.url + "/stories")
    assert operator.get_by_role("link", name="Open a story by hand").count() == 0
    page.goto(live_server.url + "/stories")
    assert "/login" in page.url


def test_story_pages_with_content_pass_axe(page_as, live_server, stories):
    """The filled list, a story's evidence page, the form showing errors and the 404 page pass WCAG 2 A/AA checks."""
    from tests.web.test_web_a11y import violations

    page = page_as("duty_officer")
    found = {}
    for path in ["/stories", f"/stories/{stories['lyon']}", f"/stories/{stories['sthlm']}",
                 f"/stories/{stories['bradford']}", "/stories/no-such-story"]:
        page.goto(live_server.url + path)
        found[path] = violations(page)
    page.goto(live_server.url + "/stories/open")
    page.get_by_label("Title").fill("x" * 301)
    page.get_by_role("button", name="Open story").click()
    found["/stories/open (errors)"] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
