"""Use cases of detect/: score an ingested article, put a scored one into its story (and flag or escalate the story),
open a story by hand. Dependencies come in as arguments; events leave through the outbox with the state change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import ArticleIngested, ArticleScored, OpenStory, StoryEscalated, StoryFlagged, utcnow
from db.idempotency import first_time
from db.outbox import add_to_outbox

from .clustering import ArticleView, Link, Story
from .escalation import SEVERITIES, rank
from .matching import opening_names
from .scoring import score_article
from .tables import DecisionRow, FlagRow, LabeledExampleRow, StoryArticleRow, StoryRow
from .tracking import Outcome, StoryTracker, candidate_people, handles_for, names_for, people_for

CLUSTER_CONSUMER = "detect.cluster"
OPEN_CONSUMER = "detect.open"


class DetectError(ValueError):
    """A command that makes no sense (it goes to `rejected`)."""


def score_ingested(record: ArticleIngested, threshold: float = 0.5,
                   entities: Callable[[str, str], tuple[str, ...]] | None = None) -> ArticleScored:
    """Score one ingested article (stateless: any worker of the group may do it). Every article carries its proper
    names (what clustering joins polarizing articles on and links ordinary ones to open stories by: worked out here,
    where the work scales across workers, not in the one clustering worker); a trained pipeline's entities, if given,
    are added to the names of polarizing articles."""
    scored = score_article(record.title, record.summary, record.lang or "en", threshold, names=True)
    names = list(scored.names)
    if entities is not None and scored.polarizing:
        names.extend(n for n in entities(f"{record.title}. {record.summary}", record.lang or "en") if n not in names)
    return ArticleScored.make(
        article_id=record.article_id, score=scored.score, polarizing=scored.polarizing,
        categories=list(scored.categories), reasons=list(scored.reasons), title=record.title, url=record.url,
        lang=record.lang, source=record.outlet or record.source, country=record.country,
        published=record.published or record.occurred_at, summary=record.summary[:2000],
        concepts=list(scored.concepts), names=names,
    )


def view_of_scored(record: ArticleScored, *, names: tuple[str, ...] | None = None, handles: tuple[str, ...] = (),
                   full_names: tuple[str, ...] = ()) -> ArticleView:
    """The scored record as clustering sees it; its time is the publication time, never in the future. An ordinary
    article's view may be given its names, event names and full names (`link_view`) so that it is built once."""
    now = utcnow()
    published = record.published or record.occurred_at or now
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    summary = record.summary or ""
    if names is None:
        names = tuple(record.names or ())
    people: tuple[str, ...] = ()
    if record.polarizing:
        # the event's name and people (for follow-ups); a polarizing record's names of two words or more came from
        # the trained pipeline (score_ingested), and stand for the event's people and places
        handles = handles_for(record.title, summary, record.lang)
        people = tuple(dict.fromkeys([*people_for(record.title, summary, record.lang),
                                      *(n for n in names if " " in n)]))
    return ArticleView(record.article_id, record.title, min(published, now), record.source, record.lang,
                       record.country, record.score, record.polarizing, tuple(record.concepts or ()),
                       names, tuple(record.categories or ()), handles, people, full_names)


def _save_story(session: Session, story: Story, now: datetime) -> StoryRow:
    row = session.get(StoryRow, story.story_id)
    if row is None:
        row = StoryRow(id=story.story_id, title=story.title, summary="", first_seen=story.first_seen,
                       last_seen=story.last_seen, severity="", flagged_at=None, opened_by=story.opened_by,
                       score=0.0, article_count=0, languages=[], countries=[], sources=[], names={}, concepts={},
                       categories={}, updated_at=now)
        session.add(row)
    row.title = story.title
    row.first_seen, row.last_seen = story.first_seen, story.last_seen
    row.score = story.score
    row.article_count = len(story.articles)
    row.sources = sorted({a[2] for a in story.articles if a[2]})
    row.countries = sorted({a[3] for a in story.articles if a[3]})
    row.languages = sorted({a[4] for a in story.articles if a[4]})
    row.names = dict(story.names.most_common(40))
    row.concepts = dict(story.concepts)
    row.categories = dict(story.categories)
    row.updated_at = now
    return row


