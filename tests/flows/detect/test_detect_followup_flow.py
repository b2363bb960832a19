"""detect/ on the broker: a follow-up report with no polarizing word joins the flagged story (via story) and its
spread escalates the story, also after the worker restarted and restored its stories from the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from db.engine import make_engine, session_factory
from detect.queries import list_stories, story_detail
from tests.flows.detect.test_detect_flow import _articles, _run
from tests.support.streams import read_topic

NOW = datetime.now(UTC)

FLASHPOINT = [  # written for the project: a made-up town, two British outlets
    ("Reuters", "GB", "en", "Arsonists set fire to Vellmoor mosque, imam Tarek Osmani unhurt",
     "Police in Vellmoor said the fire at the Al-Rahma mosque was started deliberately."),
    ("BBC", "GB", "en", "Vellmoor mosque arson: worshippers shaken after attack",
     "Imam Tarek Osmani said the Al-Rahma mosque community would not be intimidated."),
]
FOLLOW_UPS = [  # no polarizing word: a vigil and a statement, from outlets in two more countries
    ("France 24", "FR", "en", "Vellmoor vigil: Tarek Osmani thanks neighbours",
     "Hundreds gathered in Vellmoor on Sunday to support Tarek Osmani and the Al-Rahma congregation."),
    ("Irish Times", "IE", "en", "Tarek Osmani meets Vellmoor council leaders",
     "The imam of the Al-Rahma centre in Vellmoor asked for more patrols."),
]


def test_a_follow_up_joins_the_flagged_story_and_escalates_it(bus_settings):
    """Two reports flag the story at 'watch'; two follow-ups with only the story's names join it via story and
    take it to 'alert' (more outlets in more countries); nothing is flagged twice."""
    first = _articles(FLASHPOINT, "fp", NOW - timedelta(minutes=50), timedelta(minutes=5))
    scored, flagged, _ = _run(bus_settings, first, expect_flag=True)
    assert all(s.polarizing for s in scored) and len(flagged) == 1 and flagged[0].severity == "watch"
    later = _articles(FOLLOW_UPS, "fu", NOW - timedelta(minutes=20), timedelta(minutes=5))
    scored, _, _ = _run(bus_settings, later, expect_flag=True, already_scored=2, flags_before=1)
    assert not any(s.polarizing for s in scored), "the follow-ups carry no polarizing word"
    escalated = read_topic(bus_settings, "stories.escalated", expect=1, timeout=20)
    assert escalated and escalated[0].story_id == flagged[0].story_id
    assert escalated[0].previous_severity == "watch" and escalated[0].severity in ("alert", "critical")
    assert len(read_topic(bus_settings, "stories.flagged", expect=2, timeout=5)) == 1, "flagged once"
    engine = make_engine(bus_settings.database_url)
    try:
        with session_factory(engine)() as session:
            [story] = list_stories(session)
            detail = story_detail(session, story.id)
    finally:
        engine.dispose()
    via = {a.article_id: a.via for a in detail.articles}
    assert via == {"fp-0": "article", "fp-1": "article", "fu-0": "story", "fu-1": "story"}
    follow = next(a for a in detail.articles if a.article_id == "fu-0")
    # the officer reads what ties it: the imam's full name (the trained pipeline found him in the flashpoint) or, where
    # no pipeline is installed, the shared names
    reason = follow.reasons[0]
    assert reason.startswith("follow-up of story") and "osmani" in reason
    assert "full name tarek osmani" in reason or "vellmoor" in reason
