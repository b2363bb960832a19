"""Records of detect/: scored articles, stories flagged and escalated, stories opened by hand."""

from __future__ import annotations

from datetime import datetime

from .base import Record


class ArticleScored(Record, namespace="rrm.ArticleScored"):
    """An article's polarization score with its reasons, and the story it joined (if any)."""

    key_fields = ("article_id",)

    article_id: str = ""
    story_id: str = ""
    score: float = 0.0
    polarizing: bool = False
    categories: list[str] | None = None
    reasons: list[str] | None = None
    title: str = ""
    url: str = ""
    lang: str = ""
    source: str = ""
    country: str = ""
    published: datetime | None = None
    summary: str = ""
    concepts: list[str] | None = None
    names: list[str] | None = None


class StoryFlagged(Record, namespace="rrm.StoryFlagged"):
    """A polarizing story that is spreading: the start of a possible mobilization."""

    key_fields = ("story_id",)

    story_id: str = ""
    title: str = ""
    severity: str = "watch"
    score: float = 0.0
    categories: list[str] | None = None
    reasons: list[str] | None = None
    entities: list[str] | None = None
    languages: list[str] | None = None
    countries: list[str] | None = None
    sources: list[str] | None = None
    article_ids: list[str] | None = None
    first_seen: datetime | None = None
    evidence: dict | None = None
    opened_by: str = ""


class StoryEscalated(Record, namespace="rrm.StoryEscalated"):
    """A flagged story whose severity rose."""

    key_fields = ("story_id", "severity")

    story_id: str = ""
    title: str = ""
    previous_severity: str = ""
    severity: str = ""
    evidence: dict | None = None
    opened_by: str = ""


class OpenStory(Record, namespace="rrm.OpenStory"):
    """Command: a duty officer opens a story by hand (or raises its severity: one command per severity)."""

    key_fields = ("story_id", "severity", "officer")

    story_id: str = ""
    title: str = ""
    summary: str = ""
    officer: str = ""
    severity: str = "alert"
