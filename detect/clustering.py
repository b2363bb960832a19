"""Streaming story clustering: polarizing articles about the same event join one story (pure, no I/O).

An article joins the open story it shares the most with: proper names (places, people, organizations, the same in
every Latin-script language once accents are folded: *Erdoğan* = *Erdogan*) and concept ids (MOSQUE, BURN: the same
in every language), within `window` of the story's last article. Articles with no names in common (an Arabic or
Chinese headline about a story told in English elsewhere) join on two shared concepts and the same category inside a
day. Otherwise the article opens a new story. Only polarizing articles are clustered: a story is a flashpoint.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bus.records.base import deterministic_id

#: Names too common in news to tie two articles together on their own.
_WEAK_NAMES = frozenset({"new", "zealand", "united", "states", "us", "uk", "britain", "british", "america", "american",
                         "europe", "european", "france", "french", "germany", "german", "world", "news", "national",
                         "state", "city", "south", "north", "east", "west", "muslim", "muslims", "islamic", "jewish",
                         "christian", "friday", "bbc", "cnn", "reuters", "afp", "video", "photos", "watch"})


@dataclass(frozen=True)
class ArticleView:
    """What clustering and escalation need to know of a scored article."""

    article_id: str
    title: str
    published: datetime
    source: str = ""
    lang: str = ""
    country: str = ""
    score: float = 0.0
    polarizing: bool = False
    concepts: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass
class Story:
    """A cluster of articles about one event, with what a duty officer needs to judge its spread."""

    story_id: str
    title: str
    first_seen: datetime
    last_seen: datetime
    concepts: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    score: float = 0.0
    severity: str = ""
    opened_by: str = ""
    # (published, article_id, source, country, lang) of every article, oldest first
    articles: list[tuple[datetime, str, str, str, str]] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        """Ids of the story's articles, oldest first."""
        return [a[1] for a in self.articles]

    def key_entities(self, n: int = 8) -> list[str]:
        """The names most articles share."""
        return [name for name, _ in self.names.most_common(n)]

    def add(self, article: ArticleView) -> None:
        """Take an article in."""
        self.articles.append((article.published, article.article_id, article.source, article.country, article.lang))
        self.articles.sort(key=lambda a: a[0])
        self.concepts.update(article.concepts)
        self.names.update(n for n in article.names)
        self.categories.update(article.categories)
        self.first_seen = min(self.first_seen, article.published)
        self.last_seen = max(self.last_seen, article.published)
        if article.score > self.score:
            self.score = article.score
            self.title = article.title or self.title


def story_id_for(article_id: str) -> str:
    """A story's id, derived from the article that opened it (so a replay opens the same story)."""
    return deterministic_id("rrm.Story", article_id)


class StoryClusterer:
    """Open stories kept in memory; `add(article)` returns the story the article joined (or opened)."""

    def __init__(self, window: timedelta = timedelta(hours=72), cross_script_window: timedelta = timedelta(hours=24)):
        self.window = window
        self.cross_script_window = cross_script_window
        self.stories: dict[str, Story] = {}

    def restore(self, stories: list[Story]) -> None:
        """Reload open stories (after a restart)."""
        self.stories = {s.story_id: s for s in stories}

    def affinity(self, story: Story, article: ArticleView) -> float:
        """How much an article shares with a story (0: nothing that ties them)."""
        gap = article.published - story.last_seen
        if gap > self.window or story.first_seen - article.published > self.window:
            return 0.0
        names = set(article.names)
        shared = {n for n in names if n in story.names}
        strong = {n for n in shared if n not in _WEAK_NAMES}
        concepts = {c for c in article.concepts if story.concepts.get(c)}
        same_category = bool(set(article.categories) & set(story.categories))
        if (len(strong) >= 2 and (concepts or same_category)) or (strong and concepts and same_category):
            return 2.0 * len(strong) + len(concepts) + (1 if same_category else 0)
        if len(concepts) >= 2 and same_category and abs(gap) <= self.cross_script_window and (
                not names or not story.names or len(shared) >= 1):
            return 0.5 + len(concepts) * 0.1
        return 0.0

    def add(self, article: ArticleView) -> Story:
        """Put a polarizing article into its story; returns the story."""
        self.expire(article.published)
        best, best_affinity = None, 0.0
        for story in self.stories.values():
            a = self.affinity(story, article)
            if a > best_affinity:
                best, best_affinity = story, a
        if best is None:
            best = Story(story_id_for(article.article_id), article.title, article.published, article.published)
            self.stories[best.story_id] = best
        best.add(article)
        return best

    def expire(self, now: datetime) -> None:
        """Forget stories quiet for longer than the window (they stay in the store)."""
        for sid in [sid for sid, s in self.stories.items() if now - s.last_seen > self.window * 2]:
            del self.stories[sid]
