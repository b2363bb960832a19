"""The Voluntary Trust Fund on SQLite and PostgreSQL: donors from partner entries, pledges and receipts per year,
the statement, and the Advisory Board's meetings and decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bus.records import ProgrammeStepped, RegistryCommand
from db.engine import transaction
from db.tables import OutboxMessage
from registry import handlers
from registry import trustfund as vtf
from registry.programmes import ProgrammeError


def _partner(sessions, entity_id="p-norway", name="Kingdom of Norway", kind="state"):
    command = RegistryCommand(registry="partners", action="create", entity_id=entity_id, request_id="r-" + entity_id,
                              data={"name": name, "kind": kind, "country": "Norway"})
    with transaction(sessions) as session:
        handlers.apply_command(session, command)


def test_a_donor_is_its_partner_entry_and_its_statement_adds_up(sessions):
    """A donor takes its name from the partner entry; per year pledged, received and outstanding are right."""
    _partner(sessions)
    with transaction(sessions) as session:
        donor = vtf.add_donor(session, partner_id="p-norway", actor="officer")
        assert (donor.name, donor.kind, donor.country) == ("Kingdom of Norway", "state", "Norway")
        vtf.record_money(session, donor.id, kind="pledge", year=2026, amount="500000", dated=date(2026, 1, 20))
        vtf.record_money(session, donor.id, kind="receipt", year=2026, amount="300000", dated=date(2026, 4, 2))
        vtf.record_money(session, donor.id, kind="pledge", year=2027, amount="250000", dated=date(2026, 11, 2))
        donor_id = donor.id
    with sessions() as session:
        view = vtf.statement(session, donor_id)
        lines = [(x.year, x.pledged, x.received, x.outstanding, x.state) for x in view.lines]
        steps = session.scalars(select(OutboxMessage.payload).where(OutboxMessage.topic == "programmes.stepped")).all()
    assert lines == [(2026, Decimal("500000.00"), Decimal("300000.00"), Decimal("200000.00"), "partly received"),
                     (2027, Decimal("250000.00"), Decimal("0.00"), Decimal("250000.00"), "pledged")]
    assert view.outstanding == Decimal("450000.00")
    assert [ProgrammeStepped.from_json(p).step for p in steps] == ["donor_added", "pledge", "receipt", "pledge"]


def test_a_partner_is_one_donor_and_bad_money_is_refused(sessions):
    """The same partner cannot be registered twice; an amount of zero or an unknown partner is refused clearly."""
    _partner(sessions)
    with transaction(sessions) as session:
        donor_id = vtf.add_donor(session, partner_id="p-norway").id
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="already a donor"):
        vtf.add_donor(session, partner_id="p-norway")
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="no active partner"):
        vtf.add_donor(session, partner_id="p-nowhere")
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="more than zero"):
        vtf.record_money(session, donor_id, kind="receipt", year=2026, amount="0", dated=date(2026, 1, 1))


def test_the_advisory_board_records_meetings_attendance_and_decisions(sessions):
    """A meeting lists who attended and its decisions; an attendee who is not on the board is refused."""
    with transaction(sessions) as session:
        a = vtf.add_board_member(session, name="Amal Rahimi", affiliation="Former minister", since=date(2025, 3, 1))
        b = vtf.add_board_member(session, name="Jonas Berg", affiliation="Foundation director", since=date(2025, 3, 1))
        vtf.record_meeting(session, held_on=date(2026, 5, 12), place="Geneva", attendees=[a.id, b.id],
                           decisions=[("Approve the 2026 work plan", ""), ("Allocate to the Youth Fund", "150000")])
        ids = [a.id, "stranger"]
    with transaction(sessions) as session, pytest.raises(ProgrammeError, match="attended"):
        vtf.record_meeting(session, held_on=date(2026, 9, 1), place="New York", attendees=ids)
    with sessions() as session:
        [(meeting, decisions)] = vtf.meetings(session)
    assert meeting.place == "Geneva" and len(meeting.attendees) == 2
    assert [(d.text, d.amount) for d in decisions] == [("Approve the 2026 work plan", None),
                                                       ("Allocate to the Youth Fund", Decimal("150000.00"))]
