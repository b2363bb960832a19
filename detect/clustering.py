"""Streaming story clustering: polarizing articles about the same event join one story (pure, no I/O).

An article joins the open story it shares the most with: proper names (places, people, organizations, the same in
every Latin-script language once accents are folded: *Erdoğan* = *Erdogan*) and concept ids (MOSQUE, BURN: the same
in every language), within `window` of the story's last article. Articles with no names in common (an Arabic or
Chinese headline about a story told in English elsewhere) join on two shared concepts and the same category inside a
day. Otherwise the article opens a new story. Only polarizing articles open stories: a story is a flashpoint.

**Follow-ups.** An article with no polarizing word of its own (the trial, the victims' funerals, the arrests, the
reactions) joins a story when it shares at least two of the story's distinctive names (the town, the victims, the
accused, the publication, the building) within the window and names one of the story's concepts (the mosque, the
gunman, the riots; a death or a protest is too common), or three such names without: `link_target` / `link`. A
name is distinctive when it is no country, weekday or outlet (`_WEAK_NAMES`) and occurs in at most 0.1 % of the
articles seen (a rolling count, taken when the name entered the story; until 2,000 articles are seen, one more name
is needed). Follow-ups come later than a burst: the link window is a week after the story's last article
(`link_window`), while polarizing articles cluster within 72 h. A follow-up counts toward the story's spread and
velocity, never toward what the story is about.

Two stronger ties link on one name, because the name plays a role in both articles:

- **The event's name** (`matching.event_handles`): a story whose flagged article calls the event "the Orlando
  shooting" or "l'attentat de Strasbourg" is followed up by "the Orlando gunman", "vigils for Orlando victims". The
  name must be distinctive when it entered the story (a city in the news every day, a country, is not), and the
  follow-up must use it as an event's name too, not merely mention it.
- **The event's people**: full names of two or more words that a trained NER pipeline tagged in the story's flagged
  articles (`entities.py`, where one is installed), or that stand in apposition to an event role ("gunman Omar
  Mateen", "the accused Khairi Saadallah", `matching.role_names`), carried forward from follow-ups linked by these
  ties too. A later article naming the same person in full, and one more thing of the event's (another of its
  names, one of its concepts), joins the story within `person_window` (trials and sentences come weeks later); the
  surname must be rare in the stream outside the story (a president reacting to every event is nobody's person).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bus.records.base import deterministic_id

#: Names too common in news to tie two articles together on their own.
_WEAK_NAMES = frozenset({"new", "zealand", "united", "states", "us", "uk", "britain", "british", "america", "american",
                         "europe", "european", "france", "french", "germany", "german", "world", "news", "national",
                         "state", "city", "south", "north", "east", "west", "muslim", "muslims", "islamic", "jewish",
                         "christian", "friday", "bbc", "cnn", "reuters", "afp", "video", "photos", "watch"})


#: Concepts too common in news to tie a follow-up to a story on their own (a death, a protest).
_GENERIC_CONCEPTS = frozenset({"KILL", "FIRE", "PROTEST"})


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
    handles: tuple[str, ...] = ()  # names used as the name of an event ("Orlando" in "the Orlando shooting")
    people: tuple[str, ...] = ()  # full names of the event's people (NER persons, names in apposition to a role)
    full_names: tuple[str, ...] = ()  # every run of capitalized names: where a story's people are looked up


@dataclass(frozen=True)
class Link:
    """Why an article with no polarizing word of its own joins a flagged story: the distinctive names they share."""

    story: Story
    names: tuple[str, ...]
    tie: str = "names"  # "names": distinctive names; "event": the event's name; "person": a person's full name

    def reason(self) -> str:
        """The line a duty officer reads."""
        what = {"event": "the event's name ", "person": "the full name "}.get(self.tie, "")
        return f"follow-up of story '{self.story.title[:80]}': shares {what}{', '.join(self.names)}"


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
    linked: int = 0  # articles that joined as follow-ups (via story), not by their own judgement
    # how often each of the story's names had been seen in the stream when it entered the story: a name that is
    # frequent only because of this story is still distinctive of it
    name_baseline: dict[str, int] = field(default_factory=dict)
    handles: Counter = field(default_factory=Counter)  # the event's names, from the story's own articles
    people: Counter = field(default_factory=Counter)  # the event's people, carried forward from strong follow-ups
    linked_names: Counter = field(default_factory=Counter)  # names of the follow-ups (counted, never matched on)
    # (published, article_id, source, country, lang) of every article, oldest first
    articles: list[tuple[datetime, str, str, str, str]] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        """Ids of the story's articles, oldest first."""
        return [a[1] for a in self.articles]

    def key_entities(self, n: int = 8) -> list[str]:
        """The names most articles share."""
        return [name for name, _ in self.names.most_common(n)]

    def add(self, article: ArticleView, *, linked: bool = False) -> None:
        """Take an article in; a linked follow-up counts toward spread but does not change what the story is about
        (its names, concepts, categories, title), so a story cannot drift from follow-up to follow-up."""
        self.articles.append((article.published, article.article_id, article.source, article.country, article.lang))
        self.articles.sort(key=lambda a: a[0])
        self.first_seen = min(self.first_seen, article.published)
        self.last_seen = max(self.last_seen, article.published)
        if linked:
            self.linked += 1
            self.linked_names.update(set(article.names))
            return
        self.handles.update(article.handles)
        self.people.update(p for p in article.people if " " in p)
        self.concepts.update(article.concepts)
        self.names.update(n for n in article.names)
        self.categories.update(article.categories)
        if article.score > self.score:
            self.score = article.score
            self.title = article.title or self.title


