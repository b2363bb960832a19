"""Escalation: when a polarizing story is spreading enough to flag, and how severe it is (pure).

Spread is measured over the story's articles published inside `window` before `now`: distinct sources, countries
and languages, and growth (articles in the last hour against the story's own hourly rate before it).

| severity | when |
| --- | --- |
| watch | at least `min_sources` distinct sources |
| alert | at least 4 sources, or 2 sources in 2 countries or 2 languages, or growth of 3x with 3 sources |
| critical | at least 8 sources, or 4 sources in 3 languages or 3 countries |

A story is flagged once (the first time it reaches a severity) and escalated only upward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .clustering import Story

SEVERITIES = ("watch", "alert", "critical")


def rank(severity: str) -> int:
    """0 for none, then 1, 2, 3 for watch, alert, critical."""
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 0


@dataclass(frozen=True)
class Assessment:
    """A story's severity now (empty: not flagged) and the evidence behind it."""

    severity: str
    evidence: dict


def assess(story: Story, now: datetime, window: timedelta, min_sources: int = 2) -> Assessment:
    """The severity a story deserves at `now`, with its evidence."""
    recent = [a for a in story.articles if now - window <= a[0] <= now + timedelta(minutes=5)]
    sources = sorted({a[2] for a in recent if a[2]})
    countries = sorted({a[3] for a in recent if a[3]})
    languages = sorted({a[4] for a in recent if a[4]})
    last_hour = sum(1 for a in recent if a[0] > now - timedelta(hours=1))
    before = len(recent) - last_hour
    hours_before = max(window.total_seconds() / 3600 - 1, 1.0)
    baseline = before / hours_before
    growth = last_hour / baseline if baseline > 0 else float(last_hour)
    n_sources = len(sources)
    severity = ""
    if n_sources >= max(min_sources, 1):
        severity = "watch"
    if n_sources >= 4 or (n_sources >= 2 and (len(countries) >= 2 or len(languages) >= 2)) or (
            growth >= 3 and n_sources >= 3):
        severity = "alert" if n_sources >= max(min_sources, 1) else severity
    if n_sources >= 8 or (n_sources >= 4 and (len(languages) >= 3 or len(countries) >= 3)):
        severity = "critical"
    evidence = {
        "window_minutes": int(window.total_seconds() // 60),
        "articles_in_window": len(recent),
        "sources": sources,
        "countries": countries,
        "languages": languages,
        "articles_last_hour": last_hour,
        "baseline_per_hour": round(baseline, 3),
        "growth": round(growth, 2),
        "score": round(story.score, 3),
        "categories": [c for c, _ in story.categories.most_common(4)],
        "rule": f"{n_sources} sources, {len(countries)} countries, {len(languages)} languages, growth {growth:.1f}x",
    }
    return Assessment(severity, evidence)


def decide(story: Story, assessment: Assessment) -> tuple[str, str] | None:
    """What to announce: ("flagged", severity), ("escalated", severity) or None; updates `story.severity`."""
    if not assessment.severity:
        return None
    if not story.severity:
        story.severity = assessment.severity
        return ("flagged", assessment.severity)
    if rank(assessment.severity) > rank(story.severity):
        story.severity = assessment.severity
        return ("escalated", assessment.severity)
    return None
