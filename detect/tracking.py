"""Score, cluster and escalate one article after another: the stream that both the worker and `rrm detect-file`
run (pure: the clock is the articles' own time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .clustering import ArticleView, Link, Story, StoryClusterer
from .escalation import Assessment, assess, decide
from .matching import clean_text, event_handles, full_names, lead, proper_names, role_names
from .scoring import Scored, score_article


@dataclass(frozen=True)
class Outcome:
    """What happened to one article: its story (if polarizing) and any flag or escalation it caused."""

    story: Story | None
    announcement: tuple[str, str] | None
    assessment: Assessment | None
    previous_severity: str = ""
    via: str = ""  # "article": judged polarizing itself; "story": a follow-up linked by shared names
    link: Link | None = None


def view_of(article_id: str, title: str, published: datetime, scored: Scored, *, source: str = "", lang: str = "",
            country: str = "", handles: tuple[str, ...] = (), people: tuple[str, ...] = (),
            names: tuple[str, ...] | None = None, full_names: tuple[str, ...] = ()) -> ArticleView:
    """The article as clustering sees it (`names` replaces the scorer's, e.g. with a trained pipeline's entities)."""
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return ArticleView(article_id, title, published, source, lang, country, scored.score, scored.polarizing,
                       scored.concepts, scored.names if names is None else names, scored.categories, handles,
                       people, full_names)


class StoryTracker:
    """Clustering plus escalation over a stream of scored articles."""

    def __init__(self, window: timedelta = timedelta(hours=6), min_sources: int = 2,
                 cluster_window: timedelta = timedelta(hours=72)) -> None:
        self.window = window
        self.min_sources = min_sources
        self.clusterer = StoryClusterer(window=cluster_window)

    def wants_names(self) -> bool:
        """Whether an ordinary article's names are worth extracting (a flagged story is open to follow-ups)."""
        return self.clusterer.wants_names()

    def link_target(self, article: ArticleView) -> Link | None:
        """The flagged story an ordinary article follows up, if any (changes nothing)."""
        if article.polarizing:
            return None
        return self.clusterer.link_target(article)

    def track(self, article: ArticleView, link: Link | None = None, *, looked_up: bool = False) -> Outcome:
        """Take one article in: a polarizing one joins or opens a story; an ordinary one joins a flagged story it
        follows up (`link`, from `link_target`; looked up here when not given and not `looked_up`), or nothing."""
        if not article.polarizing:
            if link is None and not looked_up:
                link = self.clusterer.link_target(article)
            if link is None:
                return Outcome(None, None, None)
            story = self.clusterer.link(article, link)
            via = "story"
        else:
            story = self.clusterer.add(article)
            via = "article"
        previous = story.severity
        assessment = assess(story, article.published, self.window, self.min_sources)
        return Outcome(story, decide(story, assessment), assessment, previous, via, link)


def names_for(title: str, summary: str, lang: str) -> tuple[str, ...]:
    """The proper names of an article's title and lead (what follow-ups are linked on)."""
    return proper_names(clean_text(title), lead(clean_text(summary)), (lang or "en")[:2])


def handles_for(title: str, summary: str, lang: str) -> tuple[str, ...]:
    """The names an article gives an event ("Orlando" in "the Orlando shooting"), from its title and lead."""
    return event_handles(clean_text(title), lead(clean_text(summary)), (lang or "en")[:2])


def people_for(title: str, summary: str, lang: str) -> tuple[str, ...]:
    """Full names in apposition to an event role ("gunman Omar Mateen"), from the title and lead."""
    return role_names(clean_text(title), lead(clean_text(summary)), (lang or "en")[:2])


def candidate_people(title: str, summary: str, lang: str) -> tuple[str, ...]:
    """Every full name an article may name (runs of capitalized names): what a story's people are looked up among
    (never carried into a story unless a role or a trained pipeline vouches for them)."""
    return full_names(clean_text(title), lead(clean_text(summary)), (lang or "en")[:2])


def score(title: str, summary: str, lang: str, threshold: float = 0.5) -> Scored:
    """The scorer, re-exported for callers of the stream."""
    return score_article(title, summary, lang, threshold)
