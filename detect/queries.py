"""Read side for the web console: stories with their evidence, one story in detail, the flag timeline, officers'
decisions (precision per category) and the labeled examples they made."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .tables import DecisionRow, FlagRow, LabeledExampleRow, StoryArticleRow, StoryRow


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
    via: str = "article"


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
class Decision:
    """A duty officer's decision on a story."""

    decision: str
    reason: str
    category: str
    officer: str
    decided_at: datetime


@dataclass(frozen=True)
class StoryDetail:
    """A story, its articles (newest first) and its timeline."""

    story: StorySummary
    summary: str
    articles: list[StoryArticle]
    timeline: list[FlagEntry]
    decision: Decision | None = None


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
                             list(a.categories or []), list(a.reasons or []), a.via or "article")
                for a in session.scalars(select(StoryArticleRow).where(StoryArticleRow.story_id == story_id)
                                         .order_by(StoryArticleRow.published.desc()))]
    timeline = [FlagEntry(f.story_id, row.title, f.kind, f.severity, f.previous_severity, f.opened_by,
                          dict(f.evidence or {}), f.at)
                for f in session.scalars(select(FlagRow).where(FlagRow.story_id == story_id).order_by(FlagRow.at))]
    return StoryDetail(_summary(row), row.summary, articles, timeline, latest_decision(session, story_id))


def flagged_timeline(session: Session, *, limit: int = 200) -> list[FlagEntry]:
    """Every flag and escalation, newest first, with the story's title."""
    rows = session.execute(select(FlagRow, StoryRow.title).join(StoryRow, StoryRow.id == FlagRow.story_id)
                           .order_by(FlagRow.at.desc(), FlagRow.id.desc()).limit(limit)).all()
    return [FlagEntry(f.story_id, title, f.kind, f.severity, f.previous_severity, f.opened_by, dict(f.evidence or {}),
                      f.at) for f, title in rows]


def latest_decision(session: Session, story_id: str) -> Decision | None:
    """The decision that counts for a story (the latest), if any."""
    d = session.scalars(select(DecisionRow).where(DecisionRow.story_id == story_id)
                        .order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc()).limit(1)).first()
    return Decision(d.decision, d.reason, d.category, d.officer, d.decided_at) if d else None


@dataclass(frozen=True)
class CategoryPrecision:
    """Of the stories decided in a category, how many officers confirmed."""

    category: str
    confirmed: int
    decided: int

    @property
    def precision(self) -> float:
        """Confirmed / decided."""
        return self.confirmed / self.decided if self.decided else 0.0


def precision_by_category(session: Session, now: datetime, days: int = 30) -> list[CategoryPrecision]:
    """Precision per category over the stories decided in the last `days` (each story's latest decision counts),
    most decided first, with an "all categories" line last."""
    since = now - timedelta(days=days)
    latest = (select(DecisionRow.story_id, func.max(DecisionRow.id).label("id"))
              .where(DecisionRow.decided_at >= since).group_by(DecisionRow.story_id).subquery())
    rows = session.execute(select(DecisionRow.category, DecisionRow.decision)
                           .join(latest, latest.c.id == DecisionRow.id)).all()
    counts: dict[str, list[int]] = {}
    for category, decision in rows:
        c = counts.setdefault(category or "uncategorized", [0, 0])
        c[0] += decision == "confirmed"
        c[1] += 1
    out = [CategoryPrecision(cat, ok, n) for cat, (ok, n) in sorted(counts.items(), key=lambda kv: (-kv[1][1], kv[0]))]
    if out:
        out.append(CategoryPrecision("all categories", sum(c.confirmed for c in out), sum(c.decided for c in out)))
    return out


def labeled_examples(session: Session) -> Iterator[dict]:
    """Every labeled example from officers' decisions, in the training format
    ``{"title", "summary", "lang", "label", "category"}``, oldest first."""
    query = select(LabeledExampleRow).order_by(LabeledExampleRow.labeled_at, LabeledExampleRow.story_id,
                                               LabeledExampleRow.article_id)
    for e in session.scalars(query):
        yield {"title": e.title, "summary": e.summary, "lang": e.lang, "label": e.label, "category": e.category}
