"""A duty officer's decision on a story in a real browser: confirm or dismiss with a reason, and the precision per
category on the stories list follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bus.records import ArticleIngested
from db.engine import transaction
from detect.handlers import handle_scored, score_ingested, tracker_for
from detect.queries import labeled_examples

pytestmark = pytest.mark.browser

NOW = datetime.now(UTC).replace(microsecond=0)
ARTICLES = [  # written for the project: two stories of one category
    ("vel-1", "Gunmen attack Vellmoor synagogue during prayers", "Reuters", "GB"),
    ("vel-2", "Vellmoor synagogue attack: worshippers hurt", "BBC", "GB"),
    ("dor-1", "Gunman opens fire at Dornhall synagogue", "AP", "US"),
    ("dor-2", "Dornhall synagogue shooting leaves two hurt", "CNN", "US"),
]


@pytest.fixture(scope="module")
def two_stories(live_server) -> dict[str, str]:
    """Two flagged stories put in the store by detect's own handlers."""
    tracker = tracker_for(360, 2)
    ids = {}
    for i, (article_id, title, source, country) in enumerate(ARTICLES):
        record = score_ingested(ArticleIngested(
            article_id=article_id, title=title, summary="", lang="en", source=source, outlet=source,
            country=country, url=f"https://news.example.org/{article_id}", published=NOW - timedelta(minutes=40 - i)))
        with transaction(live_server.sessions) as session:
            ids[article_id.split("-")[0]] = handle_scored(session, tracker, record).story.story_id
    return ids


def _precision(page) -> str:
    row = page.locator("#precision tr[data-category='attack_on_place_of_worship']")
    return " ".join(row.locator("td").all_inner_texts())


def test_an_officer_dismisses_a_story_and_precision_changes(page_as, live_server, two_stories):
    """Confirming one story shows 100 %; dismissing the other as outside the mandate takes it to 50 %, the story page
    says who dismissed it and why, and its articles are kept as ordinary examples."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/stories")
    assert "No story decided" in page.locator("#precision").inner_text()

    page.goto(live_server.url + f"/stories/{two_stories['vel']}")
    page.get_by_role("button", name="Confirm story").click()
    assert "Story confirmed" in page.content()
    page.goto(live_server.url + "/stories")
    assert _precision(page).split()[-2:] == ["100", "%"]

    page.get_by_role("link", name="Gunman opens fire at Dornhall synagogue").click()
    page.get_by_label("Why dismiss it?").select_option("outside_mandate")
    page.get_by_role("button", name="Dismiss story").click()
    assert "Dismissed" in page.locator("#decision-state").inner_text()
    assert "outside the mandate" in page.locator("#decision-state").inner_text()
    assert "Duty Officer" in page.locator("#decision-state").inner_text()
    page.goto(live_server.url + "/stories")
    assert _precision(page).split()[-4:] == ["1", "2", "50", "%"]

    with live_server.sessions() as session:
        labels = {(e["title"], e["label"]) for e in labeled_examples(session)}
    assert ("Gunman opens fire at Dornhall synagogue", "ordinary") in labels
    assert ("Gunmen attack Vellmoor synagogue during prayers", "polarizing") in labels


def test_operators_see_the_decision_but_cannot_decide(page_as, live_server, two_stories):
    """An operator reads the story page and its decision section, without the buttons to decide."""
    page = page_as("operator")
    page.goto(live_server.url + f"/stories/{two_stories['vel']}")
    assert page.get_by_role("button", name="Confirm story").count() == 0
    assert page.locator("#decision").is_visible()


def test_story_pages_with_a_decision_pass_axe(page_as, live_server, two_stories):
    """The list with its precision table and a story page with the decision form pass WCAG 2 A/AA checks."""
    from tests.web.test_web_a11y import violations

    page = page_as("duty_officer")
    found = {}
    for path in ["/stories", f"/stories/{two_stories['dor']}"]:
        page.goto(live_server.url + path)
        found[path] = violations(page)
    assert {path: v for path, v in found.items() if v} == {}