def _flagged_record(story: Story, row: StoryRow, severity: str, evidence: dict, opened_by: str = "") -> StoryFlagged:
    return StoryFlagged(
        story_id=story.story_id, title=story.title, severity=severity, score=story.score,
        categories=[c for c, _ in story.categories.most_common()], reasons=evidence.get("reasons", []),
        entities=story.key_entities(), languages=row.languages, countries=row.countries, sources=row.sources,
        article_ids=story.article_ids, first_seen=story.first_seen, evidence=evidence, opened_by=opened_by,
    )


def link_view(tracker: StoryTracker, record: ArticleScored) -> tuple[ArticleView, Link | None]:
    """An ordinary article as clustering sees it, with its names when a story is open, and the story it follows up
    (if any). Pure with respect to the store; counts the article's names in the tracker's stream statistics."""
    if record.polarizing or not tracker.wants_names():
        return view_of_scored(record), None
    # the scorer gives every article its names (an empty list: it has none); a record written before it did is read
    names = tuple(record.names) if record.names is not None else names_for(record.title, record.summary, record.lang)
    clusterer = tracker.clusterer
    handles: tuple[str, ...] = ()
    full: tuple[str, ...] = ()
    if clusterer.handle_words or clusterer.person_words:  # a follow-up by the event's name or one of its people?
        words = {*names, *opening_names(record.title, record.summary or "", record.lang or "en")}
        if clusterer.may_name_an_event(words):
            handles = handles_for(record.title, record.summary or "", record.lang)
        if clusterer.may_name_a_person(words):
            full = candidate_people(record.title, record.summary or "", record.lang)
    view = view_of_scored(record, names=names, handles=handles, full_names=full)  # built once: news is mostly this
    clusterer.count_names(names)
    link = tracker.link_target(view)
    if link is not None and link.tie in ("event", "person"):  # its people are carried forward: read them
        view = replace(view, people=people_for(record.title, record.summary or "", record.lang))
    return view, link


def handle_scored(session: Session, tracker: StoryTracker, record: ArticleScored) -> Outcome | None:
    """Put a scored article into its story; flag or escalate the story when its spread says so. An ordinary
    article that follows up an open story (shared distinctive names, `clustering.link_target`) joins it with
    `via="story"` and counts toward its spread.

    Idempotent: a redelivered message changes nothing (the processed marker is written in this transaction).
    """
    link = None
    view = view_of_scored(record)
    if not record.polarizing:
        view, link = link_view(tracker, record)
        if link is None:  # no effect, so nothing to remember: ordinary news costs no write
            return Outcome(None, None, None)
    if not first_time(session, CLUSTER_CONSUMER, record.message_id):
        return None
    now = utcnow()
    outcome = tracker.track(view, link)
    story = outcome.story
    assert story is not None
    row = _save_story(session, story, now)
    reasons = list(record.reasons or [])
    categories = list(record.categories or [])
    if link is not None:
        reasons.insert(0, link.reason())
        categories = [c for c, _ in story.categories.most_common(2)]
    session.merge(StoryArticleRow(
        story_id=story.story_id, article_id=record.article_id, title=record.title, url=record.url,
        source=record.source, lang=record.lang, country=record.country, published=view.published,
        score=record.score, categories=categories, reasons=reasons, added_at=now, via=outcome.via or "article",
        summary=(record.summary or "")[:2000],
    ))
    if outcome.announcement and outcome.assessment:
        kind, severity = outcome.announcement
        evidence = dict(outcome.assessment.evidence)
        evidence["reasons"] = _story_reasons(session, story.story_id, record)
        row.severity = severity
        session.add(FlagRow(story_id=story.story_id, kind=kind, severity=severity,
                            previous_severity=outcome.previous_severity, opened_by="", evidence=evidence, at=now))
        if kind == "flagged":
            row.flagged_at = now
            add_to_outbox(session, "stories.flagged", _flagged_record(story, row, severity, evidence))
        else:
            add_to_outbox(session, "stories.escalated", StoryEscalated(
                story_id=story.story_id, title=story.title, previous_severity=outcome.previous_severity,
                severity=severity, evidence=evidence))
    return outcome


