"""The Youth Solidarity Fund on SQLite and PostgreSQL: call → application → eligibility → panel with conflicts →
grant in tranches → report reminders → the project enters the Clearinghouse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.records import RegistryCommand
from db.engine import transaction
from db.tables import OutboxMessage
from mail.tables import MailLedgerEntry
from registry import publicforms as pf
from registry import youthfund as ysf
from registry.programmes import IllegalStep, ProgrammeError, timeline

T0 = datetime(2027, 2, 1, 9, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=30)
PDF = b"%PDF-1.4 budget"
GOOD = {"applicant_name": "Lina Haddad", "email": "lina@example.org", "age": "24", "organisation": "Bridges Youth",
        "country": "Jordan", "youth_led": "on", "project_title": "Shared kitchens", "summary": "Cooking together.",
        "amount": "12000", "start_date": "2027-05-01", "consent": "on"}


def _apply(session, values, now=T0 + timedelta(days=2)):
    checked = pf.check(session, ysf.FORM, pf.FormInput(values=values, uploads={"budget": pf.Upload("b.pdf", "", PDF)}))
    assert checked.ok, checked.errors
    return ysf.submit_application(session, "c1", checked, now=now)


@pytest.fixture
def call(sessions):
    """An open call with a two-person panel."""
    with transaction(sessions) as session:
        ysf.create_call(session, call_id="c1", title="Youth Solidarity Fund 2027", deadline=DEADLINE, now=T0,
                        actor="officer")
        ysf.add_panellist(session, "c1", "ana@aoc.example.org", "Ana")
        ysf.add_panellist(session, "c1", "omar@aoc.example.org", "Omar")
    return "c1"


def test_an_application_runs_from_call_to_clearinghouse(sessions, call):
    """An eligible application is scored, granted in two tranches, reported on, and becomes a projects entry."""
    with transaction(sessions) as session:
        app_id = _apply(session, GOOD).id
    after = DEADLINE + timedelta(hours=1)
    with transaction(sessions) as session:
        assert ysf.check_eligibility(session, app_id, actor="officer", now=after) == "eligible"
        total = ysf.score_application(session, app_id, "ana@aoc.example.org",
                                      {"relevance": "5", "feasibility": "4", "youth": "5", "reach": "3"}, now=after)
        assert total == 84.0
        ysf.decide(session, app_id, grant=True, actor="officer", amount="10000", starts_on=date(2027, 5, 1), now=after)
    with sessions() as session:
        tranches = ysf.tranches_of(session, app_id)
        assert [(t.number, str(t.amount), t.due_on) for t in tranches][0] == (1, "6000.00", date(2027, 5, 1))
        assert str(tranches[1].amount) == "4000.00"
        assert [r.label for r in ysf.reports_of(session, app_id)] == ["Interim report", "Final report"]
    with transaction(sessions) as session:
        assert not ysf.receive_report(session, app_id, 1, date(2027, 10, 1), "Half done.", actor="officer", now=after)
        assert ysf.receive_report(session, app_id, 2, date(2028, 5, 20), "Twelve kitchens opened.",
                                  actor="officer", now=after)
    with sessions() as session:
        assert ysf.application(session, app_id).status == "completed"
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.topic == "registry.commands"))
        command = RegistryCommand.from_json(row.payload)
        assert (command.registry, command.data["title"], command.data["summary"]) == (
            "projects", "Shared kitchens", "Twelve kitchens opened.")
        steps = [s.step for s in timeline(session, "ysf", app_id)]
    assert steps == ["submitted", "eligible", "scored", "granted", "report_received", "report_received", "completed"]


def test_a_panellist_with_a_conflict_cannot_score(sessions, call):
    """Once Omar declares a conflict his score is refused (and an earlier one withdrawn); Ana still scores."""
    with transaction(sessions) as session:
        app_id = _apply(session, GOOD).id
    after = DEADLINE + timedelta(hours=1)
    scores = {"relevance": "3", "feasibility": "3", "youth": "3", "reach": "3"}
    with transaction(sessions) as session:
        ysf.check_eligibility(session, app_id, actor="officer", now=after)
        ysf.score_application(session, app_id, "omar@aoc.example.org", scores, now=after)
        ysf.declare_conflict(session, app_id, "omar@aoc.example.org", "My cousin leads Bridges Youth.", now=after)
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="conflict of interest"):
        ysf.score_application(session, app_id, "omar@aoc.example.org", scores, now=after)
    with transaction(sessions) as session:
        ysf.score_application(session, app_id, "ana@aoc.example.org", scores, now=after)
    with sessions() as session:
        assert [s.panellist for s in ysf.scores_of(session, app_id)] == ["ana@aoc.example.org"]
        [view] = ysf.applications(session, "c1")
        assert (view.average, view.scores, view.conflicts) == (60.0, 1, 1)


def test_eligibility_waits_for_the_deadline_and_applies_the_rules(sessions, call):
    """Before the deadline no check; after it, an over-age applicant asking too much is not eligible, with reasons."""
    with transaction(sessions) as session:
        app_id = _apply(session, {**GOOD, "age": "41", "amount": "40000"}).id
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="once the call has closed"):
        ysf.check_eligibility(session, app_id, actor="officer", now=T0 + timedelta(days=3))
    with transaction(sessions) as session:
        assert ysf.check_eligibility(session, app_id, actor="officer", now=DEADLINE + timedelta(1)) == "ineligible"
        assert ysf.application(session, app_id).eligibility == [
            "The applicant is over 35.", "The amount requested is over the call's ceiling of 25,000."]
    with transaction(sessions) as session, pytest.raises(IllegalStep):
        ysf.check_eligibility(session, app_id, actor="officer", now=DEADLINE + timedelta(2))
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="closed"):
        _apply(session, GOOD, now=DEADLINE + timedelta(minutes=1))


def test_report_reminders_are_queued_once_per_round(sessions, call):
    """A report due in ten days gets one reminder, an overdue one a second; running the timer again sends none."""
    with transaction(sessions) as session:
        app_id = _apply(session, GOOD).id
    after = DEADLINE + timedelta(hours=1)
    with transaction(sessions) as session:
        ysf.check_eligibility(session, app_id, actor="o", now=after)
        ysf.score_application(session, app_id, "ana@aoc.example.org",
                              {"relevance": "4", "feasibility": "4", "youth": "4", "reach": "4"}, now=after)
        ysf.decide(session, app_id, grant=True, actor="o", starts_on=date(2027, 5, 1), now=after)
        due = ysf.reports_of(session, app_id)[0].due_on
    before = datetime.combine(due - timedelta(days=10), datetime.min.time(), UTC)
    late = datetime.combine(due + timedelta(days=3), datetime.min.time(), UTC)
    for when, expected in ((before, 1), (before, 0), (late, 1), (late, 0)):
        with transaction(sessions) as session:
            assert ysf.remind_reports(session, now=when) == expected
    with sessions() as session:
        mails = session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == "ysf.report_reminder")).all()
    assert [m.recipient for m in mails] == ["lina@example.org"] * 2
    assert mails[1].subject.startswith("Overdue: Interim report")
