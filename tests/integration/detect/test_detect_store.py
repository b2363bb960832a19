"""detect/'s store on SQLite and PostgreSQL: stories, flags once, escalation upward, redelivery, restart, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bus.records import ArticleIngested, OpenStory
from db.engine import transaction
from db.tables import OutboxMessage
from detect.handlers import (
    handle_open_story,
    handle_scored,
    request_open_story,
    restore_tracker,
    score_ingested,
    tracker_for,
)
from detect.queries import flagged_timeline, list_stories, story_detail

NOW = datetime.now(UTC).replace(microsecond=0)
OUTLETS = [("Reuters", "GB", "en"), ("Le Monde", "FR", "fr"), ("El País", "ES", "es"), ("DW", "DE", "de"),
           ("TRT", "TR", "tr")]
TITLES = {
    "en": "Gunman opens fire at Lyon synagogue during prayers",
    "fr": "Lyon : un tireur ouvre le feu dans une synagogue pendant la prière",
    "es": "Lyon: un pistolero abre fuego en una sinagoga",
    "de": "Lyon: Schütze eröffnet das Feuer in einer Synagoge",
    "tr": "Lyon'da sinagoga silahlı saldırı",
}


def _scored(i: int, outlet: tuple[str, str, str], minutes: int = 0):
    source, country, lang = outlet
    article = ArticleIngested(article_id=f"a{i}", title=TITLES[lang], summary="", lang=lang, source=source,
                              outlet=source, country=country, published=NOW - timedelta(minutes=60 - minutes))
    return score_ingested(article)


def _outbox(session, topic: str) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.topic == topic))


def test_spread_flags_once_then_escalates_upward(sessions):
    """Two outlets flag the story (watch or more); more outlets in more languages escalate it, never down."""
    tracker = tracker_for(360, 2)
    for i, outlet in enumerate(OUTLETS):
        with transaction(sessions) as session:
            handle_scored(session, tracker, _scored(i, outlet, minutes=i))
    with sessions() as session:
        stories = list_stories(session)
        assert len(stories) == 1 and stories[0].article_count == 5
        assert _outbox(session, "stories.flagged") == 1
        timeline = flagged_timeline(session)
        assert timeline[-1].kind == "flagged"
        assert [t.kind for t in timeline].count("flagged") == 1
        assert stories[0].severity == "critical"
        detail = story_detail(session, stories[0].id)
        assert detail and len(detail.articles) == 5 and detail.articles[0].reasons


def test_a_redelivered_article_changes_nothing(sessions):
    """The same ArticleScored handled twice: one article row, one flag."""
    tracker = tracker_for(360, 2)
    records = [_scored(0, OUTLETS[0]), _scored(1, OUTLETS[1], 1)]
    for record in records + records:
        with transaction(sessions) as session:
            handle_scored(session, tracker, record)
    with sessions() as session:
        stories = list_stories(session)
        assert stories[0].article_count == 2 and _outbox(session, "stories.flagged") == 1


def test_open_stories_survive_a_restart(sessions):
    """A new tracker restored from the store joins the next article to the same story and does not re-flag it."""
    tracker = tracker_for(360, 2)
    for i in range(2):
        with transaction(sessions) as session:
            handle_scored(session, tracker, _scored(i, OUTLETS[i], i))
    fresh = tracker_for(360, 2)
    with sessions() as session:
        assert restore_tracker(session, fresh) == 1
    with transaction(sessions) as session:
        handle_scored(session, fresh, _scored(2, OUTLETS[0], 3))
    with sessions() as session:
        assert len(list_stories(session)) == 1 and _outbox(session, "stories.flagged") == 1


def test_a_duty_officer_opens_a_story_by_hand(sessions):
    """OpenStory flags a new story with opened_by, once; a higher severity later escalates it."""
    with transaction(sessions) as session:
        story_id = request_open_story(session, officer="duty@aoc.example.org", title="Cartoon row in Lahore",
                                      severity="watch")
        assert _outbox(session, "detect.commands") == 1
    command = OpenStory(story_id=story_id, title="Cartoon row in Lahore", officer="duty@aoc.example.org",
                        severity="watch")
    for _ in range(2):
        with transaction(sessions) as session:
            handle_open_story(session, None, command)
    up = OpenStory(story_id=story_id, title="Cartoon row in Lahore", officer="duty@aoc.example.org",
                   severity="critical")
    with transaction(sessions) as session:
        assert handle_open_story(session, None, up) == "escalated"
    with sessions() as session:
        assert _outbox(session, "stories.flagged") == 1 and _outbox(session, "stories.escalated") == 1
        detail = story_detail(session, story_id)
        assert detail.story.opened_by == "duty@aoc.example.org" and detail.story.severity == "critical"
