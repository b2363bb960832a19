"""Polling feeds from a local HTTP server into the store (SQLite and PostgreSQL): new articles leave through the
outbox once, near-duplicates are marked, broken feeds are kept as rejected records and shown as failing."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.catalog import spec
from bus.records import ArticleIngested, MessageRejected
from config.settings import IngestSettings
from db.engine import make_engine, session_factory, transaction
from db.tables import OutboxMessage
from ingest.adapters import HttpFeedFetcher
from ingest.handlers import FeedSpec, register_feeds, set_feed_enabled
from ingest.queries import get_feed, list_feeds, summary
from ingest.schedule import Poller
from ingest.tables import Feed

SETTINGS = IngestSettings(timeout_s=2.0, max_bytes=200_000, registry_check_s=0.3,
                          allow_networks=["127.0.0.1/32"])  # the tests' own feed server

WIRE_TITLE = "Quran burning outside mosque in Norrhavn sparks anger across Muslim world"
WIRE_TEXT = ("The burning of a copy of the Quran outside a mosque in the port city of Norrhavn on Friday drew "
             "condemnation from governments and religious leaders across the Muslim world.")


@pytest.fixture
def lite(sqlite_url: str):
    """Sessions on SQLite only, for behaviour that does not depend on the database."""
    engine = make_engine(sqlite_url)
    yield session_factory(engine)
    engine.dispose()


def register(sessions, *urls: str, interval_s: int = 600) -> list[int]:
    with transaction(sessions) as session:
        register_feeds(session, [FeedSpec(url=u, interval_s=interval_s) for u in urls], datetime.now(UTC))
        return [session.scalar(select(Feed.id).where(Feed.url == u)) for u in urls]


def outbox(sessions, topic: str) -> list:
    record = spec(topic).record
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic)
                               .order_by(OutboxMessage.id)).all()
        return [record.from_json(r.payload) for r in rows]


def poll(sessions, *feed_ids: int, poller: Poller | None = None):
    """Poll feeds once each, in order, with a real fetcher; returns the reports."""
    async def go():
        fetcher = HttpFeedFetcher.from_settings(SETTINGS)
        p = poller or Poller(sessions, fetcher, SETTINGS)
        p.fetcher = fetcher
        await p.load_index()  # what a starting worker does
        try:
            return [await p.poll(i) for i in feed_ids]
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def test_new_articles_are_published_once_through_the_outbox(sessions, feed_server, rss):
    """Each item of a feed becomes one ArticleIngested with a clean title and canonical URL."""
    [feed_id] = register(sessions, feed_server.route("/a.xml", body=rss([("1", "One &amp; only", "<p>First</p>"),
                                                                           ("2", "Two", "Second")])))
    [report] = poll(sessions, feed_id)
    articles = outbox(sessions, "articles.ingested")
    assert (report.outcome, report.published) == ("ok", 2)
    assert [(a.title, a.summary, a.url) for a in articles] == [
        ("One & only", "First", "https://news.example.org/1"), ("Two", "Second", "https://news.example.org/2")]
    assert all(a.feed_id == str(feed_id) and a.lang == "en" and a.source == "news.example.org" for a in articles)


def test_unchanged_feed_answers_304_and_publishes_nothing(lite, feed_server, rss):
    """The second poll sends the ETag, gets 304, and publishes nothing."""
    [feed_id] = register(lite, feed_server.route("/a.xml", body=rss([("1", "One", "First")])))
    first, second = poll(lite, feed_id, feed_id)
    assert (first.published, second.outcome, second.published) == (1, "not_modified", 0)
    assert len(outbox(lite, "articles.ingested")) == 1
    assert get_feed(lite, feed_id).health == "ok"


def test_changed_feed_publishes_only_its_new_items(sessions, feed_server, rss):
    """A feed that gains an item between polls publishes only that item."""
    url = feed_server.route("/a.xml", body=rss([("1", "One", "First"), ("2", "Two", "Second")]))
    [feed_id] = register(sessions, url)
    poll(sessions, feed_id)
    feed_server.route("/a.xml", body=rss([("3", "Three", "Third"), ("1", "One", "First"), ("2", "Two", "Second")]))
    [report] = poll(sessions, feed_id)
    assert (report.published, report.duplicates) == (1, 2)
    assert [a.title for a in outbox(sessions, "articles.ingested")] == ["One", "Two", "Three"]


def test_same_article_in_two_feeds_is_published_once(sessions, feed_server, rss):
    """The same URL (tracking parameters aside) in two feeds is one article."""
    one = feed_server.route("/one.xml", body=rss([("1", "One", "First")]))
    two = feed_server.route("/two.xml", body=rss([("1", "One, as the other feed titles it", "First")]))
    ids = register(sessions, one, two)
    reports = poll(sessions, *ids)
    assert [r.published for r in reports] == [1, 0] and reports[1].duplicates == 1


def test_seen_articles_survive_a_restart(sessions, feed_server, rss):
    """A new poller (a restarted worker) does not publish what its predecessor published."""
    [feed_id] = register(sessions, feed_server.route("/a.xml", body=rss([("1", "One", "First")]), etag=False))
    poll(sessions, feed_id)
    [report] = poll(sessions, feed_id)  # a fresh Poller and fetcher: nothing in memory
    assert (report.outcome, report.published, report.duplicates) == ("ok", 0, 1)


def test_same_wire_story_on_two_sites_is_marked_near_duplicate(sessions, feed_server, rss):
    """The second site's copy is published with near_duplicate_of = the first copy's id, also after a restart."""
    first = feed_server.route("/wire.xml", body=rss([("w1", WIRE_TITLE, WIRE_TEXT)]))
    second = feed_server.route("/daily.xml", body=rss([("d9", WIRE_TITLE, WIRE_TEXT + " (Continental Wire)")],
                                                      title="Daily"))
    wire_id, daily_id = register(sessions, first, second)
    poll(sessions, wire_id)
    poll(sessions, daily_id)  # a new Poller: the index is rebuilt from the store
    original, copy = outbox(sessions, "articles.ingested")
    assert original.near_duplicate_of == "" and copy.near_duplicate_of == original.article_id
    assert copy.article_id != original.article_id
    assert summary(sessions, datetime.now(UTC) - timedelta(hours=1)).near_duplicates == 1


def test_broken_feeds_are_rejected_and_shown_failing_while_others_go_on(sessions, feed_server, rss):
    """404, 500, HTML and garbage each leave a rejected record and a failing health; a good feed still publishes."""
    urls = [feed_server.route("/404.xml", status=404, body=b"no", content_type="text/plain"),
            feed_server.route("/500.xml", status=500, body=b"oops", content_type="text/plain"),
            feed_server.route("/page.xml", body=b"<!doctype html><html><body>Hi</body></html>",
                              content_type="text/html"),
            feed_server.route("/garbage.xml", body=b"\x00\x01 not xml at all"),
            feed_server.route("/good.xml", body=rss([("1", "One", "First")]))]
    ids = register(sessions, *urls)
    reports = poll(sessions, *ids)
    assert [r.outcome for r in reports] == ["failed"] * 4 + ["ok"]
    rejected = outbox(sessions, "rejected")
    assert [r.source_topic for r in rejected] == [f"feed:{u}" for u in urls[:4]]
    assert [r.reason for r in rejected[:2]] == ["HTTP 404 Not Found", "HTTP 500 Internal Server Error"]
    assert "web page" in rejected[2].reason and base64.b64decode(rejected[3].raw_b64) == b"not xml at all"
    health = {row.url: row for row in list_feeds(sessions)}
    assert [health[u].health for u in urls] == ["failing"] * 4 + ["ok"]
    assert health[urls[0]].last_error == "HTTP 404 Not Found" and health[urls[0]].consecutive_failures == 1
    assert len(outbox(sessions, "articles.ingested")) == 1


def test_failing_feed_backs_off_then_recovers(lite, feed_server, rss):
    """Each failure doubles the wait before the next poll; a success resets it."""
    url = feed_server.route("/flaky.xml", status=500)
    [feed_id] = register(lite, url, interval_s=60)
    reports = poll(lite, feed_id, feed_id, feed_id)
    waits = [(r.next_poll_at - datetime.now(UTC)).total_seconds() for r in reports]
    assert 100 < waits[0] < 135 and 210 < waits[1] < 270 and 420 < waits[2] < 530
    feed_server.route("/flaky.xml", body=rss([("1", "One", "First")]))
    [report] = poll(lite, feed_id)
    row = get_feed(lite, feed_id)
    assert (report.outcome, row.consecutive_failures, row.health) == ("ok", 0, "ok")
    assert 50 < (report.next_poll_at - datetime.now(UTC)).total_seconds() < 70


def test_bad_item_is_rejected_and_the_rest_published(lite, feed_server):
    """An empty item is kept on rejected with its position; the others are published."""
    body = (b'<rss version="2.0"><channel><title>T</title><item><title>Good</title>'
            b"<link>https://e.org/good</link></item><item><link>https://e.org/empty</link></item></channel></rss>")
    [feed_id] = register(lite, feed_server.route("/mixed.xml", body=body))
    [report] = poll(lite, feed_id)
    [rejected] = outbox(lite, "rejected")
    assert (report.published, report.rejected) == (1, 1)
    assert isinstance(rejected, MessageRejected) and rejected.reason.startswith("item 2: item has neither")
    assert get_feed(lite, feed_id).items_rejected == 1


def test_scheduler_polls_every_enabled_feed_and_skips_paused_ones(lite, feed_server, rss):
    """Started for real, the poller polls enabled feeds by itself and never the paused one."""
    urls = [feed_server.route(f"/{n}.xml", body=rss([(n, f"Story {n}", "Text")])) for n in ("a", "b", "paused")]
    ids = register(lite, *urls, interval_s=10)
    with transaction(lite) as session:
        set_feed_enabled(session, ids[2], False, datetime.now(UTC))

    async def go():
        fetcher = HttpFeedFetcher.from_settings(SETTINGS)
        poller = Poller(lite, fetcher, SETTINGS)
        await poller.start()
        try:
            for _ in range(100):
                if poller.polls >= 2:
                    break
                await asyncio.sleep(0.1)
        finally:
            await poller.stop()
            await fetcher.aclose()
        return poller.polls

    assert asyncio.run(go()) >= 2
    assert {a.title for a in outbox(lite, "articles.ingested")} == {"Story a", "Story b"}
    assert feed_server.hits("/paused.xml") == []
    assert all(get_feed(lite, i).next_poll_at is not None for i in ids[:2])


def test_poll_of_a_removed_feed_does_nothing(lite):
    """A job whose feed was removed meanwhile is dropped quietly."""
    assert poll(lite, 424242) == [None]


def test_articles_records_are_valid_bus_records(lite, feed_server, rss):
    """What the outbox holds decodes strictly as ArticleIngested with a UTC publication time."""
    [feed_id] = register(lite, feed_server.route("/a.xml", body=rss([("1", "One", "First")])))
    poll(lite, feed_id)
    [article] = outbox(lite, "articles.ingested")
    assert isinstance(article, ArticleIngested)
    assert article.published == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_articles_older_than_the_retention_are_pruned(sessions, feed_server, rss):
    """The hourly prune forgets articles first seen before the retention; recent ones stay known."""
    from ingest.tables import SeenArticle

    [feed_id] = register(sessions, feed_server.route("/a.xml", body=rss([("1", "One", "First"),
                                                                           ("2", "Two", "Second")])))
    poll(sessions, feed_id)
    with transaction(sessions) as session:
        old = session.scalar(select(SeenArticle).where(SeenArticle.title == "One"))
        old.first_seen_at = datetime.now(UTC) - timedelta(days=SETTINGS.seen_retention_days + 1)

    async def go():
        fetcher = HttpFeedFetcher.from_settings(SETTINGS)
        try:
            return await Poller(sessions, fetcher, SETTINGS).prune()
        finally:
            await fetcher.aclose()

    assert asyncio.run(go()) == 1
    with sessions() as session:
        assert [a.title for a in session.scalars(select(SeenArticle))] == ["Two"]


def test_moved_feed_notes_where_it_went(lite, feed_server, rss):
    """A feed answered through a redirect says so on its health."""
    feed_server.route("/new.xml", body=rss([("1", "One", "First")]))
    [feed_id] = register(lite, feed_server.route("/old.xml", status=301, location="/new.xml"))
    poll(lite, feed_id)
    assert get_feed(lite, feed_id).last_note == f"(redirected to {feed_server.url('/new.xml')})"


def test_same_bad_item_is_reported_once_across_polls(lite, feed_server):
    """A refused item still in the feed at the next polls is not reported again, even when it moves down."""
    bad = b"<item><link>https://e.org/empty</link></item>"
    first = b'<rss version="2.0"><channel><title>T</title>' + bad + b"</channel></rss>"
    [feed_id] = register(lite, feed_server.route("/mixed.xml", body=first, etag=False))
    poll(lite, feed_id, feed_id)
    feed_server.route("/mixed.xml", etag=False, body=b'<rss version="2.0"><channel><title>T</title><item><title>New'
                      b"</title><link>https://e.org/new</link></item>" + bad + b"</channel></rss>")
    reports = poll(lite, feed_id)
    assert len(outbox(lite, "rejected")) == 1 and reports[0].published == 1
    assert get_feed(lite, feed_id).items_rejected == 1


def test_console_edits_take_effect_at_once(lite):
    """A new address is polled at once (validators forgotten); a shorter interval moves the next poll closer."""
    from ingest.handlers import update_feed

    [feed_id] = register(lite, "https://one.example.org/rss", interval_s=3600)
    now = datetime.now(UTC)
    with transaction(lite) as session:
        feed = session.get(Feed, feed_id)
        feed.next_poll_at, feed.etag = now + timedelta(hours=1), '"abc"'
        update_feed(session, feed_id, FeedSpec(url="https://one.example.org/rss", interval_s=60), now)
    assert get_feed(lite, feed_id).next_poll_at == now + timedelta(seconds=60)
    with transaction(lite) as session:
        update_feed(session, feed_id, FeedSpec(url="https://two.example.org/rss", interval_s=60), now)
    with lite() as session:
        feed = session.get(Feed, feed_id)
        assert (feed.url, feed.etag, feed.next_poll_at) == ("https://two.example.org/rss", "", now)