def story_id_for(article_id: str) -> str:
    """A story's id, derived from the article that opened it (so a replay opens the same story)."""
    return deterministic_id("rrm.Story", article_id)


class StoryClusterer:
    """Open stories kept in memory; `add(article)` returns the story the article joined (or opened)."""

    def __init__(self, window: timedelta = timedelta(hours=72), cross_script_window: timedelta = timedelta(hours=24),
                 min_link_names: int = 2, max_name_share: float = 0.001, df_horizon: int = 50_000,
                 link_window: timedelta = timedelta(days=7), warm_up: int = 2000,
                 person_window: timedelta = timedelta(days=30)):
        self.window = window
        self.cross_script_window = cross_script_window
        self.stories: dict[str, Story] = {}
        self.min_link_names = min_link_names
        self.warm_up = warm_up
        self.link_window = link_window
        self.person_window = person_window
        self.max_name_share = max_name_share
        self.df_horizon = df_horizon
        self.name_counts: Counter = Counter()
        self.seen_articles = 0
        self.by_name: dict[str, set[str]] = {}  # name -> ids of open stories that carry it (follow-up look-up)
        self.person_words: Counter = Counter()  # words of the open stories' people (is a person tie possible?)
        self.handle_words: Counter = Counter()  # the open stories' event names (is an event tie possible?)

    def restore(self, stories: list[Story]) -> None:
        """Reload open stories (after a restart)."""
        self.stories = {s.story_id: s for s in stories}
        self.by_name = {}
        self.person_words = Counter(w for s in stories for p in s.people for w in p.split())
        self.handle_words = Counter(h for s in stories for h in s.handles)
        for story in stories:
            for name in [*story.names, *story.handles, *(w for p in story.people for w in p.split())]:
                self.by_name.setdefault(name, set()).add(story.story_id)

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
        self._index(best, [*article.names, *article.handles, *(w for p in article.people for w in p.split())])
        self.person_words.update(w for p in article.people if " " in p and not best.people.get(p) for w in p.split())
        self.handle_words.update(h for h in article.handles if not best.handles.get(h))
        best.add(article)
        return best

    def may_name_a_person(self, words: Iterable[str]) -> bool:
        """Whether an article's words (folded names, or `matching.hint_words`) include a word of an open story's
        people (then its full names are worth reading: `ArticleView.full_names`)."""
        return bool(self.person_words) and not self.person_words.keys().isdisjoint(words)

    def may_name_an_event(self, words: Iterable[str]) -> bool:
        """Whether an article's words include an open story's event name (then its handles are worth reading)."""
        return bool(self.handle_words) and not self.handle_words.keys().isdisjoint(words)

    def _index(self, story: Story, names: list[str]) -> None:
        """Remember which story carries which names (and how common each was when it entered the story)."""
        for name in names:
            if name not in story.name_baseline:
                story.name_baseline[name] = max(0, self.name_counts.get(name, 0) - 1)
            self.by_name.setdefault(name, set()).add(story.story_id)

    def count_names(self, names: tuple[str, ...]) -> None:
        """Remember how often names occur in the stream (what makes a name distinctive)."""
        self.seen_articles += 1
        self.name_counts.update(set(names))
        if self.seen_articles >= self.df_horizon:  # a rolling estimate: halve the counts now and then
            self.seen_articles //= 2
            self.name_counts = Counter({n: c // 2 for n, c in self.name_counts.items() if c >= 2})

    def distinctive(self, name: str, story: Story | None = None) -> bool:
        """A name rare in the stream: not a country or a weekday, not in more than 0.1 % of articles (counted when
        it entered `story`, so the story's own coverage does not make its names common)."""
        if name in _WEAK_NAMES or len(name) < 3:
            return False
        count = self.name_counts.get(name, 0)
        if story is not None:
            count = story.name_baseline.get(name, 0)
        return count <= max(3, self.seen_articles * self.max_name_share)

    def rare_elsewhere(self, name: str, story: Story) -> bool:
        """A name rare in the stream *outside the story's own articles*, now: a politician whom every day's news
        names is no person of one event, even when the story was the first to name them."""
        own = story.names.get(name, 0) + story.linked_names.get(name, 0)
        return self.name_counts.get(name, 0) - own <= max(3, self.seen_articles * self.max_name_share)

    def wants_names(self) -> bool:
        """Whether any story is open, so ordinary articles are worth checking for a link."""
        return bool(self.stories)

    def link_target(self, article: ArticleView) -> Link | None:
        """The story an ordinary article follows up, if it shares at least `min_link_names` distinctive names with
        it within the window (pure: changes nothing). Every story is a flashpoint (opened by an article judged
        polarizing), so a follow-up may be what flags it on spread."""
        names = set(article.names)
        hits: Counter = Counter()
        for name in names | set(article.handles) | {w for p in article.full_names for w in p.split()}:
            hits.update(self.by_name.get(name, ()))
        strong = self._strong_link(article, names, hits)
        if strong is not None or len(names) < self.min_link_names:
            return strong
        best: Link | None = None
        for story_id, count in hits.items():
            story = self.stories.get(story_id)
            if story is None or count < self.min_link_names:
                continue
            if article.published - story.last_seen > self.link_window or story.first_seen > article.published:
                continue
            shared = tuple(sorted(n for n in names if story.names.get(n) and self.distinctive(n, story)))
            # two names and a concept of the story's (the mosque, the gunman, the riots; a death is too common), or
            # three names; one more while the stream is too short to tell rare names from common ones
            same_kind = any(story.concepts.get(c) for c in article.concepts if c not in _GENERIC_CONCEPTS)
            needed = self.min_link_names + (0 if same_kind else 1) + (self.seen_articles < self.warm_up)
            enough = len(shared) >= needed
            if enough and (best is None or len(shared) > len(best.names)):
                best = Link(story, shared)
        return best

    def _strong_link(self, article: ArticleView, names: set[str], hits: Counter) -> Link | None:
        """A tie on one name that plays a role in both articles: the event's name, or a person's full name."""
        best: Link | None = None
        words = names | {w for p in (*article.people, *article.full_names) for w in p.split()}
        for story_id in hits:
            story = self.stories.get(story_id)
            if story is None or story.first_seen > article.published:
                continue
            gap = article.published - story.last_seen
            if gap <= self.link_window and article.handles:
                shared = tuple(sorted(h for h in article.handles if story.handles.get(h)
                                      and self.distinctive(h, story)))
                if shared:
                    return Link(story, shared, "event")
            if gap <= self.person_window and best is None and story.people:
                # the surname must be rare: a president reacting to every event is not one of its people
                people = tuple(sorted(p for p in story.people if set(p.split()) <= words
                                      and self.distinctive(p.split()[-1], story)
                                      and self.rare_elsewhere(p.split()[-1], story)))
                if not people:
                    continue
                # and one more thing of the event's: another of its names, its own concept (the mosque, the gunman)
                own = {w for p in people for w in p.split()}
                more = any(story.names.get(n) and n not in own and self.distinctive(n, story) for n in names) or any(
                    story.concepts.get(c) for c in article.concepts if c not in _GENERIC_CONCEPTS)
                if more:
                    best = Link(story, people, "person")
        return best

    def link(self, article: ArticleView, link: Link) -> Story:
        """Put a follow-up article into the story `link_target` found; a follow-up tied by the event's name or a
        person carries its own people forward (the gunman's name first told in a follow-up), never its other
        names, so the story cannot drift."""
        link.story.add(article, linked=True)
        if link.tie in ("event", "person"):
            people = [p for p in article.people if " " in p]
            self.person_words.update(w for p in people if not link.story.people.get(p) for w in p.split())
            link.story.people.update(people)
            self._index(link.story, [w for p in people for w in p.split()])
        return link.story

    def expire(self, now: datetime) -> None:
        """Forget stories quiet for longer than the window (they stay in the store)."""
        keep = max(self.window * 2, self.link_window, self.person_window)
        for sid in [sid for sid, s in self.stories.items() if now - s.last_seen > keep]:
            story = self.stories.pop(sid)
            self.person_words.subtract(w for p in story.people for w in p.split())
            self.person_words = +self.person_words
            self.handle_words.subtract(story.handles.keys())
            self.handle_words = +self.handle_words
            for name in [*story.names, *story.handles, *(w for p in story.people for w in p.split())]:
                ids = self.by_name.get(name)
                if ids is not None:
                    ids.discard(sid)
                    if not ids:
                        del self.by_name[name]
