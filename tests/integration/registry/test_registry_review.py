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


def _seed_programmes(sessions):
    """Two YSF applications (one granted in two tranches, the first paid; one too old), two Ambassadors (one serving
    in 2026 with an op-ed, one whose term ended in 2025), a VTF donor with pledges and receipts in two currencies."""
    from registry import ambassadors as amb
    from registry import publicforms as pf
    from registry import trustfund as vtf
    from registry import youthfund as ysf

    t0, deadline = datetime(2026, 2, 1, 9, tzinfo=UTC), datetime(2026, 3, 1, 9, tzinfo=UTC)
    after = datetime(2026, 3, 2, 9, tzinfo=UTC)
    answers = {"applicant_name": "Lina Haddad", "email": "lina@example.org", "age": "24", "organisation":
               "Bridges Youth", "country": "Jordan", "youth_led": "on", "project_title": "Shared kitchens",
               "summary": "Cooking together.", "amount": "12000", "start_date": "2026-05-01", "consent": "on"}
    with transaction(sessions) as session:
        ysf.create_call(session, call_id="c1", title="Youth Solidarity Fund 2026", deadline=deadline, now=t0,
                        actor="officer")
        ids = []
        for values in (answers, {**answers, "email": "old@example.org", "age": "40", "project_title": "Radio"}):
            checked = pf.check(session, ysf.FORM, pf.FormInput(values=values, uploads={
                "budget": pf.Upload("b.pdf", "", b"%PDF-1.4 budget")}))
            assert checked.ok, checked.errors
            ids.append(ysf.submit_application(session, "c1", checked, now=t0).id)
    with transaction(sessions) as session:
        assert ysf.check_eligibility(session, ids[0], actor="officer", now=after) == "eligible"
        assert ysf.check_eligibility(session, ids[1], actor="officer", now=after) == "ineligible"
        ysf.add_panellist(session, "c1", "ana@aoc.example.org", "Ana")
        ysf.score_application(session, ids[0], "ana@aoc.example.org",
                              {"relevance": "5", "feasibility": "4", "youth": "5", "reach": "3"}, now=after)
        ysf.decide(session, ids[0], grant=True, actor="officer", amount="10000", starts_on=date(2026, 5, 1), now=after)
        ysf.pay_tranche(session, ids[0], 1, date(2026, 5, 2), actor="officer", now=after)
        for name, starts, ends in (("Rania Aziz", date(2026, 2, 1), date(2027, 3, 31)),
                                   ("Paulo Reis", date(2024, 1, 15), date(2025, 12, 31))):
            cid = amb.add_personality(session, name=name, country="Egypt", now=t0).id
            amb.nominate(session, cid, "A voice for dialogue in the region.", actor="t", now=t0)
            amb.shortlist(session, cid, actor="t", now=t0)
            amb.propose(session, cid, starts, actor="t", now=t0)
            amb.appoint(session, cid, starts, ends, actor="hr", now=t0)
            if name == "Rania Aziz":
                amb.log_activity(session, cid, kind="oped", title="Why dialogue matters", happened_on=date(2026, 5, 10),
                                 actor="t", now=t0)
        donor = vtf.add_donor(session, name="Kingdom of Demo", kind="state", actor="t", now=t0).id
        vtf.record_money(session, donor, kind="pledge", year=2026, amount="500000", dated=date(2026, 1, 20))
        vtf.record_money(session, donor, kind="receipt", year=2026, amount="300000", dated=date(2026, 4, 2))
        vtf.record_money(session, donor, kind="receipt", year=2026, amount="20000", currency="EUR",
                         dated=date(2026, 4, 3))
        vtf.record_money(session, donor, kind="pledge", year=2025, amount="100000", dated=date(2025, 2, 1))


