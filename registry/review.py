"""The mid-term review: indicators over time from registry's own store, counted, never estimated, and exportable as
CSV; and what donors see (the project pipeline and its funding gaps, nothing else).

`indicators(session, placed_per_year=None)` returns one table per indicator with a column per year:
- projects started per year (by theme and by region), and projects by status now;
- funds pledged and received per year and currency (Voluntary Trust Fund pledges and receipts, and the older
  fund entries: pledges, contributions), never converted between currencies;
- op-eds approved and released per year (from the main stream's events), op-eds placed per year (counted by
  distribute/: the web route passes them in, registry never reads distribute's tables);
- forum outcomes per year by kind; Clearinghouse resources added per year;
- the programmes (`programme_indicators`): Youth Solidarity Fund applications received / eligible / granted, grants
  awarded and paid (tranches) per currency; Ambassadors appointed and serving, activities logged.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import model
from . import tables as t
from . import tables_programmes as tg
from . import tables_public as tp
from .fora import OUTCOME_KINDS


@dataclass
class Indicator:
    """One row of the review: a name, a breakdown (e.g. a theme), a unit, and a value per year."""

    group: str
    name: str
    breakdown: str = ""
    unit: str = "count"
    values: dict[int, float] = field(default_factory=dict)

    def total(self) -> float:
        """The sum over the years."""
        return sum(self.values.values())


@dataclass
class Review:
    """Every indicator, the years they cover, and the snapshot of projects by status."""

    years: list[int]
    indicators: list[Indicator]
    projects_by_status: dict[str, int]


def _year(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).year
        except ValueError:
            return None
    return value.year


def _count(rows, key) -> dict[tuple, dict[int, float]]:
    out: dict[tuple, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        for k, year, amount in key(row):
            if year:
                out[k][year] += amount
    return out


def indicators(session: Session, *, placed_per_year: dict[int, int] | None = None,
               now: datetime | None = None) -> Review:
    """Every indicator of the review, per year."""
    now = now or datetime.now(UTC)
    found: list[Indicator] = []

    projects = list(session.scalars(select(t.ProjectRow).where(t.ProjectRow.status == "active")))
    started = lambda p: _year(p.data.get("started_on")) or _year(p.created_at)  # noqa: E731 - a small key
    for (theme,), values in sorted(_count(projects, lambda p: [((p.theme,), started(p), 1)]).items()):
        found.append(Indicator("Projects", "Projects started", model.THEMES.get(theme, theme), "count", dict(values)))
    for (region,), values in sorted(_count(projects, lambda p: [((p.data.get("region") or "(no region)",),
                                                                  started(p), 1)]).items()):
        found.append(Indicator("Projects", "Projects started, by region", region, "count", dict(values)))
    by_status: dict[str, int] = defaultdict(int)
    for p in projects:
        by_status[p.project_status] += 1

    money: dict[tuple, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for row in session.scalars(select(tg.VtfMoneyRow)):
        what = "Funds pledged" if row.kind == "pledge" else "Funds received"
        money[(what, row.currency)][row.year] += float(row.amount)
    for row in session.scalars(select(t.FundRow).where(t.FundRow.status == "active",
                                                       t.FundRow.fund == "voluntary_trust_fund",
                                                       t.FundRow.decision != "declined")):
        what = "Funds pledged" if row.kind == "pledge" else "Funds received"
        money[(what, row.currency)][row.year] += float(row.amount)
    for (what, currency), values in sorted(money.items()):
        found.append(Indicator("Funds", what, "Voluntary Trust Fund", currency, dict(values)))
    found.extend(programme_indicators(session, until_year=now.year))

    opeds = list(session.scalars(select(t.OpEdRow)))
    found.append(Indicator("Op-eds", "Op-eds approved", "", "count",
                           dict(_count(opeds, lambda o: [((), _year(o.approved_at), 1)]).get((), {}))))
    found.append(Indicator("Op-eds", "Op-eds released", "", "count",
                           dict(_count(opeds, lambda o: [((), _year(o.released_at), 1)]).get((), {}))))
    if placed_per_year is not None:
        found.append(Indicator("Op-eds", "Op-eds placed in outlets", "", "count",
                               {y: float(n) for y, n in placed_per_year.items()}))

    outcomes = list(session.scalars(select(tp.ForumOutcomeRow)))
    for (kind,), values in sorted(_count(outcomes, lambda o: [((o.kind,), o.announced_on.year, 1)]).items()):
        found.append(Indicator("Fora", "Forum outcomes", OUTCOME_KINDS.get(kind, kind), "count", dict(values)))
    resources = list(session.scalars(select(t.ResourceRow).where(t.ResourceRow.status == "active")))
    found.append(Indicator("Clearinghouse", "Resources added", "", "count",
                           dict(_count(resources, lambda r: [((), r.created_at.year, 1)]).get((), {}))))

    years = sorted({y for ind in found for y in ind.values} | {now.year})
    years = list(range(years[0], years[-1] + 1))
    return Review(years, found, dict(sorted(by_status.items())))


GRANTED = ("granted", "completed")
ELIGIBLE = ("eligible", *GRANTED, "rejected")


def programme_indicators(session: Session, *, until_year: int | None = None) -> list[Indicator]:
    """The programmes per year, counted from their tables: Youth Solidarity Fund applications received (by the year
    they came in), of them found eligible and granted, the amount granted and the grants paid (tranches, by the year
    paid) per currency; Ambassadors appointed (term start) and serving (term overlapping the year), and their
    activities logged (by the day they happened). Serving is counted up to `until_year` (this year), never ahead."""
    out: list[Indicator] = []
    currency = {c.id: c.currency for c in session.scalars(select(tg.YsfCallRow))}
    apps = list(session.scalars(select(tg.YsfApplicationRow)))
    counts: dict[str, dict[int, float]] = {k: defaultdict(float) for k in ("received", "eligible", "granted")}
    awarded: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for app in apps:
        year = app.submitted_at.year
        counts["received"][year] += 1
        if app.status in ELIGIBLE:
            counts["eligible"][year] += 1
        if app.status in GRANTED:
            counts["granted"][year] += 1
            awarded[currency.get(app.call_id, "USD")][year] += float(app.amount_granted)
    for key, label in (("received", "Applications received"), ("eligible", "Applications found eligible"),
                       ("granted", "Applications granted")):
        out.append(Indicator("Youth Solidarity Fund", label, "by year received", "count", dict(counts[key])))
    for cur, values in sorted(awarded.items()):
        out.append(Indicator("Youth Solidarity Fund", "Grants awarded", "by year received", cur, dict(values)))
    of_app = {a.id: currency.get(a.call_id, "USD") for a in apps}
    paid: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for tranche in session.scalars(select(tg.YsfTrancheRow).where(tg.YsfTrancheRow.paid_on.is_not(None))):
        paid[of_app.get(tranche.application_id, "USD")][tranche.paid_on.year] += float(tranche.amount)
    for cur, values in sorted(paid.items()):
        out.append(Indicator("Youth Solidarity Fund", "Grants paid (tranches)", "by year paid", cur, dict(values)))

    serving = list(session.scalars(select(tg.AmbassadorCandidateRow)
                                   .where(tg.AmbassadorCandidateRow.term_starts.is_not(None))))
    appointed: dict[int, float] = defaultdict(float)
    active: dict[int, float] = defaultdict(float)
    for amb in serving:
        appointed[amb.term_starts.year] += 1
        last = (amb.term_ends or amb.term_starts).year
        for year in range(amb.term_starts.year, min(last, until_year or last) + 1):
            active[year] += 1
    activities: dict[int, float] = defaultdict(float)
    for act in session.scalars(select(tg.AmbassadorActivityRow)):
        activities[act.happened_on.year] += 1
    out.append(Indicator("Ambassadors", "Ambassadors appointed", "term starting in the year", "count",
                         dict(appointed)))
    out.append(Indicator("Ambassadors", "Ambassadors serving", "term covering part of the year", "count",
                         dict(active)))
    out.append(Indicator("Ambassadors", "Activities logged", "", "count", dict(activities)))
    return out


def to_csv(review: Review) -> str:
    """The review as CSV: group, indicator, breakdown, unit, one column per year."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "indicator", "breakdown", "unit", *review.years])
    for ind in review.indicators:
        writer.writerow([ind.group, ind.name, ind.breakdown, ind.unit,
                         *[_number(ind.values.get(y, 0)) for y in review.years]])
    for status, n in review.projects_by_status.items():
        writer.writerow(["Projects", "Projects by status (now)", status, "count", *[""] * (len(review.years) - 1),
                         n])
    return out.getvalue()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


