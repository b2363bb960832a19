"""Tables detect/ owns: stories, the articles in them (with the reasons they were flagged), the flag timeline, and
duty officers' decisions on stories with the labeled examples they make."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class StoryRow(Base):
    """A story: a cluster of polarizing articles about one event, with its spread and its severity."""

    __tablename__ = "detect_stories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(index=True)
    last_seen: Mapped[datetime] = mapped_column(index=True)
    severity: Mapped[str] = mapped_column(String(20), default="", index=True)
    flagged_at: Mapped[datetime | None] = mapped_column(index=True)
    opened_by: Mapped[str] = mapped_column(String(320), default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    article_count: Mapped[int] = mapped_column(default=0)
    languages: Mapped[list] = mapped_column(JSON)
    countries: Mapped[list] = mapped_column(JSON)
    sources: Mapped[list] = mapped_column(JSON)
    names: Mapped[dict] = mapped_column(JSON)
    concepts: Mapped[dict] = mapped_column(JSON)
    categories: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class StoryArticleRow(Base):
    """An article in a story, with its score and the reasons a duty officer reads."""

    __tablename__ = "detect_story_articles"

    story_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    lang: Mapped[str] = mapped_column(String(16), default="")
    country: Mapped[str] = mapped_column(String(16), default="")
    published: Mapped[datetime] = mapped_column(index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    categories: Mapped[list] = mapped_column(JSON)
    reasons: Mapped[list] = mapped_column(JSON)
    added_at: Mapped[datetime]
    via: Mapped[str] = mapped_column(String(10), default="article", server_default="article")
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")


class FlagRow(Base):
    """One step of a story's timeline: flagged (by spread or by hand) or escalated, with the evidence."""

    __tablename__ = "detect_flags"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    story_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    previous_severity: Mapped[str] = mapped_column(String(20), default="")
    opened_by: Mapped[str] = mapped_column(String(320), default="")
    evidence: Mapped[dict] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(index=True)


class DecisionRow(Base):
    """A duty officer's decision on a story: confirmed, or dismissed with a reason. The latest one counts."""

    __tablename__ = "detect_decisions"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    story_id: Mapped[str] = mapped_column(String(64), index=True)
    decision: Mapped[str] = mapped_column(String(20))  # confirmed | dismissed
    reason: Mapped[str] = mapped_column(String(40), default="")  # false_alarm | outside_mandate | already_covered
    category: Mapped[str] = mapped_column(String(60), default="")  # the story's main category when decided
    officer: Mapped[str] = mapped_column(String(320), default="")
    decided_at: Mapped[datetime] = mapped_column(index=True)


class LabeledExampleRow(Base):
    """An article of a decided story as a training example (the latest decision on its story sets its label)."""

    __tablename__ = "detect_labeled_examples"

    story_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    decision_id: Mapped[int] = mapped_column(_ID, index=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(16), default="")
    label: Mapped[str] = mapped_column(String(20))  # polarizing | ordinary
    category: Mapped[str] = mapped_column(String(60), default="")
    labeled_at: Mapped[datetime] = mapped_column(index=True)