def _story_reasons(session: Session, story_id: str, record: ArticleScored) -> list[str]:
    reasons = list(record.reasons or [])[:3]
    for r in session.scalars(select(StoryArticleRow.reasons).where(StoryArticleRow.story_id == story_id).limit(5)):
        for reason in (r or [])[:1]:
            if reason not in reasons:
                reasons.append(reason)
    return reasons[:8]


def handle_open_story(session: Session, tracker: StoryTracker | None, record: OpenStory) -> str:
    """A duty officer opens a story by hand: flag it (once), or raise its severity; returns what happened."""
    if record.severity not in SEVERITIES:
        raise DetectError(f"unknown severity {record.severity!r}: use one of {', '.join(SEVERITIES)}")
    if not record.story_id:
        raise DetectError("OpenStory needs a story_id")
    if not first_time(session, OPEN_CONSUMER, record.message_id):
        return "duplicate"
    now = utcnow()
    row = session.get(StoryRow, record.story_id)
    if row is None:
        if not record.title.strip():
            raise DetectError("a new story opened by hand needs a title")
        row = StoryRow(id=record.story_id, title=record.title.strip()[:500], summary=record.summary[:4000],
                       first_seen=now, last_seen=now, severity="", flagged_at=None, opened_by=record.officer,
                       score=1.0, article_count=0, languages=[], countries=[], sources=[], names={}, concepts={},
                       categories={"opened_by_hand": 1}, updated_at=now)
        session.add(row)
        session.flush()
    story = tracker.clusterer.stories.get(row.id) if tracker else None
    evidence = {"opened_by": record.officer, "rule": "opened by hand", "summary": record.summary[:1000]}
    if not row.severity:
        row.severity, row.flagged_at, row.opened_by, row.updated_at = record.severity, now, record.officer, now
        if story is not None:
            story.severity, story.opened_by = record.severity, record.officer
        session.add(FlagRow(story_id=row.id, kind="flagged", severity=record.severity, previous_severity="",
                            opened_by=record.officer, evidence=evidence, at=now))
        add_to_outbox(session, "stories.flagged", StoryFlagged(
            story_id=row.id, title=row.title, severity=record.severity, score=row.score,
            categories=list(row.categories or {}), reasons=[f"opened by hand by {record.officer}"],
            entities=list(row.names or {})[:8], languages=row.languages, countries=row.countries,
            sources=row.sources, article_ids=_article_ids(session, row.id), first_seen=row.first_seen,
            evidence=evidence, opened_by=record.officer))
        return "flagged"
    if rank(record.severity) > rank(row.severity):
        previous = row.severity
        row.severity, row.updated_at = record.severity, now
        if story is not None:
            story.severity = record.severity
        session.add(FlagRow(story_id=row.id, kind="escalated", severity=record.severity, previous_severity=previous,
                            opened_by=record.officer, evidence=evidence, at=now))
        add_to_outbox(session, "stories.escalated", StoryEscalated(
            story_id=row.id, title=row.title, previous_severity=previous, severity=record.severity,
            evidence=evidence, opened_by=record.officer))
        return "escalated"
    return "unchanged"


def _article_ids(session: Session, story_id: str) -> list[str]:
    return list(session.scalars(select(StoryArticleRow.article_id).where(StoryArticleRow.story_id == story_id)
                                .order_by(StoryArticleRow.published)))