# --- what donors see -------------------------------------------------------------------------------------------

PIPELINE_ORDER = ("proposed", "approved", "active", "suspended", "completed")


def pipeline(session: Session) -> list[dict]:
    """Projects in the pipeline (every status but completed), with their partners (linked entries), budget, funds
    secured and the gap, proposed first."""
    partners = {r.id: r.title for r in session.scalars(select(t.PartnerRow).where(t.PartnerRow.status == "active"))}
    rows = []
    for p in session.scalars(select(t.ProjectRow).where(t.ProjectRow.status == "active",
                                                        t.ProjectRow.project_status != "completed")):
        data = p.data
        budget = Decimal(data["budget"]) if data.get("budget") not in (None, "") else None
        secured = Decimal(data["funds_secured"]) if data.get("funds_secured") not in (None, "") else Decimal(0)
        rows.append({"id": p.id, "title": p.title, "status": p.project_status, "theme": model.THEMES.get(p.theme),
                     "region": data.get("region", ""), "category": model.CATEGORIES.get(p.category, p.category),
                     "partners": [partners[i] for i in data.get("partner_ids", []) if i in partners],
                     "budget": budget, "secured": secured if budget is not None else None,
                     "gap": max(budget - secured, Decimal(0)) if budget is not None else None,
                     "currency": data.get("currency") or ""})
    rows.sort(key=lambda r: (PIPELINE_ORDER.index(r["status"]) if r["status"] in PIPELINE_ORDER else 9,
                             r["title"].casefold()))
    return rows


def funding_gaps(rows: list[dict]) -> list[dict]:
    """The pipeline's totals per currency: budget, secured, gap (projects without a budget are counted apart)."""
    totals: dict[str, dict] = {}
    for r in rows:
        if r["budget"] is None:
            continue
        cur = totals.setdefault(r["currency"] or "(no currency)", {"budget": Decimal(0), "secured": Decimal(0),
                                                                   "gap": Decimal(0), "projects": 0})
        cur["budget"] += r["budget"]
        cur["secured"] += r["secured"]
        cur["gap"] += r["gap"]
        cur["projects"] += 1
    return [{"currency": c, **v} for c, v in sorted(totals.items())]
