"""ingest/'s read side, for the console's pages and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .tables import Feed, SeenArticle


@dataclass(frozen=True)
class FeedRow:
    """A feed as the Feeds page shows it."""

    id: int
    url: str
    name: str
    lang: str
    country: str
    outlet: str
    interval_s: int
    enabled: bool
    origin: str
    health: str  # "ok", "failing", "new", "paused"
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str
    last_note: str
    last_status: int
    consecutive_failures: int
    items_seen: int
    items_rejected: int
    polls: int
    next_poll_at: datetime | None


def health_of(feed: Feed) -> str:
    """`paused` (disabled), `new` (never polled), `failing` (the last poll failed) or `ok`."""
    if not feed.enabled:
        return "paused"
    if feed.consecutive_failures:
        return "failing"
    if feed.last_success_at is None:
        return "new"
    return "ok"


def _row(feed: Feed) -> FeedRow:
    return FeedRow(
        id=feed.id, url=feed.url, name=feed.name, lang=feed.lang, country=feed.country, outlet=feed.outlet,
        interval_s=feed.interval_s, enabled=feed.enabled, origin=feed.origin, health=health_of(feed),
        last_polled_at=feed.last_polled_at, last_success_at=feed.last_success_at, last_error_at=feed.last_error_at,
        last_error=feed.last_error, last_note=feed.last_note, last_status=feed.last_status,
        consecutive_failures=feed.consecutive_failures, items_seen=feed.items_seen,
        items_rejected=feed.items_rejected, polls=feed.polls, next_poll_at=feed.next_poll_at,
    )


def list_feeds(sessions: sessionmaker[Session]) -> list[FeedRow]:
    """Every registered feed with its health: failing ones first, then by name."""
    with sessions() as session:
        feeds = session.scalars(select(Feed)).all()
        rows = [_row(f) for f in feeds]
    order = {"failing": 0, "new": 1, "ok": 2, "paused": 3}
    return sorted(rows, key=lambda r: (order[r.health], (r.name or r.url).lower()))


def get_feed(sessions: sessionmaker[Session], feed_id: int) -> FeedRow | None:
    """One feed, or None."""
    with sessions() as session:
        feed = session.get(Feed, feed_id)
        return _row(feed) if feed is not None else None


@dataclass(frozen=True)
class IngestSummary:
    """Counts for a dashboard tile."""

    feeds: int
    enabled: int
    failing: int
    articles: int
    near_duplicates: int
    articles_since: int


def summary(sessions: sessionmaker[Session], since: datetime) -> IngestSummary:
    """How many feeds (enabled, failing) and articles (all, near-duplicates, since `since`) there are."""
    with sessions() as session:
        feeds = session.scalar(select(func.count()).select_from(Feed)) or 0
        enabled = session.scalar(select(func.count()).where(Feed.enabled.is_(True))) or 0
        failing = session.scalar(select(func.count()).where(Feed.enabled.is_(True),
                                                            Feed.consecutive_failures > 0)) or 0
        articles = session.scalar(select(func.count()).select_from(SeenArticle)) or 0
        near = session.scalar(select(func.count()).where(SeenArticle.near_duplicate_of != "")) or 0
        recent = session.scalar(select(func.count()).where(SeenArticle.first_seen_at >= since)) or 0
    return IngestSummary(feeds, enabled, failing, articles, near, recent)


@dataclass(frozen=True)
class SeenRow:
    """An article ingest has published."""

    article_id: str
    url: str
    title: str
    lang: str
    source: str
    published: datetime | None
    first_seen_at: datetime
    near_duplicate_of: str


def recent_articles(sessions: sessionmaker[Session], limit: int = 50, feed_id: int | None = None) -> list[SeenRow]:
    """The latest articles published (of one feed, or all)."""
    query = select(SeenArticle).order_by(SeenArticle.first_seen_at.desc()).limit(limit)
    if feed_id is not None:
        query = query.where(SeenArticle.feed_id == feed_id)
    with sessions() as session:
        return [SeenRow(a.article_id, a.url, a.title, a.lang, a.source, a.published, a.first_seen_at,
                        a.near_duplicate_of) for a in session.scalars(query)]
