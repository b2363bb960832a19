"""Read side for the web console: stories with their evidence, one story in detail, the flag timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .tables import FlagRow, StoryArticleRow, StoryRow


@dataclass(frozen=True)
class StorySummary:
    """One line of the stories list."""

    id: str
    title: str
    severity: str
    score: float
    first_seen: datetime
    last_seen: datetime
    flagged_at: datetime | None
    opened_by: str
    article_count: int
    sources: list[str]
    countries: list[str]
    languages: list[str]
    categories: list[str]
    entities: list[str]


@dataclass(frozen=True)
class StoryArticle:
    """An article of a story with the reasons it was judged polarizing."""

    article_id: str
    title: str
    url: str
    source: str
    lang: str
    country: str
    published: datetime
    score: float
    categories: list[str]
    reasons: list[str]


@dataclass(frozen=True)
class FlagEntry:
    """A step of the timeline: flagged (by spread or by hand) or escalated."""

    story_id: str
    title: str
    kind: str
    severity: str
    previous_severity: str
    opened_by: str
    evidence: dict
    at: datetime


@dataclass(frozen=True)
class StoryDetail:
    """A story, its articles (newest first) and its timeline."""

    story: StorySummary
    summary: str
    articles: list[StoryArticle]
    timeline: list[FlagEntry]


def _summary(row: StoryRow) -> StorySummary:
    cats = sorted((row.categories or {}).items(), key=lambda kv: -kv[1])
    names = sorted((row.names or {}).items(), key=lambda kv: -kv[1])
    return StorySummary(row.id, row.title, row.severity, row.score, row.first_seen, row.last_seen, row.flagged_at,
                        row.opened_by, row.article_count, list(row.sources or []), list(row.countries or []),
                        list(row.languages or []), [c for c, _ in cats], [n for n, _ in names[:8]])


def list_stories(session: Session, *, flagged_only: bool = False, limit: int = 100) -> list[StorySummary]:
    """Stories, most recently active first (only flagged ones if asked)."""
    query = select(StoryRow).order_by(StoryRow.last_seen.desc()).limit(limit)
    if flagged_only:
        query = query.where(StoryRow.severity != "")
    return [_summary(r) for r in session.scalars(query)]


def story_detail(session: Session, story_id: str) -> StoryDetail | None:
    """One story with its articles and reasons and its timeline; None if unknown."""
    row = session.get(StoryRow, story_id)
    if row is None:
        return None
    articles = [StoryArticle(a.article_id, a.title, a.url, a.source, a.lang, a.country, a.published, a.score,
                             list(a.categories or []), list(a.reasons or []))
                for a in session.scalars(select(StoryArticleRow).where(StoryArticleRow.story_id == story_id)
                                         .order_by(StoryArticleRow.published.desc()))]
    timeline = [FlagEntry(f.story_id, row.title, f.kind, f.severity, f.previous_severity, f.opened_by,
                          dict(f.evidence or {}), f.at)
                for f in session.scalars(select(FlagRow).where(FlagRow.story_id == story_id).order_by(FlagRow.at))]
    return StoryDetail(_summary(row), row.summary, articles, timeline)


def flagged_timeline(session: Session, *, limit: int = 200) -> list[FlagEntry]:
    """Every flag and escalation, newest first, with the story's title."""
    rows = session.execute(select(FlagRow, StoryRow.title).join(StoryRow, StoryRow.id == FlagRow.story_id)
                           .order_by(FlagRow.at.desc(), FlagRow.id.desc()).limit(limit)).all()
    return [FlagEntry(f.story_id, title, f.kind, f.severity, f.previous_severity, f.opened_by, dict(f.evidence or {}),
                      f.at) for f, title in rows]
