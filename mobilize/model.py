"""Pure rules of mobilize/: the states of a mobilization, its draft and its invitations (and which moves between
them are allowed); the shape of a story brief; matching: which members to page for a story, in which order, in
pairs across communities.

Values in, values out; the clock is passed in. Scoring: topic and entity overlap first, then the story's countries
and regions, then languages, then past response; minus recent load, so that nobody is paged every time. Members
over their monthly cap, inactive, already invited, or inside their quiet hours (unless the mobilization is urgent)
are not candidates at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


# ----------------------------------------------------------------------------------------------------------- states
class MobilizationStatus(StrEnum):
    """Where an incident stands. Stored as its value in `mobilize_mobilizations.status`."""

    PAGING = "paging"  # inviting members until the quorum accepts
    DRAFTING = "drafting"  # the co-authors write (also after the officer asked for changes)
    REVIEW = "review"  # a draft waits for the duty officer
    APPROVED = "approved"  # closed: the op-ed is published
    REJECTED = "rejected"  # closed: not published
    STOPPED = "stopped"  # closed by the duty officer


class DraftStatus(StrEnum):
    """Where the shared draft stands. Stored as its value in `mobilize_drafts.status`."""

    EDITING = "editing"
    CHANGES_REQUESTED = "changes_requested"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class InvitationStatus(StrEnum):
    """Where one member's invitation stands. Stored as its value in `mobilize_invitations.status`."""

    SENT = "sent"  # waiting for an answer
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # no answer by the deadline
    WITHDRAWN = "withdrawn"  # no longer needed (quorum reached or mobilization stopped)


M, D = MobilizationStatus, DraftStatus
#: The moves a mobilization may make; a closed one (approved, rejected, stopped) makes none.
MOBILIZATION_MOVES: Mapping[MobilizationStatus, frozenset[MobilizationStatus]] = {
    M.PAGING: frozenset({M.DRAFTING, M.STOPPED}),
    M.DRAFTING: frozenset({M.REVIEW, M.STOPPED}),
    M.REVIEW: frozenset({M.DRAFTING, M.APPROVED, M.REJECTED, M.STOPPED}),
    M.APPROVED: frozenset(), M.REJECTED: frozenset(), M.STOPPED: frozenset(),
}
#: The moves a draft may make.
DRAFT_MOVES: Mapping[DraftStatus, frozenset[DraftStatus]] = {
    D.EDITING: frozenset({D.SUBMITTED}),
    D.CHANGES_REQUESTED: frozenset({D.SUBMITTED}),
    D.SUBMITTED: frozenset({D.CHANGES_REQUESTED, D.APPROVED, D.REJECTED}),
    D.APPROVED: frozenset(), D.REJECTED: frozenset(),
}
del M, D
#: A mobilization in one of these states can still be acted on.
OPEN_STATUSES = (MobilizationStatus.PAGING, MobilizationStatus.DRAFTING, MobilizationStatus.REVIEW)
#: A draft in one of these states can be edited and submitted by its co-authors.
EDITABLE_DRAFT = (DraftStatus.EDITING, DraftStatus.CHANGES_REQUESTED)


class IllegalTransition(ValueError):
    """A state change the rules do not allow (a bug in the caller, never a user's mistake)."""


def mobilization_move(current: str, to: MobilizationStatus) -> MobilizationStatus:
    """`to`, if a mobilization that is `current` may move there; else IllegalTransition."""
    return _move("mobilization", MobilizationStatus, MOBILIZATION_MOVES, current, to)


def draft_move(current: str, to: DraftStatus) -> DraftStatus:
    """`to`, if a draft that is `current` may move there; else IllegalTransition."""
    return _move("draft", DraftStatus, DRAFT_MOVES, current, to)


def _move(what: str, states: type[StrEnum], moves: Mapping, current: str, to: StrEnum) -> StrEnum:
    try:
        here = states(current)
    except ValueError as exc:
        raise IllegalTransition(f"a {what} in the unknown state {current!r} cannot move to {to.value!r}") from exc
    if to not in moves[here]:
        allowed = ", ".join(sorted(s.value for s in moves[here])) or "nothing (it is closed)"
        raise IllegalTransition(f"a {what} that is {here.value!r} cannot become {to.value!r}; it may become: "
                                f"{allowed}")
    return to


# ------------------------------------------------------------------------------------------------------ story brief
def brief_data(*, categories: Iterable[str] = (), reasons: Iterable[str] = (), entities: Iterable[str] = (),
               languages: Iterable[str] = (), countries: Iterable[str] = (), sources: Iterable[str] = (),
               article_ids: Iterable[str] = (), evidence: Mapping | None = None, score: float | None = None,
               opened_by: str = "", summary: str = "") -> dict:
    """What mobilize keeps about a story (`StoryBrief.data`), one shape whether it came from a flag, an
    escalation or an officer's command: what matching reads (categories, entities, countries, languages) and what
    reviewers read (summary, reasons, sources, evidence)."""
    return {
        "categories": list(categories or ()), "reasons": list(reasons or ()), "entities": list(entities or ()),
        "languages": list(languages or ()), "countries": list(countries or ()), "sources": list(sources or ()),
        "article_ids": list(article_ids or ()), "evidence": dict(evidence or {}), "score": score,
        "opened_by": opened_by or "", "summary": summary or "",
    }


