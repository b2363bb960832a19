"""detect/ on the broker: a burst about one flashpoint becomes one flagged story; ordinary news flags nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from db.engine import make_engine, session_factory
from db.outbox import OutboxRelay
from detect.bootstrap import build
from detect.queries import list_stories
from tests.support.streams import read_topic, running_app

NOW = datetime.now(UTC)

BURST = [  # written for the project: one flashpoint told by several outlets, in two languages
    ("Reuters", "GB", "en", "Man burns copy of the Koran outside Oslo mosque",
     "Police detained a man who set fire to a Koran in front of the Oslo mosque on Friday."),
    ("BBC", "GB", "en", "Oslo Koran burning outside mosque sparks protests",
     "Hundreds gathered after a copy of the Quran was burned outside a mosque in Oslo."),
    ("Le Monde", "FR", "fr", "Oslo : un Coran brûlé devant une mosquée, colère des fidèles",
     "Un homme a brûlé un exemplaire du Coran devant une mosquée d'Oslo."),
    ("Al Jazeera", "QA", "en", "Muslim countries condemn Koran burning in Oslo",
     "Turkey and Pakistan condemned the burning of the Koran outside an Oslo mosque."),
]

ORDINARY = [
    ("Reuters", "GB", "en", "Central bank holds interest rates steady", "Inflation eased for a third month."),
    ("BBC", "GB", "en", "Heavy rain brings flooding to northern towns", "Roads were closed overnight."),
    ("Le Monde", "FR", "fr", "Voile : le skipper franchit la ligne en tête", "La course s'achève à Pointe-à-Pitre."),
    ("El País", "ES", "es", "El Real Madrid ataca y gana el derbi", "Dos goles en la segunda parte."),
    ("Hürriyet", "TR", "tr", "Ramazan ayında iftar için pratik tarifler", "Kolay tatlı tarifleri."),
    ("RNZ", "NZ", "en", "Christchurch council approves new cycleway", "Work starts in the spring."),
    ("CNN", "US", "en", "Heart attack survivor finishes the marathon", "He trained for a year."),
    ("Al Arabiya", "AE", "ar", "وصفات رمضان: حلويات سهلة للإفطار", "حلويات سريعة."),
    ("Guardian", "GB", "en", "Ten Ramadan recipes for a quick iftar", "Dates, soup and dessert."),
    ("DW", "DE", "de", "Bundesliga: Bayern gewinnt das Spitzenspiel", "Zwei Tore in der Nachspielzeit."),
]


def _articles(rows, prefix: str, start: datetime, step: timedelta) -> list[ArticleIngested]:
    return [ArticleIngested(article_id=f"{prefix}-{i}", url=f"https://example.org/{prefix}/{i}", title=title,
                            summary=summary, published=start + i * step, lang=lang, source=source, outlet=source,
                            country=country)
            for i, (source, country, lang, title, summary) in enumerate(rows)]


def _run(settings, articles, expect_flag: bool, extra=(), already_scored: int = 0, flags_before: int = 0):
    worker = build(settings)
    relay_engine = make_engine(settings.database_url)
    relay = OutboxRelay(session_factory(relay_engine), KafkaPublisher(settings.kafka), settings.kafka.topic_prefix)
    thread = threading.Thread(target=relay.run_forever, kwargs={"idle_s": 0.05}, daemon=True)
    thread.start()
    publisher = KafkaPublisher(settings.kafka)
    try:
        with running_app(worker.app):
            for article in [*extra, *articles]:
                publisher.publish("articles.ingested", article)
            publisher.flush()
            scored = read_topic(settings, "articles.scored", expect=already_scored + len(articles), timeout=60)
            scored = scored[already_scored:]
            assert len(scored) == len(articles)
            flagged = read_topic(settings, "stories.flagged", expect=flags_before + 1,
                                 timeout=20 if expect_flag and not flags_before else 8)
            with worker.sessions() as session:
                stories = list_stories(session)
        return scored, flagged, stories
    finally:
        relay.stop()
        thread.join(timeout=5)
        publisher.close()
        relay_engine.dispose()
        worker.close()


def test_a_burst_about_one_flashpoint_becomes_one_flagged_story(bus_settings):
    """Four outlets in two languages reporting one Koran burning: one story, flagged once, with its evidence."""
    articles = _articles(BURST, "burst", NOW - timedelta(minutes=30), timedelta(minutes=5))
    scored, flagged, stories = _run(bus_settings, articles, expect_flag=True)
    assert all(s.polarizing for s in scored)
    assert len(flagged) == 1
    story = flagged[0]
    assert story.severity in ("watch", "alert", "critical")
    assert len(story.sources) >= 2 and "desecration" in story.categories
    assert len(stories) == 1 and stories[0].article_count == len(BURST)
    assert set(stories[0].languages) == {"en", "fr"}


def test_an_article_with_nothing_to_read_goes_to_rejected(bus_settings):
    """An article with neither title nor summary is kept on `rejected` with the reason; the stream goes on."""
    empty = ArticleIngested(article_id="empty-1", url="https://example.org/empty", lang="en", source="X")
    articles = [empty, *_articles(BURST[:2], "after", NOW - timedelta(minutes=20), timedelta(minutes=5))]
    scored, flagged, _ = _run(bus_settings, articles[1:], expect_flag=True, extra=[empty])
    rejected = read_topic(bus_settings, "rejected", expect=1, timeout=20)
    assert any("neither title nor summary" in r.reason for r in rejected)
    assert len(scored) == 2 and len(flagged) == 1


def test_a_day_of_ordinary_news_flags_nothing(bus_settings):
    """Ordinary news, hard cases included (sailing, Ramadan recipes, Christchurch, football): no story, no flag."""
    articles = _articles(ORDINARY, "day", NOW - timedelta(hours=20), timedelta(hours=2))
    scored, flagged, stories = _run(bus_settings, articles, expect_flag=False)
    assert not any(s.polarizing for s in scored)
    assert flagged == [] and stories == []


def test_a_restarted_worker_keeps_its_stories_and_flags_nothing_twice(bus_settings):
    """After a restart, the next report joins the same story (restored from the store) and the story is not re-flagged;
    more outlets in more languages escalate it instead."""
    first = _articles(BURST[:2], "r1", NOW - timedelta(minutes=40), timedelta(minutes=5))
    _, flagged, stories = _run(bus_settings, first, expect_flag=True)
    assert len(flagged) == 1 and len(stories) == 1
    more = _articles(BURST[2:], "r2", NOW - timedelta(minutes=20), timedelta(minutes=5))
    _run(bus_settings, more, expect_flag=True, already_scored=2, flags_before=1)  # a new worker, same group and store
    flagged = read_topic(bus_settings, "stories.flagged", expect=2, timeout=5)
    escalated = read_topic(bus_settings, "stories.escalated", expect=1, timeout=20)
    with session_factory(make_engine(bus_settings.database_url))() as session:
        stories = list_stories(session)
    assert len(flagged) == 1, "flagged once"
    assert len(stories) == 1 and stories[0].article_count == len(BURST)
    assert escalated and escalated[0].story_id == stories[0].id
