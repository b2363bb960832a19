"""The dashboards' journal: stories on a timeline and the mobilization funnel with timings, from bus records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from web.journal import Journal

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """T0 plus some minutes."""
    return T0 + timedelta(minutes=minutes)


def flow() -> Journal:
    """One story flagged, escalated and carried through the whole funnel; a second story not mobilized."""
    j = Journal()
    j.apply("stories.flagged", {"story_id": "s1", "title": "Cartoon row", "severity": "watch", "score": 0.8,
                                "sources": ["a", "b", "c"], "languages": ["en", "fr"]}, at(0))
    j.apply("stories.escalated", {"story_id": "s1", "severity": "alert"}, at(5))
    j.apply("mobilizations.started", {"mobilization_id": "m1", "story_id": "s1", "title": "Cartoon row"}, at(10))
    j.apply("invitations.sent", {"invitation_id": "i1", "mobilization_id": "m1"}, at(11))
    j.apply("invitations.sent", {"invitation_id": "i2", "mobilization_id": "m1"}, at(11))
    j.apply("invitations.answered", {"invitation_id": "i1", "mobilization_id": "m1", "answer": "declined"}, at(20))
    j.apply("invitations.answered", {"invitation_id": "i2", "mobilization_id": "m1", "answer": "accepted"}, at(30))
    j.apply("drafts.submitted", {"draft_id": "d1", "mobilization_id": "m1"}, at(70))
    j.apply("opeds.approved", {"oped_id": "o1", "mobilization_id": "m1", "story_id": "s1"}, at(100))
    j.apply("translations.ready", {"oped_id": "o1", "lang": "ar"}, at(130))
    j.apply("translations.ready", {"oped_id": "o1", "lang": "fr"}, at(125))
    j.apply("opeds.released", {"distribution_id": "x1", "oped_id": "o1"}, at(160))
    j.apply("stories.flagged", {"story_id": "s2", "title": "Later story"}, at(50))
    return j


def test_timeline_lists_newest_story_first_with_its_progress() -> None:
    """The newest flagged story comes first; the mobilized one shows its escalation and furthest step."""
    rows = flow().timeline()
    assert [r["story_id"] for r in rows] == ["s2", "s1"]
    s1 = rows[1]
    assert s1["severity"] == "alert" and s1["sources"] == 3
    assert s1["escalations"] == [(at(5).isoformat(), "alert")]
    assert (s1["mobilization_id"], s1["furthest"]) == ("m1", "distributed")
    assert rows[0]["furthest"] == ""


def test_funnel_counts_mobilizations_and_median_minutes_per_step() -> None:
    """Each step counts the mobilization once, timed from its start; declines do not count as accepted."""
    funnel = {r["step"]: r for r in flow().funnel()}
    assert [funnel[s]["mobilizations"] for s in ("started", "paged", "accepted", "drafted", "approved",
                                                 "translated", "distributed")] == [1] * 7
    assert funnel["paged"]["messages"] == 2 and funnel["accepted"]["messages"] == 1
    assert funnel["accepted"]["median_minutes"] == 20.0
    assert funnel["translated"]["median_minutes"] == 115.0  # the first language ready
    assert funnel["distributed"]["median_minutes"] == 150.0


def test_occurred_at_wins_over_broker_time_and_feeds_are_counted() -> None:
    """A record's own occurred_at times it; articles are counted per feed over the last hour."""
    j = Journal()
    j.apply("stories.flagged", {"story_id": "s", "occurred_at": "2026-11-28T08:00:00Z"}, at(0))
    assert j.timeline()[0]["flagged_at"].startswith("2026-11-28T08:00")
    for minute in (0, 50, 90):
        j.apply("articles.ingested", {"article_id": f"a{minute}", "feed_id": "7"}, at(minute))
    assert j.feed_activity(at(100)) == [{"feed": "7", "last_hour": 2, "total": 3, "last_at": at(90).isoformat()}]
