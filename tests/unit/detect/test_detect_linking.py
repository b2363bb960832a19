"""Follow-up linking (detect/clustering.py, tracking.py, `rrm detect-file`): an article with no polarizing word
joins the story whose distinctive names it shares. Text written for the project."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from detect.cli import read_items, run_stream
from detect.scoring import score_article
from detect.tracking import StoryTracker, names_for, view_of

T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)

STORY = [
    {"title": "Arsonists set fire to Vellmoor mosque, imam Tarek Osmani unhurt", "source": "Reuters",
     "summary": "Police in Vellmoor said the fire at the Al-Rahma mosque was started deliberately.",
     "published": "2026-03-01T10:00:00Z", "lang": "en"},
    {"title": "Vellmoor mosque arson: worshippers shaken", "source": "BBC",
     "summary": "Imam Tarek Osmani said the Al-Rahma community would not be intimidated.",
     "published": "2026-03-01T11:00:00Z", "lang": "en"},
]
FOLLOW_UP = {"title": "Vellmoor vigil: Tarek Osmani thanks neighbours", "source": "Guardian",
             "summary": "Hundreds gathered in Vellmoor to support Tarek Osmani and the Al-Rahma congregation.",
             "published": "2026-03-02T18:00:00Z", "lang": "en"}


def _run(rows: list[dict]) -> dict[int, dict]:
    items, errors = read_items([json.dumps(r) for r in rows])
    assert not errors
    return run_stream(items, 0.5, 360, 2)


def test_detect_file_marks_a_follow_up_via_story_with_the_shared_names():
    """The vigil report has no polarizing word, joins the arson story via story and names what it shares."""
    out = _run([*STORY, FOLLOW_UP])
    assert out[0]["via"] == out[1]["via"] == "article"
    assert out[2]["via"] == "story" and out[2]["flagged"] and out[2]["story"] == out[0]["story"]
    assert "tarek" in out[2]["reasons"][0] and "vellmoor" in out[2]["reasons"][0]


def test_ordinary_news_sharing_one_name_or_common_words_joins_nothing():
    """One shared place name, or only capitalized common words, is not enough to join a story."""
    rows = [*STORY,
            {"title": "Vellmoor council approves new cycle lanes", "summary": "Work starts in spring.",
             "source": "Local", "published": "2026-03-01T12:00:00Z", "lang": "en"},
            {"title": "Police Say Friday Traffic Was Heavy", "summary": "Continue reading.", "source": "X",
             "published": "2026-03-01T12:30:00Z", "lang": "en"}]
    out = _run(rows)
    assert out[2]["via"] is None and not out[2]["flagged"] and out[2]["story"] is None
    assert out[3]["via"] is None and out[3]["story"] is None


def test_a_follow_up_after_the_link_window_opens_nothing():
    """A report a month later joins no story: the link window is a week."""
    late = {**FOLLOW_UP, "published": "2026-04-02T18:00:00Z"}
    out = _run([*STORY, late])
    assert out[2]["via"] is None and out[2]["story"] is None


def test_a_linked_follow_up_counts_toward_spread_but_not_toward_what_the_story_is_about():
    """The follow-up adds a source (the story escalates) and leaves the story's names and title alone."""
    tracker = StoryTracker(window=timedelta(hours=6), min_sources=2)
    for i, row in enumerate(STORY):
        scored = score_article(row["title"], row["summary"])
        view = view_of(f"s{i}", row["title"], T0 + timedelta(minutes=10 * i), scored, source=row["source"],
                       country="GB")
        tracker.clusterer.count_names(view.names)
        outcome = tracker.track(view)
    story = outcome.story
    assert story.severity == "watch"
    names_before = dict(story.names)
    scored = score_article(FOLLOW_UP["title"], FOLLOW_UP["summary"])
    assert not scored.polarizing
    view = view_of("f", FOLLOW_UP["title"], T0 + timedelta(minutes=40), scored, source="France 24", country="FR")
    from dataclasses import replace

    view = replace(view, names=names_for(FOLLOW_UP["title"], FOLLOW_UP["summary"], "en"))
    outcome = tracker.track(view)
    assert outcome.via == "story" and outcome.story is story and outcome.announcement == ("escalated", "alert")
    assert dict(story.names) == names_before and story.linked == 1 and len(story.articles) == 3


def test_a_name_frequent_in_the_stream_before_the_story_does_not_link():
    """A name seen in many articles before the story began (a capital, a leader) is not distinctive of it."""
    tracker = StoryTracker(window=timedelta(hours=6), min_sources=2)
    for _ in range(5000):
        tracker.clusterer.count_names(("osmani", "vellmoor"))
    for i, row in enumerate(STORY):
        scored = score_article(row["title"], row["summary"])
        view = view_of(f"s{i}", row["title"], T0 + timedelta(minutes=10 * i), scored, source=row["source"])
        tracker.track(view)
    view = view_of("f", "Osmani in Vellmoor", T0 + timedelta(hours=1), score_article("x"), source="Y")
    from dataclasses import replace

    assert tracker.link_target(replace(view, names=("osmani", "vellmoor"))) is None
