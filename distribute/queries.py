"""Read side of distribute/ for the console, the delivery report and the public newsroom; each query reads
through the caller's session."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus import body as bodies

from . import model
from .tables import (
    DeliveryEventRow,
    Distribution,
    DistributionSend,
    Editor,
    EditorList,
    EditorReply,
    Outlet,
    Placement,
    ReadyTranslation,
    Segment,
    SignOff,
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
    """A released op-ed in one language, for the public newsroom and its Atom feed."""

    oped_id: str
    lang: str
    title: str
    body: str
    released_at: datetime
    authors: tuple[model.Author, ...] = ()
    credit: str = ""

    @property
    def html(self) -> str:
        """The body as sanitized HTML (never shown as tags)."""
        return bodies.to_html(self.body)

    @property
    def summary(self) -> str:
        """The first paragraph, as plain text."""
        first = bodies.paragraphs(self.body)[:1]
        return first[0][:400] if first else ""

    @property
    def words(self) -> int:
        """The word count."""
        return bodies.word_count(self.body)


def newsroom(session: Session, limit: int = 50, now: datetime | None = None) -> dict[str, list[NewsroomItem]]:
    """Released op-eds by language (only what went out, only after its release time, only versions signed off)."""
    out: dict[str, list[NewsroomItem]] = defaultdict(list)
    released = session.execute(select(Distribution.oped_id, Distribution.languages, Distribution.released_at)
                               .where(Distribution.status == model.RELEASED)
                               .order_by(Distribution.released_at.desc()).limit(limit)).all()
    seen: set[tuple[str, str]] = set()
    for oped_id, languages, released_at in released:
        signoffs = {(oped_id, lang) for lang in session.scalars(select(SignOff.lang).where(SignOff.oped_id == oped_id))}
        for version in session.scalars(select(ReadyTranslation).where(ReadyTranslation.oped_id == oped_id)):
            original = version.lang == version.source_lang or version.translator == "original"
            if (oped_id, version.lang) in seen or not (original or (oped_id, version.lang) in signoffs):
                continue
            if version.lang not in languages and not original:
                continue
            seen.add((oped_id, version.lang))
            out[version.lang].append(NewsroomItem(oped_id, version.lang, version.title, version.body,
                                                  released_at, tuple(model.authors_of(version.authors)),
                                                  "" if original else version.credit))
    for items in out.values():
        items.sort(key=lambda i: i.released_at, reverse=True)
    return dict(sorted(out.items()))


def newsroom_item(session: Session, oped_id: str, lang: str) -> NewsroomItem | None:
    """One released op-ed in one language, or None."""
    return next((i for i in newsroom(session, limit=500).get(lang, []) if i.oped_id == oped_id), None)


def placements(session: Session, *, oped_id: str = "", outlet: str = "", limit: int = 500) -> list[Placement]:
    """Placements, newest first (of one op-ed, or one outlet)."""
    query = select(Placement).order_by(Placement.updated_at.desc()).limit(limit)
    if oped_id:
        query = query.where(Placement.oped_id == oped_id)
    if outlet:
        query = query.where(Placement.outlet == outlet)
    return list(session.scalars(query))


@dataclass(frozen=True)
class OutletPlacements:
    """One outlet's row in the yearly report: op-eds it ran (with where) and op-eds it said it will run."""

    outlet: str
    country: str
    ran: int
    will_run: int
    languages: tuple[str, ...]
    urls: tuple[str, ...]


def outlet_placements(session: Session, start: datetime, end: datetime) -> list[OutletPlacements]:
    """THE yearly report's outlet table: per outlet, placements last updated in [start, end), most op-eds first.

    `ran` counts op-eds the outlet ran (with a URL), `will_run` those it only announced."""
    rows = session.execute(select(Placement.outlet, Placement.status, Placement.lang, Placement.url)
                           .where(Placement.updated_at >= start, Placement.updated_at < end)).all()
    countries = dict(session.execute(select(Outlet.name, Outlet.country)).all())
    acc: dict[str, dict] = {}
    for outlet, status, lang, url in rows:
        entry = acc.setdefault(outlet, {"ran": 0, "will_run": 0, "langs": set(), "urls": []})
        entry["ran" if status == model.RAN else "will_run"] += 1
        entry["langs"].add(lang)
        if url:
            entry["urls"].append(url)
    table = [OutletPlacements(name, countries.get(name, ""), e["ran"], e["will_run"], tuple(sorted(e["langs"])),
                              tuple(e["urls"])) for name, e in acc.items()]
    return sorted(table, key=lambda r: (-r.ran, -r.will_run, r.outlet.lower()))


def placement_counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Totals for the yearly report: outlets that ran an op-ed, placements that ran, placements announced."""
    table = outlet_placements(session, start, end)
    return {"outlets": sum(1 for r in table if r.ran), "ran": sum(r.ran for r in table),
            "will_run": sum(r.will_run for r in table)}


def editor_replies(session: Session, limit: int = 200) -> list[EditorReply]:
    """Editors' email replies, newest first."""
    return list(session.scalars(select(EditorReply).order_by(EditorReply.id.desc()).limit(limit)))


def signoffs(session: Session, oped_id: str) -> dict[str, SignOff]:
    """The authors' sign-off per language of an op-ed."""
    return {s.lang: s for s in session.scalars(select(SignOff).where(SignOff.oped_id == oped_id))}
