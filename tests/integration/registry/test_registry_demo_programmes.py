"""The demo's year of programme activity on SQLite and PostgreSQL: seeded once, every stage represented."""

from __future__ import annotations

from datetime import UTC, datetime

from bus.records import RegistryCommand
from db.engine import transaction
from registry import ambassadors as amb
from registry import handlers
from registry import trustfund as vtf
from registry import youthfund as ysf
from registry.demo import demo_entries
from registry.demo_programmes import seed_programmes

NOW = datetime(2027, 6, 15, 10, tzinfo=UTC)


def test_the_demo_year_has_every_programme_at_work_and_seeds_once(sessions):
    """Ambassadors at each stage, a decided call with a completed grant and an open one, donors with statements."""
    for registry, entity_id, data in demo_entries(2027):
        with transaction(sessions) as session:
            handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                            request_id=f"demo-{entity_id}", data=data))
    assert "seeded" in seed_programmes(sessions, now=NOW)[0]
    assert seed_programmes(sessions, now=NOW) == ["registry programmes: demo year already seeded"]
    with sessions() as session:
        stages = {stage: len(rows) for stage, rows in amb.pipeline(session).items()}
        assert stages["appointed"] == 3 and stages["proposed"] == 1 and stages["potential"] == 1
        assert [c.name for c in amb.renewals_due(session, now=NOW)] == ["Jonas Demo-Berg"]
        statuses = sorted(v.app.status for v in ysf.applications(session, "demo-ysf-2026"))
        assert statuses == ["completed", "eligible", "granted", "granted", "ineligible", "rejected"]
        assert [c.id for c in ysf.open_calls(session, now=NOW)] == ["demo-ysf-2027"]
        views = vtf.donors(session)
        assert views[0].donor.name == "Demo Republic of Arcadia" and views[0].donor.partner_id == "demo-partner-arcadia"
        assert len(vtf.meetings(session)) == 3
