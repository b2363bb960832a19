"""The mid-term review's indicators, CSV and donor pipeline, and the yearly report's counts, on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from bus.records import RegistryCommand
from db.engine import transaction
from registry import fora, handlers, report, review

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _create(session, registry, entity_id, data, now=NOW):
    handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                    request_id=f"t-{entity_id}", data=data, actor="t"), now=now)


def _seed(sessions):
    with transaction(sessions) as session:
        _create(session, "partners", "p-1", {"name": "Dialogue Foundation", "kind": "foundation"})
        _create(session, "projects", "pr-1", {"title": "Peer mediators", "category": "aoc_project", "theme": "youth",
                                              "role": "managing", "status": "proposed", "region": "Europe",
                                              "started_on": "2025-03-01", "partner_ids": ["p-1"],
                                              "budget": "100000", "funds_secured": "40000", "currency": "USD"})
        _create(session, "projects", "pr-2", {"title": "Newsroom exchanges", "category": "collaborative_pilot",
                                              "theme": "media", "role": "catalyst", "status": "active",
                                              "region": "Africa", "started_on": "2026-02-01",
                                              "budget": "50000", "currency": "USD"})
        _create(session, "funds", "f-1", {"fund": "voluntary_trust_fund", "kind": "pledge", "party": "Demo Trust",
                                          "amount": "30000", "currency": "EUR", "on": "2025-05-01"})
        _create(session, "funds", "f-2", {"fund": "voluntary_trust_fund", "kind": "contribution",
                                          "party": "Demo Trust", "amount": "20000", "currency": "EUR",
                                          "on": "2026-01-10", "decision": "received"})
        _create(session, "events", "forum-26", {"name": "Annual Forum 2026", "kind": "annual_forum",
                                                "starts_on": "2026-04-20"})
        fora.add_outcome(session, "forum-26", kind="project_launch", title="", registry="projects", entity_id="pr-2",
                         announced_on=date(2026, 4, 20), now=NOW)


def test_indicators_are_counted_per_year_and_exported_as_csv(sessions):
    """Projects per theme and year, funds pledged and received per currency and year, forum outcomes per year:
    the CSV has a column per year with those counts."""
    _seed(sessions)
    with sessions() as session:
        found = review.indicators(session, placed_per_year={2026: 3}, now=NOW)
    assert found.years == [2025, 2026]
    by = {(i.name, i.breakdown, i.unit): i.values for i in found.indicators}
    assert by[("Projects started", "Youth", "count")] == {2025: 1}
    assert by[("Projects started, by region", "Africa", "count")] == {2026: 1}
    assert by[("Funds pledged", "Voluntary Trust Fund", "EUR")] == {2025: 30000}
    assert by[("Funds received", "Voluntary Trust Fund", "EUR")] == {2026: 20000}
    assert by[("Forum outcomes", "Project launch", "count")] == {2026: 1}
    assert by[("Op-eds placed in outlets", "", "count")] == {2026: 3}
    assert found.projects_by_status == {"active": 1, "proposed": 1}
    rows = list(csv.reader(io.StringIO(review.to_csv(found))))
    assert rows[0] == ["group", "indicator", "breakdown", "unit", "2025", "2026"]
    assert ["Funds", "Funds pledged", "Voluntary Trust Fund", "EUR", "30000", "0"] in rows


def test_donors_see_the_pipeline_with_linked_partners_and_the_gap(sessions):
    """The pipeline lists proposed before active projects, with partner names from their entries and
    budget - secured as the gap, totalled per currency."""
    _seed(sessions)
    with sessions() as session:
        rows = review.pipeline(session)
    assert [r["title"] for r in rows] == ["Peer mediators", "Newsroom exchanges"]
    assert rows[0]["partners"] == ["Dialogue Foundation"] and rows[0]["gap"] == Decimal("60000")
    assert review.funding_gaps(rows) == [{"currency": "USD", "budget": Decimal("150000"),
                                          "secured": Decimal("40000"), "gap": Decimal("110000"), "projects": 2}]


def test_the_report_shows_real_counts_from_other_stages_and_never_estimates(sessions):
    """Without distribute's counts, editors per language are not shown (not divided evenly); with them, the
    report shows them, the placements per outlet and mobilize's count of urgent mobilizations."""
    _seed(sessions)
    with sessions() as session:
        alone = report.figures(session, 2026)
        live = report.figures(session, 2026, report.Live(
            mobilizations=7, urgent_mobilizations=2, editors_per_language={"fr": 41},
            placements_per_outlet={"Le Quotidien (demo)": 3}, placed_opeds=2))
    assert alone["opeds"]["editors_per_language"] is None
    assert live["mobilizations"]["urgent"] == 2 and live["mobilizations"]["count"] == 7
    assert live["opeds"]["per_outlet"] == {"Le Quotidien (demo)": 3}
    assert alone["public"]["fora"] == [{"name": "Annual Forum 2026", "kind": "Annual Forum",
                                        "starts_on": "2026-04-20", "registrations": 0, "outcomes": 1}]
    html = report.render_html(live)
    assert "Le Quotidien (demo)" in html and "Project pipeline and funding gaps" in html
    assert "60,000.00 USD" in html
