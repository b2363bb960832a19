"""The mid-term review (indicators per year, CSV), the donors' page (project pipeline and funding gaps, the only
page a `donor` sees), and `live_counts`: the yearly report's figures that other stages keep, read through their
queries (web may read every stage's queries; registry never reads another stage's tables).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from distribute import queries as distribute_queries
from mobilize import queries as mobilize_queries
from registry import report, review

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import render

router = APIRouter()
nav = [NavItem("Review", "/review", ("duty_officer", "operator", "admin"), order=68),
       NavItem("Donors", "/donors", ("donor",), order=10)]
STAFF = Depends(require_role("duty_officer", "operator", "admin"))
DONORS = Depends(require_role("donor", "duty_officer", "operator", "admin"))
SENT = ("sent",)


def setup(app, settings) -> None:
    """Import the report's chart and PDF libraries in the background at start: cold, they take 10 s or more on a
    loaded machine, which the first PDF request would otherwise wait for."""
    threading.Thread(target=report.warm_up, name="report-warm-up", daemon=True).start()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def live_counts(request: Request, year: int) -> report.Live:
    """The counts the yearly report takes from mobilize/ and distribute/ (their own stores, their queries)."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    with request.app.state.sessions() as session:
        mobs = [m for m in mobilize_queries.mobilizations(session, limit=1_000_000)
                if start <= _aware(m.started_at) < end]
        editors: Counter = Counter()
        for distribution_id in report.release_ids(session, year):
            found = distribute_queries.delivery_report(session, distribution_id)
            if found is not None:
                for lang, statuses in found.by_language.items():
                    editors[lang] += sum(n for status, n in statuses.items() if status in SENT)
        outlets = distribute_queries.outlet_placements(session, start, end)
    return report.Live(
        mobilizations=len(mobs), urgent_mobilizations=sum(1 for m in mobs if m.urgent),
        editors_per_language=dict(editors), placements_per_outlet={o.outlet: o.ran + o.will_run for o in outlets},
        placed_opeds=sum(o.ran for o in outlets),
        sources=["mobilizations as the console lists them (mobilize)",
                 "emails sent per language and placements per outlet (distribute)"])


def _placed_per_year(request: Request) -> dict[int, int]:
    with request.app.state.sessions() as session:
        placed: Counter = Counter(_aware(p.updated_at).year for p in distribute_queries.placements(
            session, limit=1_000_000) if p.status == "ran")
    return dict(placed)


@router.get("/review")
def review_page(request: Request, user: User = STAFF) -> Response:
    """Indicators per year for the mid-term review."""
    placed = _placed_per_year(request)
    with request.app.state.sessions() as session:
        found = review.indicators(session, placed_per_year=placed)
    groups: dict[str, list] = {}
    for ind in found.indicators:
        groups.setdefault(ind.group, []).append(ind)
    return render(request, "review/index.html", {"review": found, "groups": groups})


@router.get("/review.csv")
def review_csv(request: Request, user: User = STAFF) -> Response:
    """The indicators as CSV (a column per year)."""
    placed = _placed_per_year(request)
    with request.app.state.sessions() as session:
        text = review.to_csv(review.indicators(session, placed_per_year=placed))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="aoc-review-{stamp}.csv"'})


@router.get("/donors")
def donors_page(request: Request, user: User = DONORS) -> Response:
    """The project pipeline and its funding gaps (what a donor sees, and only that)."""
    with request.app.state.sessions() as session:
        rows = review.pipeline(session)
    return render(request, "review/donors.html", {"rows": rows, "gaps": review.funding_gaps(rows)})