def request_open_story(session: Session, *, officer: str, title: str = "", summary: str = "",
                       story_id: str = "", severity: str = "alert") -> str:
    """For the web console: queue an `OpenStory` command (through the outbox); returns the story id."""
    from bus.records.base import deterministic_id

    if severity not in SEVERITIES:
        raise DetectError(f"unknown severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    if not story_id:
        if not title.strip():
            raise DetectError("give the story a title")
        story_id = deterministic_id("rrm.Story.hand", officer, title.strip(), utcnow().isoformat())
    elif session.get(StoryRow, story_id) is None:
        raise DetectError("no such story")
    add_to_outbox(session, "detect.commands", OpenStory(story_id=story_id, title=title, summary=summary,
                                                        officer=officer, severity=severity))
    return story_id


def restore_tracker(session: Session, tracker: StoryTracker, now: datetime | None = None) -> int:
    """Reload the open stories of the last cluster window into the tracker (after a restart or a rollback), with the
    event's names and people read again from their stored articles, so follow-ups still join after a restart."""
    from collections import Counter

    now = now or utcnow()
    horizon = now - tracker.clusterer.window * 2
    rows = session.scalars(select(StoryRow).where(StoryRow.last_seen >= horizon, StoryRow.article_count > 0)).all()
    stories = []
    for row in rows:
        story = Story(row.id, row.title, row.first_seen, row.last_seen, Counter(row.concepts or {}),
                      Counter(row.names or {}), Counter(row.categories or {}), row.score, row.severity, row.opened_by)
        for a in session.scalars(select(StoryArticleRow).where(StoryArticleRow.story_id == row.id)):
            story.articles.append((a.published, a.article_id, a.source, a.country, a.lang))
            story.linked += a.via == "story"
            if a.via != "story":  # the event's name and people, read again from its own articles (view_of_scored)
                story.handles.update(handles_for(a.title, a.summary or "", a.lang))
                story.people.update(p for p in people_for(a.title, a.summary or "", a.lang) if " " in p)
        story.people.update(n for n in story.names if " " in n)  # names of two words came from the NER pipeline
        story.articles.sort(key=lambda a: a[0])
        stories.append(story)
    tracker.clusterer.restore(stories)
    return len(stories)


def tracker_for(window_minutes: int, min_sources: int) -> StoryTracker:
    """A tracker with the configured spread window."""
    return StoryTracker(window=timedelta(minutes=window_minutes), min_sources=min_sources)


#: What a duty officer may decide about a story, and the reasons a dismissal may give.
DECISIONS = ("confirmed", "dismissed")
DISMISS_REASONS = {
    "false_alarm": "False alarm: not a polarizing event",
    "outside_mandate": "Outside the mandate",
    "already_covered": "Already covered",
}


def label_for(decision: str, reason: str, category: str) -> tuple[str, str]:
    """The training label and category a decision gives the story's articles: a confirmed story's articles are
    polarizing in its category; an already covered one is a real event too; a false alarm or a story outside the
    mandate is ordinary (category ``ord_<reason>``, so the classifier learns what officers turn down)."""
    if decision == "confirmed" or reason == "already_covered":
        return "polarizing", category or "polarizing"
    return "ordinary", f"ord_{reason}"


def decide_story(session: Session, *, story_id: str, officer: str, decision: str, reason: str = "",
                 now: datetime | None = None) -> DecisionRow:
    """A duty officer confirms a story or dismisses it with a reason; its articles become labeled examples (the
    latest decision on a story sets their label). Returns the decision row."""
    if decision not in DECISIONS:
        raise DetectError(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
    if decision == "dismissed" and reason not in DISMISS_REASONS:
        raise DetectError(f"a dismissal needs a reason: one of {', '.join(DISMISS_REASONS)}")
    if decision == "confirmed":
        reason = ""
    row = session.get(StoryRow, story_id)
    if row is None:
        raise DetectError("no such story")
    now = now or utcnow()
    category = max((row.categories or {}).items(), key=lambda kv: kv[1], default=("", 0))[0]
    decided = DecisionRow(story_id=story_id, decision=decision, reason=reason, category=category,
                          officer=officer, decided_at=now)
    session.add(decided)
    session.flush()
    label, example_category = label_for(decision, reason, category)
    for a in session.scalars(select(StoryArticleRow).where(StoryArticleRow.story_id == story_id)):
        session.merge(LabeledExampleRow(story_id=story_id, article_id=a.article_id, decision_id=decided.id,
                                        title=a.title, summary=a.summary or "", lang=a.lang or "", label=label,
                                        category=example_category, labeled_at=now))
    return decided
