"""Score, cluster and escalate one article after another: the stream that both the worker and `rrm detect-file`
run (pure: the clock is the articles' own time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .clustering import ArticleView, Story, StoryClusterer
from .escalation import Assessment, assess, decide
from .scoring import Scored, score_article


@dataclass(frozen=True)
class Outcome:
    """What happened to one article: its story (if polarizing) and any flag or escalation it caused."""

    story: Story | None
    announcement: tuple[str, str] | None
    assessment: Assessment | None
    previous_severity: str = ""


def view_of(article_id: str, title: str, published: datetime, scored: Scored, *, source: str = "", lang: str = "",
            country: str = "") -> ArticleView:
    """The article as clustering sees it."""
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return ArticleView(article_id, title, published, source, lang, country, scored.score, scored.polarizing,
                       scored.concepts, scored.names, scored.categories)


class StoryTracker:
    """Clustering plus escalation over a stream of scored articles."""

    def __init__(self, window: timedelta = timedelta(hours=6), min_sources: int = 2,
                 cluster_window: timedelta = timedelta(hours=72)) -> None:
        self.window = window
        self.min_sources = min_sources
        self.clusterer = StoryClusterer(window=cluster_window)

    def track(self, article: ArticleView) -> Outcome:
        """Take one article in (ordinary articles join no story)."""
        if not article.polarizing:
            return Outcome(None, None, None)
        story = self.clusterer.add(article)
        previous = story.severity
        assessment = assess(story, article.published, self.window, self.min_sources)
        return Outcome(story, decide(story, assessment), assessment, previous)


def score(title: str, summary: str, lang: str, threshold: float = 0.5) -> Scored:
    """The scorer, re-exported for callers of the stream."""
    return score_article(title, summary, lang, threshold)