@dataclass(frozen=True)
class PieceOrder:
    """One op-ed an officer commissions: "solo" or "pair", and the members proposed for it (empty: page the best
    candidates when it starts)."""

    kind: str = "pair"
    member_ids: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------------------- matching
#: Country (ISO 3166 alpha-2) -> region, for stories that name countries and members who name regions.
_REGION_MEMBERS = {
    "north-africa": "DZ EG LY MA TN SD",
    "middle-east": "SA AE QA KW BH OM YE JO LB SY IQ PS IL IR TR AZ AM GE",
    "sub-saharan-africa": "NG GH SN KE ET ZA UG TZ ML NE CM SO",
    "europe": "FR DE GB UK NL BE ES IT PT SE DK NO FI AT CH IE PL CZ HU GR",
    "eastern-europe": "RU UA BY RS BA AL XK MK",
    "north-america": "US CA",
    "latin-america": "MX BR AR CO CL PE VE",
    "south-asia": "IN PK BD LK NP AF",
    "south-east-asia": "ID MY PH TH VN SG MM",
    "east-asia": "CN JP KR TW HK MN",
    "oceania": "AU NZ",
    "central-asia": "KZ UZ TJ KG TM",
}
REGIONS: dict[str, str] = {code: region for region, codes in _REGION_MEMBERS.items() for code in codes.split()}

WEIGHTS = {"topic": 3.0, "country": 2.0, "region": 1.0, "language": 0.5, "response": 2.0, "load": 1.0}


@dataclass(frozen=True)
class MemberProfile:
    """What matching needs to know about a member."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    cultural_background: str = ""
    faith_background: str = ""
    topics: tuple[str, ...] = ()
    timezone: str = "UTC"
    quiet_start: int | None = None
    quiet_end: int | None = None
    max_per_month: int = 4
    active: bool = True


@dataclass(frozen=True)
class MemberHistory:
    """A member's past invitations: all time, and within the fairness window."""

    invited: int = 0
    accepted: int = 0
    declined: int = 0
    recent: int = 0


