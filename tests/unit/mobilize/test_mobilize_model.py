"""Matching rules, pure: relevance, pairs across communities, quiet hours, caps and fairness."""

from __future__ import annotations

from datetime import UTC, datetime

from mobilize.model import (
    MemberHistory,
    MemberProfile,
    StoryProfile,
    choose_wave,
    in_quiet_hours,
    rank_members,
)

NOON = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
STORY = StoryProfile("s1", "Quran burning in Stockholm", topics=("religion", "protest"), entities=("Quran",),
                     countries=("SE",), languages=("sv", "en"))


def member(mid: str, **kw) -> MemberProfile:
    return MemberProfile(id=mid, name=mid.title(), **kw)


def test_topic_and_country_matches_rank_first():
    """The member who knows the topic and the country ranks above one who knows neither."""
    ranked = rank_members(STORY, [member("far", topics=("economy",)),
                                  member("near", topics=("quran",), countries=("SE",))], {}, NOON)
    assert [c.member_id for c in ranked] == ["near", "far"]
    assert "topics: quran" in ranked[0].reasons and "countries: SE" in ranked[0].reasons


def test_wave_pairs_members_from_different_communities():
    """Given two strong Muslim candidates and one Lutheran, the first pair spans both communities."""
    ranked = rank_members(STORY, [
        member("a", topics=("quran", "protest"), faith_background="Muslim"),
        member("b", topics=("quran", "protest"), faith_background="Muslim"),
        member("c", topics=("quran",), faith_background="Lutheran"),
    ], {}, NOON)
    pair = choose_wave(ranked, 2)
    assert {c.member_id for c in pair} == {"a", "c"}


def test_replacement_avoids_the_community_already_accepted():
    """With a Muslim author already in, the replacement comes from another community when one is available."""
    ranked = rank_members(STORY, [member("b", topics=("quran", "protest"), faith_background="Muslim"),
                                  member("d", topics=("religion",), faith_background="Jewish")], {}, NOON)
    assert [c.member_id for c in choose_wave(ranked, 1, partners=("muslim",))] == ["d"]


def test_quiet_hours_wrap_midnight_in_member_time_zone():
    """Quiet hours 22-7 in Asia/Karachi cover 20:00 UTC (01:00 there) but not noon UTC (17:00 there)."""
    m = member("k", timezone="Asia/Karachi", quiet_start=22, quiet_end=7)
    assert in_quiet_hours(m, datetime(2026, 11, 28, 20, 0, tzinfo=UTC))
    assert not in_quiet_hours(m, NOON)


def test_quiet_hours_skip_unless_urgent():
    """A member in quiet hours is left out, except in an urgent mobilization."""
    m = member("q", topics=("quran",), quiet_start=11, quiet_end=13)
    assert rank_members(STORY, [m], {}, NOON) == []
    assert [c.member_id for c in rank_members(STORY, [m], {}, NOON, urgent=True)] == ["q"]


def test_monthly_cap_excludes_even_when_urgent():
    """A member paged max_per_month times in the window is not paged again, urgent or not."""
    m = member("busy", topics=("quran",), max_per_month=2)
    assert rank_members(STORY, [m], {"busy": MemberHistory(invited=2, recent=2)}, NOON, urgent=True) == []


def test_recent_load_lowers_rank_so_nobody_is_paged_every_time():
    """Of two equally relevant members, the one paged lately comes second."""
    a, b = member("a", topics=("quran",)), member("b", topics=("quran",))
    ranked = rank_members(STORY, [a, b], {"a": MemberHistory(invited=2, accepted=1, recent=2)}, NOON)
    assert [c.member_id for c in ranked] == ["b", "a"]


def test_past_response_raises_rank():
    """Of two members paged as often, the one who said yes more ranks first."""
    a, b = member("a", topics=("quran",)), member("b", topics=("quran",))
    hist = {"a": MemberHistory(invited=6, accepted=0, recent=0), "b": MemberHistory(invited=6, accepted=5, recent=0)}
    assert [c.member_id for c in rank_members(STORY, [a, b], hist, NOON)] == ["b", "a"]


def test_inactive_members_are_never_candidates():
    """An inactive member is not paged."""
    assert rank_members(STORY, [member("x", topics=("quran",), active=False)], {}, NOON) == []


def test_partner_differs_in_culture_and_faith_when_possible():
    """A Turkish Muslim is paired with a Nordic Lutheran rather than a Somali Muslim ranked just above."""
    ranked = rank_members(STORY, [
        member("mehmet", topics=("quran", "protest", "religion"), cultural_background="Turkish",
               faith_background="Muslim"),
        member("yusuf", topics=("quran", "protest"), cultural_background="Somali", faith_background="Muslim"),
        member("johan", topics=("quran",), cultural_background="Nordic", faith_background="Lutheran"),
    ], {}, NOON)
    assert [c.member_id for c in choose_wave(ranked, 2)] == ["mehmet", "johan"]
