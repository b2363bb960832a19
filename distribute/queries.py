"""Read side of distribute/ for the console, the delivery report and the public newsroom; each query reads
through the caller's session."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import model
from .tables import (
    DeliveryEventRow,
    Distribution,
    DistributionSend,
    Editor,
    EditorList,
    Outlet,
    ReadyTranslation,
    Segment,
    Suppression,
)


def distribution(session: Session, distribution_id: str) -> Distribution | None:
    """One distribution."""
    return session.get(Distribution, distribution_id)


def distributions(session: Session, limit: int = 100) -> list[Distribution]:
    """The newest distributions."""
    return list(session.scalars(select(Distribution).order_by(Distribution.created_at.desc()).limit(limit)))


def suppressed(session: Session) -> dict[str, str]:
    """The do-not-contact list: address -> reason."""
    return dict(session.execute(select(Suppression.email, Suppression.reason)).all())


def segments(session: Session) -> list[Segment]:
    """Every segment."""
    return list(session.scalars(select(Segment).order_by(Segment.name)))


def lists(session: Session) -> list[EditorList]:
    """Every list."""
    return list(session.scalars(select(EditorList).order_by(EditorList.name)))


@dataclass(frozen=True)
class EditorsOverview:
    """How many editors per language, and how many outlets."""

    by_language: dict[str, int]
    outlets: int
    suppressed: int


def editors_overview(session: Session) -> EditorsOverview:
    """Counts for the editors page."""
    by_lang = dict(session.execute(select(Editor.language, func.count()).group_by(Editor.language)).all())
    outlets = session.scalar(select(func.count()).select_from(Outlet)) or 0
    supp = session.scalar(select(func.count()).select_from(Suppression)) or 0
    return EditorsOverview(dict(sorted(by_lang.items())), outlets, supp)


def ready_languages(session: Session) -> dict[str, list[str]]:
    """Approved languages per op-ed (for the new-distribution form)."""
    out: dict[str, list[str]] = defaultdict(list)
    for oped_id, lang in session.execute(select(ReadyTranslation.oped_id, ReadyTranslation.lang)
                                         .order_by(ReadyTranslation.lang)):
        out[oped_id].append(lang)
    return dict(out)


def oped_titles(session: Session) -> dict[str, str]:
    """A title per op-ed (English when there is one)."""
    titles: dict[str, str] = {}
    for oped_id, lang, title in session.execute(select(ReadyTranslation.oped_id, ReadyTranslation.lang,
                                                       ReadyTranslation.title)):
        if oped_id not in titles or lang == "en":
            titles[oped_id] = title
    return titles


@dataclass
class DeliveryReport:
    """What happened to one distribution: ledger statuses, provider events, per language, and what needs a look."""

    distribution: Distribution
    title: str
    by_status: Counter = field(default_factory=Counter)
    by_event: Counter = field(default_factory=Counter)
    by_language: dict[str, Counter] = field(default_factory=dict)
    attention: list[tuple[str, str, str]] = field(default_factory=list)  # (email, status, why)
    events: int = 0

    @property
    def recipients(self) -> int:
        """Editors with a ledger row (not counting cancelled ones)."""
        return sum(n for s, n in self.by_status.items() if s != "cancelled")


def delivery_report(session: Session, distribution_id: str) -> DeliveryReport | None:
    """The delivery report page of one distribution."""
    dist = session.get(Distribution, distribution_id)
    if dist is None:
        return None
    title = session.scalar(select(ReadyTranslation.title).where(ReadyTranslation.oped_id == dist.oped_id)
                           .order_by((ReadyTranslation.lang != "en"), ReadyTranslation.lang)) or dist.oped_id
    report = DeliveryReport(dist, title)
    for lang, status, n in session.execute(select(DistributionSend.lang, DistributionSend.status, func.count())
                                           .where(DistributionSend.distribution_id == distribution_id)
                                           .group_by(DistributionSend.lang, DistributionSend.status)):
        report.by_status[status] += n
        report.by_language.setdefault(lang, Counter())[status] += n
    # distinct addresses per event type
    distinct_emails = func.count(func.distinct(DeliveryEventRow.email))
    for event, n in session.execute(select(DeliveryEventRow.event, distinct_emails)
                                    .where(DeliveryEventRow.distribution_id == distribution_id)
                                    .group_by(DeliveryEventRow.event)):
        report.by_event[event] = n
    report.events = sum(report.by_event.values())
    for email, status, error, last in session.execute(
            select(DistributionSend.email, DistributionSend.status, DistributionSend.error,
                   DistributionSend.last_event)
            .where(DistributionSend.distribution_id == distribution_id,
                   (DistributionSend.status.in_(("uncertain", "failed")))
                   | DistributionSend.last_event.in_(tuple(model.SUPPRESSING_EVENTS)))
            .order_by(DistributionSend.email).limit(200)):
        report.attention.append((email, last or status, error or ""))
    report.by_language = dict(sorted(report.by_language.items()))
    return report


@dataclass(frozen=True)
class NewsroomItem:
    """A released op-ed in one language, for the public newsroom."""

    oped_id: str
    lang: str
    title: str
    body: str
    released_at: datetime


def newsroom(session: Session, limit: int = 50) -> dict[str, list[NewsroomItem]]:
    """Released op-eds by language (only what went out, only after its release time)."""
    out: dict[str, list[NewsroomItem]] = defaultdict(list)
    released = session.execute(select(Distribution.oped_id, Distribution.languages, Distribution.released_at)
                               .where(Distribution.status == model.RELEASED)
                               .order_by(Distribution.released_at.desc()).limit(limit)).all()
    seen: set[tuple[str, str]] = set()
    for oped_id, languages, released_at in released:
        for version in session.scalars(select(ReadyTranslation).where(ReadyTranslation.oped_id == oped_id,
                                                                      ReadyTranslation.lang.in_(languages))):
            if (oped_id, version.lang) in seen:
                continue
            seen.add((oped_id, version.lang))
            out[version.lang].append(NewsroomItem(oped_id, version.lang, version.title, version.body,
                                                  released_at))
    return dict(sorted(out.items()))