def test_the_review_counts_the_programmes_per_year(sessions):
    """Trust Fund pledges and receipts per currency, YSF applications received / eligible / granted and tranches
    paid, Ambassadors appointed and serving: each per year, as seeded, also in the CSV."""
    _seed_programmes(sessions)
    with sessions() as session:
        found = review.indicators(session, now=NOW)
    by = {(i.group, i.name, i.unit): i.values for i in found.indicators}
    assert by[("Funds", "Funds pledged", "USD")] == {2025: 100000, 2026: 500000}
    assert by[("Funds", "Funds received", "USD")] == {2026: 300000}
    assert by[("Funds", "Funds received", "EUR")] == {2026: 20000}
    assert by[("Youth Solidarity Fund", "Applications received", "count")] == {2026: 2}
    assert by[("Youth Solidarity Fund", "Applications found eligible", "count")] == {2026: 1}
    assert by[("Youth Solidarity Fund", "Applications granted", "count")] == {2026: 1}
    assert by[("Youth Solidarity Fund", "Grants awarded", "USD")] == {2026: 10000}
    assert by[("Youth Solidarity Fund", "Grants paid (tranches)", "USD")] == {2026: 6000}
    assert by[("Ambassadors", "Ambassadors appointed", "count")] == {2024: 1, 2026: 1}
    assert by[("Ambassadors", "Ambassadors serving", "count")] == {2024: 1, 2025: 1, 2026: 1}
    assert by[("Ambassadors", "Activities logged", "count")] == {2026: 1}
    assert found.years == [2024, 2025, 2026]
    rows = list(csv.reader(io.StringIO(review.to_csv(found))))
    assert ["Youth Solidarity Fund", "Applications received", "by year received", "count", "0", "0", "2"] in rows
    assert ["Funds", "Funds received", "Voluntary Trust Fund", "EUR", "0", "0", "20000"] in rows


def test_the_report_has_the_programmes_of_the_year(sessions):
    """The yearly report lists the Trust Fund's pledges and receipts per donor, the YSF call with its applications,
    grants, tranches and reports, and the Ambassadors serving with their terms and activities."""
    _seed_programmes(sessions)
    with sessions() as session:
        f = report.figures(session, 2026)
    pg = f["programmes"]
    assert pg["vtf"]["donors"] == [
        {"donor": "Kingdom of Demo", "kind": "Member State", "currency": "EUR", "pledged": "0.00",
         "received": "20,000.00", "outstanding": "0.00", "state": "received without pledge"},
        {"donor": "Kingdom of Demo", "kind": "Member State", "currency": "USD", "pledged": "500,000.00",
         "received": "300,000.00", "outstanding": "200,000.00", "state": "partly received"}]
    assert pg["ysf"]["calls"] == [{"title": "Youth Solidarity Fund 2026", "deadline": "2026-03-01", "currency": "USD",
                                   "budget": "100,000.00", "received": 2, "eligible": 1, "granted": 1,
                                   "amount_granted": "10,000.00"}]
    assert pg["ysf"]["paid"] == [{"currency": "USD", "tranches": 1, "amount": "6,000.00"}]
    assert (pg["ysf"]["reports_due"], pg["ysf"]["reports_received"]) == (1, 0)  # the interim report, due in October
    assert pg["ambassadors"]["appointed"] == 1
    assert [(a["name"], a["term_starts"], a["term_ends"], a["activities"]) for a in pg["ambassadors"]["serving"]] == [
        ("Rania Aziz", "2026-02-01", "2027-03-31", 1)]
    assert [a["title"] for a in pg["ambassadors"]["activities"]] == ["Why dialogue matters"]
    html = report.render_html(f)
    assert "Voluntary Trust Fund" in html and "500,000.00" in html and "200,000.00" in html
    assert "Shared kitchens" not in html  # applications are counted, not listed with their applicants
    assert "Rania Aziz" in html and "Why dialogue matters" in html and "1 tranche, 6,000.00 USD" in html
    assert report.render_pdf(html).startswith(b"%PDF")
