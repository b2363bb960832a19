"""Ambassadors on SQLite and PostgreSQL: the pipeline from potential personality to appointment, one person per
network member, the activity log, renewal reminders once per term end, and the registry entry kept in step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved, RegistryCommand
from db.engine import transaction
from db.tables import OutboxMessage
from mail.tables import MailLedgerEntry
from registry import ambassadors as amb
from registry import handlers
from registry.programmes import IllegalStep, ProgrammeError, timeline

NOW = datetime(2027, 1, 10, 9, tzinfo=UTC)


def _appointed(sessions, ends=date(2027, 3, 31)) -> str:
    with transaction(sessions) as session:
        cid = amb.add_personality(session, name="Rania Aziz", member_id="m-rania", country="Egypt", now=NOW).id
        amb.nominate(session, cid, "Film-maker whose work crosses religious divides.", actor="hr", now=NOW)
        amb.shortlist(session, cid, actor="hr", now=NOW)
        amb.propose(session, cid, date(2026, 1, 5), actor="hr", now=NOW)
        amb.appoint(session, cid, date(2026, 2, 1), ends, actor="hr", now=NOW)
    return cid


def test_a_personality_goes_from_the_list_to_appointment_and_into_the_registry(sessions):
    """Each step is on the timeline; the appointment queues an ambassadors entry carrying the member id."""
    cid = _appointed(sessions)
    with sessions() as session:
        assert [s.step for s in timeline(session, "ambassadors", cid)] == [
            "potential", "nominated", "shortlisted", "proposed", "appointed"]
        payload = session.scalar(select(OutboxMessage.payload).where(OutboxMessage.topic == "registry.commands"))
    command = RegistryCommand.from_json(payload)
    with transaction(sessions) as session:
        handlers.apply_command(session, command)
    assert (command.action, command.data["member_id"], command.data["term_ends"]) == ("create", "m-rania",
                                                                                      "2027-03-31")


def test_steps_out_of_order_and_a_second_record_of_one_member_are_refused(sessions):
    """Appointing before a proposal is an illegal step; the same network member cannot be added twice."""
    with transaction(sessions) as session:
        cid = amb.add_personality(session, name="Rania Aziz", member_id="m-rania", now=NOW).id
    with transaction(sessions) as session, pytest.raises(IllegalStep, match="cannot become appointed"):
        amb.appoint(session, cid, date(2027, 2, 1), date(2029, 1, 31), actor="hr")
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="already on the list"):
        amb.add_personality(session, name="R. Aziz", member_id="m-rania")
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="Say why"):
        amb.nominate(session, cid, "", actor="hr")


def test_activities_are_logged_and_renewal_reminders_go_once_per_term_end(sessions):
    """A forum is logged; the Secretariat is reminded once before the term ends, and again only after a renewal."""
    cid = _appointed(sessions, ends=date(2027, 3, 31))
    with transaction(sessions) as session:
        amb.log_activity(session, cid, kind="forum", title="Spoke at the Youth Forum", happened_on=date(2026, 9, 3),
                         actor="hr", now=NOW)
        assert amb.remind_renewals(session, to="secretariat@aoc.example.org", now=NOW) == 1
        assert amb.remind_renewals(session, to="secretariat@aoc.example.org", now=NOW) == 0
        amb.renew(session, cid, date(2027, 4, 5), actor="hr", now=NOW)
        assert amb.remind_renewals(session, to="secretariat@aoc.example.org", now=NOW) == 1
    with sessions() as session:
        subjects = session.scalars(select(MailLedgerEntry.subject).where(
            MailLedgerEntry.purpose == "ambassador.renewal").order_by(MailLedgerEntry.id)).all()
        assert [a.title for a in amb.activities(session, cid)] == ["Spoke at the Youth Forum"]
    assert subjects == ["Renewal due: Ambassador Rania Aziz (term ends 31 Mar 2027)",
                        "Renewal due: Ambassador Rania Aziz (term ends 05 Apr 2027)"]


def test_an_op_ed_an_ambassador_co_wrote_enters_their_activity_log_by_itself(sessions):
    """Rania, an Ambassador and a network member, co-wrote an approved op-ed: it is in her log without anyone typing
    it; the same event read twice logs it once; a co-author who is no Ambassador gets no entry."""
    cid = _appointed(sessions)
    approved = OpEdApproved(oped_id="oped-1", mobilization_id="mob-1", title="Listening first", body="<p>x</p>",
                            authors=["Rania Aziz", "Jonas Berg"],
                            author_details=[{"name": "Rania Aziz", "member_id": "m-rania"},
                                            {"name": "Jonas Berg", "member_id": "m-jonas"}])
    for _ in range(2):
        with transaction(sessions) as session:
            handlers.record_approved(session, approved)
    with sessions() as session:
        logged = amb.activities(session, cid)
    assert [(a.kind, a.title, a.recorded_by) for a in logged] == [("oped", "Listening first",
                                                                   "Rapid Response (automatic)")]


def test_the_registry_timer_queues_reminders_and_is_harmless_twice(sessions, tmp_path):
    """One tick of registry/schedule.py reminds about a term ending soon; a second tick queues nothing more."""
    from registry.schedule import run_timers
    from tests.conftest import make_settings

    _appointed(sessions, ends=date(2027, 3, 31))
    settings = make_settings(tmp_path)
    assert run_timers(sessions, settings, now=NOW)["renewal_reminders"] == 1
    assert run_timers(sessions, settings, now=NOW) == {"ysf_reminders": 0, "renewal_reminders": 0,
                                                       "pending_files_purged": 0}


def test_a_declined_proposal_can_go_back_on_the_list(sessions):
    """After the Secretary-General declines, the personality can be relisted and nominated again later."""
    with transaction(sessions) as session:
        cid = amb.add_personality(session, name="Omar Demo-Najjar", now=NOW).id
        amb.nominate(session, cid, "Chef whose TV show mixes cuisines and faiths.", actor="hr", now=NOW)
        amb.shortlist(session, cid, actor="hr", now=NOW)
        amb.propose(session, cid, date(2027, 1, 5), actor="hr", now=NOW)
        amb.decline(session, cid, "Not this year.", actor="hr", now=NOW)
        amb.relist(session, cid, actor="hr", now=NOW)
    with sessions() as session:
        row = amb.candidate(session, cid)
        assert (row.stage, row.reason, row.proposed_on) == ("potential", "", None)
