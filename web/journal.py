"""What the dashboards show about the business flow, folded from the bus's own records (pure: no I/O).

The monitor tails the topics below from their start and feeds each record's JSON here, so the dashboards need no
stage's tables: flagged stories on a timeline, the mobilization funnel with its timings, and feed activity.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

#: Topics the journal reads (unprefixed catalog names).
TOPICS = ("articles.ingested", "stories.flagged", "stories.escalated", "mobilizations.started", "invitations.sent",
          "invitations.answered", "drafts.submitted", "opeds.approved", "translations.ready", "opeds.released")

#: The funnel's steps after a mobilization starts, with the topic that marks each.
FUNNEL = (("paged", "invitations.sent"), ("accepted", "invitations.answered"), ("drafted", "drafts.submitted"),
          ("approved", "opeds.approved"), ("translated", "translations.ready"), ("distributed", "opeds.released"))
STEP_BY_TOPIC = {topic: step for step, topic in FUNNEL}


@dataclass
class Mobilization:
    """One mobilization and when it first reached each step of the funnel."""

    mobilization_id: str
    story_id: str = ""
    title: str = ""
    started_at: datetime | None = None
    reached: dict[str, datetime] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Story:
    """A flagged story, as the timeline shows it."""

    story_id: str
    title: str = ""
    severity: str = ""
    score: float = 0.0
    flagged_at: datetime | None = None
    sources: int = 0
    languages: list[str] = field(default_factory=list)
    escalations: list[tuple[datetime, str]] = field(default_factory=list)
    mobilization_id: str = ""


@dataclass
class Feed:
    """Articles seen from one feed."""

    feed: str
    total: int = 0
    last_at: datetime | None = None
    recent: deque = field(default_factory=lambda: deque(maxlen=5000))


def _when(value: dict[str, Any], fallback: datetime) -> datetime:
    raw = value.get("occurred_at")
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if parsed.tzinfo is not None:
                return parsed
        except ValueError:
            pass
    return fallback


class Journal:
    """Stories, mobilizations and feeds, folded from records in arrival order."""

    def __init__(self, max_stories: int = 500) -> None:
        self.stories: dict[str, Story] = {}
        self.mobilizations: dict[str, Mobilization] = {}
        self.oped_mobilization: dict[str, str] = {}
        self.feeds: dict[str, Feed] = {}
        self.max_stories = max_stories

    def apply(self, topic: str, value: dict[str, Any], at: datetime) -> None:
        """Fold one record (its JSON as a dict) read from `topic` (unprefixed) at broker time `at`."""
        when = _when(value, at)
        if topic == "articles.ingested":
            name = str(value.get("feed_id") or value.get("source") or value.get("outlet") or "unknown")
            feed = self.feeds.setdefault(name, Feed(name))
            feed.total += 1
            feed.last_at = max(feed.last_at or when, when)
            feed.recent.append(when)
        elif topic == "stories.flagged":
            story = self._story(str(value.get("story_id", "")))
            story.title = str(value.get("title") or story.title)
            story.severity = str(value.get("severity") or story.severity)
            story.score = float(value.get("score") or 0.0)
            story.flagged_at = story.flagged_at or when
            story.sources = len(value.get("sources") or []) or story.sources
            story.languages = list(value.get("languages") or story.languages)
        elif topic == "stories.escalated":
            story = self._story(str(value.get("story_id", "")))
            story.title = story.title or str(value.get("title") or "")
            story.severity = str(value.get("severity") or story.severity)
            story.escalations.append((when, story.severity))
        elif topic == "mobilizations.started":
            mob = self._mobilization(str(value.get("mobilization_id", "")))
            mob.story_id = str(value.get("story_id") or mob.story_id)
            mob.title = str(value.get("title") or mob.title)
            mob.started_at = mob.started_at or when
            if mob.story_id:
                self._story(mob.story_id).mobilization_id = mob.mobilization_id
        elif topic in STEP_BY_TOPIC:
            step = STEP_BY_TOPIC[topic]
            if topic == "invitations.answered" and value.get("answer") != "accepted":
                return
            mobilization_id = str(value.get("mobilization_id") or "")
            oped_id = str(value.get("oped_id") or "")
            if topic == "opeds.approved" and oped_id and mobilization_id:
                self.oped_mobilization[oped_id] = mobilization_id
            if not mobilization_id and oped_id:
                mobilization_id = self.oped_mobilization.get(oped_id, "")
            if not mobilization_id:
                return
            mob = self._mobilization(mobilization_id)
            if topic == "opeds.approved" and not mob.story_id and value.get("story_id"):
                mob.story_id = str(value["story_id"])
            mob.reached[step] = min(mob.reached.get(step, when), when)
            mob.counts[step] = mob.counts.get(step, 0) + 1

    def _story(self, story_id: str) -> Story:
        if story_id not in self.stories:
            if len(self.stories) >= self.max_stories:
                oldest = min(self.stories.values(), key=lambda s: s.flagged_at.timestamp() if s.flagged_at else 0)
                del self.stories[oldest.story_id]
            self.stories[story_id] = Story(story_id)
        return self.stories[story_id]

    def _mobilization(self, mobilization_id: str) -> Mobilization:
        return self.mobilizations.setdefault(mobilization_id, Mobilization(mobilization_id))

    def timeline(self, limit: int = 50) -> list[dict[str, Any]]:
        """Flagged stories, newest first, with their escalations and mobilization."""
        stories = [s for s in self.stories.values() if s.flagged_at is not None]
        stories.sort(key=lambda s: s.flagged_at, reverse=True)
        rows = []
        for s in stories[:limit]:
            mob = self.mobilizations.get(s.mobilization_id)
            furthest = ""
            if mob is not None:
                furthest = "started"
                for step, _topic in FUNNEL:
                    if step in mob.reached:
                        furthest = step
            rows.append({"story_id": s.story_id, "title": s.title, "severity": s.severity, "score": round(s.score, 2),
                         "flagged_at": s.flagged_at.isoformat(), "sources": s.sources, "languages": s.languages,
                         "escalations": [(t.isoformat(), sev) for t, sev in s.escalations],
                         "mobilization_id": s.mobilization_id, "furthest": furthest})
        return rows

    def funnel(self) -> list[dict[str, Any]]:
        """Per step: mobilizations that reached it and the median minutes from start to it."""
        started = [m for m in self.mobilizations.values() if m.started_at is not None]
        rows = [{"step": "started", "mobilizations": len(started), "median_minutes": 0.0 if started else None,
                 "messages": len(started)}]
        for step, _topic in FUNNEL:
            reached = [m for m in self.mobilizations.values() if step in m.reached]
            durations = [(m.reached[step] - m.started_at).total_seconds() / 60 for m in reached
                         if m.started_at is not None]
            rows.append({"step": step, "mobilizations": len(reached),
                         "median_minutes": round(statistics.median(durations), 1) if durations else None,
                         "messages": sum(m.counts.get(step, 0) for m in reached)})
        return rows

    def feed_activity(self, now: datetime, window: timedelta = timedelta(hours=1)) -> list[dict[str, Any]]:
        """Per feed: articles in the window, in all, and when the last one came."""
        since = now - window
        rows = []
        for feed in sorted(self.feeds.values(), key=lambda f: f.feed):
            recent = sum(1 for t in feed.recent if t >= since)
            rows.append({"feed": feed.feed, "last_hour": recent, "total": feed.total,
                         "last_at": feed.last_at.isoformat() if feed.last_at else None})
        return rows
