"""ingest/'s Feeds page in a real browser: an operator adds a feed, sees a failing feed's reason, pauses a feed;
a duty officer reads but cannot change the registry."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect

from db.engine import transaction
from ingest.dedupe import NearDuplicateIndex
from ingest.handlers import FeedSpec, add_feed, take_in_poll
from ingest.model import FetchResult
from ingest.queries import list_feeds


def test_operator_adds_a_feed_and_sees_why_another_fails(page_as, live_server):
    """The added feed appears; a feed whose poll failed shows `failing` with the server's answer; pause works."""
    with transaction(live_server.sessions) as session:
        broken = add_feed(session, FeedSpec(url="https://broken.example.org/rss", name="Broken Daily"),
                          datetime.now(UTC))
        take_in_poll(session, broken.id, FetchResult("error", http_status=404, reason="HTTP 404 Not Found"),
                     NearDuplicateIndex(), datetime.now(UTC))
    page = page_as("operator")
    page.goto(live_server.url + "/ingest/feeds")
    expect(page.get_by_role("row", name="Broken Daily")).to_contain_text("HTTP 404 Not Found (1 in a row)")
    page.get_by_label("Feed address (RSS or Atom)").fill("https://news.example.org/world.xml")
    page.get_by_label("Name", exact=True).fill("Example World")
    page.get_by_label("Language code").fill("fr")
    page.get_by_role("button", name="Add feed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Example World")
    expect(page.locator("main")).to_contain_text("Feed added")
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("heading", level=2, name="Health: paused")).to_be_visible()
    feeds = {f.name: f for f in list_feeds(live_server.sessions)}
    assert feeds["Example World"].lang == "fr" and not feeds["Example World"].enabled


def test_bad_feed_address_is_refused_with_a_reason(page_as, live_server):
    """A URL that is not http(s) is refused with a sentence, and nothing is registered."""
    page = page_as("admin")
    page.goto(live_server.url + "/ingest/feeds")
    page.get_by_label("Feed address (RSS or Atom)").evaluate("el => el.type = 'text'")
    page.get_by_label("Feed address (RSS or Atom)").fill("ftp://files.example.org/feed")
    page.get_by_role("button", name="Add feed").click()
    expect(page.locator("main")).to_contain_text("is not an http(s) URL")
    assert all(f.url != "ftp://files.example.org/feed" for f in list_feeds(live_server.sessions))


def test_duty_officer_reads_feeds_but_cannot_change_them(page_as, live_server):
    """No add form for a duty officer, and a direct POST is refused."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/ingest/feeds")
    expect(page.get_by_role("heading", level=1)).to_have_text("News feeds")
    expect(page.get_by_role("button", name="Add feed")).to_have_count(0)
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    answer = page.request.post(live_server.url + "/ingest/feeds", form={"url": "https://x.example.org/rss"},
                               headers={"X-CSRF-Token": token})
    assert answer.status == 403


def test_feeds_pages_have_no_accessibility_violations(page_as, live_server):
    """The feed list and a feed's page pass axe-core's WCAG 2 A/AA checks."""
    from tests.web.test_web_a11y import violations

    with transaction(live_server.sessions) as session:
        feed = add_feed(session, FeedSpec(url="https://a11y.example.org/rss", name="A11y Times", lang="en"),
                        datetime.now(UTC))
    page = page_as("operator")
    found = {}
    for path in ("/ingest/feeds", f"/ingest/feeds/{feed.id}"):
        page.goto(live_server.url + path)
        problems = violations(page)
        if problems:
            found[path] = problems
    assert found == {}