@dataclass(frozen=True)
class StoryProfile:
    """What matching needs to know about a story."""

    story_id: str
    title: str = ""
    topics: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A member worth paging, with a score and the reasons people can read."""

    member_id: str
    name: str
    score: float
    community: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    culture: str = ""
    faith: str = ""


def _norm(values) -> set[str]:
    return {re.sub(r"[\s_]+", "-", str(v).strip().lower()) for v in values if str(v).strip()}


def community(member: MemberProfile) -> str:
    """The community a member pairs across: self-declared background, else their first region."""
    parts = [p for p in (member.cultural_background.strip().lower(), member.faith_background.strip().lower()) if p]
    if parts:
        return " / ".join(parts)
    return (member.regions[0].lower() if member.regions else "") or "unspecified"


def in_quiet_hours(member: MemberProfile, now: datetime) -> bool:
    """True when `now` falls in the member's quiet hours, in their own time zone (start inclusive, end exclusive)."""
    if member.quiet_start is None or member.quiet_end is None or member.quiet_start == member.quiet_end:
        return False
    try:
        zone = ZoneInfo(member.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    hour = now.astimezone(zone).hour
    start, end = member.quiet_start % 24, member.quiet_end % 24
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def local_time(member: MemberProfile, now: datetime) -> str:
    """`now` on the member's clock, as HH:MM."""
    try:
        zone = ZoneInfo(member.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).strftime("%H:%M")


def response_rate(history: MemberHistory) -> float:
    """Share of invitations the member answered with a yes, smoothed so that newcomers start at one half."""
    return (history.accepted + 1) / (history.invited + 2)


def score_member(story: StoryProfile, member: MemberProfile, history: MemberHistory) -> tuple[float, list[str]]:
    """A relevance score and its reasons."""
    reasons: list[str] = []
    story_terms = _norm(story.topics) | _norm(story.entities)
    title_words = _norm(re.findall(r"\w+", story.title))
    member_topics = _norm(member.topics)
    topic_hits = sorted(member_topics & story_terms) + sorted((member_topics & title_words) - story_terms)
    score = WEIGHTS["topic"] * len(topic_hits)
    if topic_hits:
        reasons.append("topics: " + ", ".join(topic_hits))
    story_countries = {c.upper() for c in story.countries}
    country_hits = sorted({c.upper() for c in member.countries} & story_countries)
    score += WEIGHTS["country"] * len(country_hits)
    if country_hits:
        reasons.append("countries: " + ", ".join(country_hits))
    story_regions = {REGIONS[c] for c in story_countries if c in REGIONS}
    region_hits = sorted(_norm(member.regions) & story_regions)
    score += WEIGHTS["region"] * len(region_hits)
    if region_hits:
        reasons.append("regions: " + ", ".join(region_hits))
    language_hits = sorted(_norm(member.languages) & _norm(story.languages))
    score += WEIGHTS["language"] * len(language_hits)
    if language_hits:
        reasons.append("languages: " + ", ".join(language_hits))
    rate = response_rate(history)
    score += WEIGHTS["response"] * rate
    if history.invited:
        reasons.append(f"answered yes {history.accepted}/{history.invited}")
    if member.max_per_month > 0:
        score -= WEIGHTS["load"] * history.recent / member.max_per_month * 2
    if history.recent:
        reasons.append(f"paged {history.recent}x lately")
    return round(score, 3), reasons


def exclusion(member: MemberProfile, history: MemberHistory, now: datetime, *, urgent: bool) -> str:
    """Why a member must not be paged now ("" when they may be)."""
    if not member.active:
        return "inactive"
    if history.recent >= member.max_per_month:
        return f"monthly cap reached ({member.max_per_month})"
    if not urgent and in_quiet_hours(member, now):
        return "quiet hours"
    return ""


def rank_members(story: StoryProfile, members: list[MemberProfile], histories: dict[str, MemberHistory],
                 now: datetime, *, urgent: bool = False, exclude: set[str] = frozenset()) -> list[Candidate]:
    """Members who may be paged for `story`, best first (ties broken by id, so the order is stable)."""
    ranked = []
    for member in members:
        if member.id in exclude:
            continue
        history = histories.get(member.id, MemberHistory())
        if exclusion(member, history, now, urgent=urgent):
            continue
        score, reasons = score_member(story, member, history)
        ranked.append(Candidate(member.id, member.name, score, community(member), tuple(reasons),
                                culture=member.cultural_background.strip().lower(),
                                faith=member.faith_background.strip().lower()))
    ranked.sort(key=lambda c: (-c.score, c.member_id))
    return ranked


def distance(a: Candidate, b: Candidate) -> int:
    """How many lines two candidates write across: 2 (cultural and faith), 1 (one of them, or region), 0."""
    if a.culture and b.culture and a.faith and b.faith:
        return (a.culture != b.culture) + (a.faith != b.faith)
    return 1 if a.community != b.community else 0


#: How far down the ranking a partner from another community is looked for before relevance wins.
PARTNER_DEPTH = 8


def choose_wave(ranked: list[Candidate], size: int, *, partners: tuple[str, ...] = ()) -> list[Candidate]:
    """Up to `size` candidates, as pairs across communities.

    The first of each pair is the best candidate whose community is not among `partners` (the communities of
    members who already accepted); the second is, among the next few best, the one who differs most from the
    first (cultural and faith background both differ, else one of them). When nobody differs the best remaining
    one is taken: a same-community pair beats no op-ed.
    """
    pool = list(ranked)
    chosen: list[Candidate] = []
    taken = set(partners)
    while pool and len(chosen) < size:
        if len(chosen) % 2 == 0:
            pick = next((c for c in pool if c.community not in taken), pool[0])
        else:
            anchor = chosen[-1]
            window = [c for c in pool[:PARTNER_DEPTH] if c.community not in taken] or pool[:PARTNER_DEPTH]
            best = max(distance(anchor, c) for c in window)
            pick = next(c for c in window if distance(anchor, c) == best)
        chosen.append(pick)
        pool.remove(pick)
    return chosen


def propose_pairs(ranked: list[Candidate], count: int) -> list[tuple[Candidate, Candidate]]:
    """Up to `count` co-author pairs from different communities (for the officer's page)."""
    chosen = choose_wave(ranked, count * 2)
    return [(chosen[i], chosen[i + 1]) for i in range(0, len(chosen) - 1, 2)]


def propose_pieces(ranked: list[Candidate], kinds: list[str]) -> list[list[Candidate]]:
    """The members proposed for each piece, in order: a pair across communities (as `choose_wave` picks them) or
    the best remaining candidate alone. A piece nobody is left for gets an empty list."""
    pool = list(ranked)
    proposals: list[list[Candidate]] = []
    for kind in kinds:
        chosen = choose_wave(pool, 2 if kind == "pair" else 1)
        for c in chosen:
            pool.remove(c)
        proposals.append(chosen)
    return proposals


#: How a mobilization's state reads on every page (one label, whatever the page).
STATUS_LABELS = {
    "paging": "Paging members", "drafting": "Writing", "review": "Waiting for review",
    "approved": "Approved: translation and distribution follow", "rejected": "Not published",
    "stopped": "Stopped",
    "awaiting_authors": "Waiting for the authors' approval",
}


def status_label(status: str, awaiting_authors: bool = False) -> str:
    """A mobilization's (or piece's) state in words; the same on every page. `awaiting_authors`: the officer
    approved an edited text that waits for its authors' approval (`signoff.final_waiting`), so a piece "in review"
    is no longer waiting for the officer."""
    if awaiting_authors and status == "review":
        status = "awaiting_authors"
    return STATUS_LABELS.get(status, (status or "").replace("_", " "))


def spans_communities(communities: list[str]) -> bool:
    """True when the accepted co-authors come from at least two communities."""
    return len(set(communities)) >= 2
