"""The Voluntary Trust Fund: donors (each linked to its partner entry), pledges and receipts per donor and year,
the Advisory Board's members, meetings and decisions, and a statement per donor.

Pure: `year_lines` (pledged, received, outstanding and state per year). Handlers take the caller's session and
record each step (`programmes.record_step`: timeline + `programmes.stepped`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import queries
from .programmes import ProgrammeError, money, record_step, utcnow
from .tables_programmes import VtfBoardMemberRow, VtfDecisionRow, VtfDonorRow, VtfMeetingRow, VtfMoneyRow

PROGRAMME = "vtf"
DONOR_KINDS = {"state": "Member State", "international_organization": "International organization",
               "un_agency": "UN agency", "private_sector": "Private sector", "foundation": "Foundation",
               "individual": "Individual"}
PARTNER_KIND_TO_DONOR = {"state": "state", "un_agency": "un_agency", "international_organization":
                         "international_organization", "regional_organization": "international_organization",
                         "foundation": "foundation", "private_sector": "private_sector"}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class YearLine:
    """One donor's year: pledged, received, outstanding, and the pledge's state."""

    year: int
    pledged: Decimal
    received: Decimal

    @property
    def outstanding(self) -> Decimal:
        """Pledged and not yet received (never below zero)."""
        return max(self.pledged - self.received, ZERO)

    @property
    def state(self) -> str:
        """no pledge / pledged / partly received / fulfilled."""
        if self.pledged == 0:
            return "received without pledge" if self.received else "no pledge"
        if self.received == 0:
            return "pledged"
        return "fulfilled" if self.received >= self.pledged else "partly received"


def year_lines(rows: list[tuple[str, int, Decimal]]) -> list[YearLine]:
    """(kind, year, amount) rows → one line per year, oldest first."""
    years: dict[int, list[Decimal]] = {}
    for kind, year, amount in rows:
        pair = years.setdefault(year, [ZERO, ZERO])
        pair[0 if kind == "pledge" else 1] += Decimal(amount)
    return [YearLine(y, p, r) for y, (p, r) in sorted(years.items())]


# --- handlers -----------------------------------------------------------------------------------------------------

def add_donor(session: Session, *, partner_id: str = "", name: str = "", kind: str = "", country: str = "",
              actor: str = "", donor_id: str = "", now: datetime | None = None) -> VtfDonorRow:
    """Register a donor. With `partner_id` the name, kind and country come from the partner entry (one identity)."""
    now = now or utcnow()
    if partner_id:
        partner = queries.entry(session, "partners", partner_id)
        if partner is None or partner["status"] != "active":
            raise ProgrammeError("There is no active partner entry with that id: add the partner first.")
        if session.scalar(select(VtfDonorRow.id).where(VtfDonorRow.partner_id == partner_id)):
            raise ProgrammeError(f"{partner['data']['name']} is already a donor.")
        data = partner["data"]
        name = data["name"]
        kind = kind or PARTNER_KIND_TO_DONOR.get(data.get("kind", ""), "foundation")
        country = country or data.get("country", "")
    if not name.strip():
        raise ProgrammeError("Choose the donor's partner entry, or give a name (for an individual).")
    if kind not in DONOR_KINDS:
        raise ProgrammeError("Choose what kind of donor this is.")
    row = VtfDonorRow(id=donor_id or uuid.uuid4().hex[:12], name=name.strip()[:200], kind=kind,
                      partner_id=partner_id, country=country.strip()[:80], created_at=now)
    session.add(row)
    session.flush()
    record_step(session, PROGRAMME, row.id, "donor_added", actor=actor, now=now, text=f"Donor {row.name} registered.")
    return row


def record_money(session: Session, donor_id: str, *, kind: str, year: int, amount: object, dated: date,
                 currency: str = "USD", reference: str = "", actor: str = "",
                 now: datetime | None = None) -> VtfMoneyRow:
    """Record a pledge or a receipt of a donor for a year."""
    now = now or utcnow()
    donor = session.get(VtfDonorRow, donor_id)
    if donor is None:
        raise ProgrammeError("There is no such donor.")
    if kind not in ("pledge", "receipt"):
        raise ProgrammeError("Record a pledge or a receipt.")
    if not 2000 <= int(year) <= 2100:
        raise ProgrammeError("Give the year the money is for, e.g. 2027.")
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ProgrammeError("The currency is a three-letter code, e.g. USD.")
    row = VtfMoneyRow(id=uuid.uuid4().hex[:16], donor_id=donor_id, kind=kind, year=int(year),
                      amount=money(amount), currency=currency, dated=dated, reference=reference.strip()[:200],
                      created_at=now)
    session.add(row)
    session.flush()
    record_step(session, PROGRAMME, donor_id, kind, actor=actor, now=now,
                text=f"{'Pledged' if kind == 'pledge' else 'Received'} {row.amount:,.2f} {currency} for {year}.",
                data={"year": int(year), "amount": str(row.amount), "currency": currency})
    return row


def add_board_member(session: Session, *, name: str, affiliation: str = "", since: date, actor: str = "",
                     member_id: str = "", now: datetime | None = None) -> VtfBoardMemberRow:
    """Appoint a member of the Advisory Board."""
    if not name.strip():
        raise ProgrammeError("Give the board member's name.")
    row = VtfBoardMemberRow(id=member_id or uuid.uuid4().hex[:12], name=name.strip()[:200],
                            affiliation=affiliation.strip()[:200], since=since)
    session.add(row)
    session.flush()
    record_step(session, PROGRAMME, "board", "board_member_added", actor=actor, now=now,
                text=f"{row.name} joined the Advisory Board.")
    return row


def record_meeting(session: Session, *, held_on: date, place: str, attendees: list[str], minutes: str = "",
                   decisions: list[tuple[str, object]] = (), actor: str = "", meeting_id: str = "",
                   now: datetime | None = None) -> VtfMeetingRow:
    """Record an Advisory Board meeting, who attended (board member ids) and its decisions ((text, amount|None))."""
    known = set(session.scalars(select(VtfBoardMemberRow.id)))
    if not attendees or set(attendees) - known:
        raise ProgrammeError("Tick the board members who attended.")
    row = VtfMeetingRow(id=meeting_id or uuid.uuid4().hex[:12], held_on=held_on, place=place.strip()[:200],
                        attendees=list(attendees), minutes=minutes.strip()[:20000])
    session.add(row)
    session.flush()
    for text, amount in decisions:
        if str(text).strip():
            session.add(VtfDecisionRow(meeting_id=row.id, text=str(text).strip()[:3000],
                                       amount=money(amount, "The decision's amount") if amount not in (None, "")
                                       else None))
    record_step(session, PROGRAMME, "board", "meeting", actor=actor, now=now,
                text=f"Advisory Board met in {row.place or 'session'} on {held_on:%d %b %Y}.")
    return row


def add_decision(session: Session, meeting_id: str, text: str, amount: object = None, *, actor: str = "",
                 now: datetime | None = None) -> None:
    """Add a decision to a recorded meeting."""
    if session.get(VtfMeetingRow, meeting_id) is None:
        raise ProgrammeError("There is no such meeting.")
    if not text.strip():
        raise ProgrammeError("Write the decision.")
    session.add(VtfDecisionRow(meeting_id=meeting_id, text=text.strip()[:3000],
                               amount=money(amount, "The decision's amount") if amount not in (None, "") else None))
    record_step(session, PROGRAMME, "board", "decision", actor=actor, now=now, text=f"Decision: {text.strip()[:200]}")


# --- queries ------------------------------------------------------------------------------------------------------

@dataclass
class DonorView:
    """A donor with its lines per year and totals."""

    donor: VtfDonorRow
    lines: list[YearLine]

    @property
    def pledged(self) -> Decimal:
        """Total pledged."""
        return sum((line.pledged for line in self.lines), ZERO)

    @property
    def received(self) -> Decimal:
        """Total received."""
        return sum((line.received for line in self.lines), ZERO)

    @property
    def outstanding(self) -> Decimal:
        """Total outstanding."""
        return sum((line.outstanding for line in self.lines), ZERO)


def donors(session: Session) -> list[DonorView]:
    """Every donor with totals, most pledged first."""
    rows = session.execute(select(VtfMoneyRow.donor_id, VtfMoneyRow.kind, VtfMoneyRow.year, VtfMoneyRow.amount)).all()
    by_donor: dict[str, list] = {}
    for donor_id, kind, year, amount in rows:
        by_donor.setdefault(donor_id, []).append((kind, year, amount))
    views = [DonorView(d, year_lines(by_donor.get(d.id, []))) for d in session.scalars(select(VtfDonorRow))]
    return sorted(views, key=lambda v: (-v.pledged, v.donor.name))


def donor(session: Session, donor_id: str) -> VtfDonorRow | None:
    """One donor."""
    return session.get(VtfDonorRow, donor_id)


def money_of(session: Session, donor_id: str) -> list[VtfMoneyRow]:
    """A donor's pledges and receipts, by date."""
    return list(session.scalars(select(VtfMoneyRow).where(VtfMoneyRow.donor_id == donor_id)
                                .order_by(VtfMoneyRow.dated, VtfMoneyRow.created_at)))


def statement(session: Session, donor_id: str) -> DonorView | None:
    """A donor's statement: its lines per year (the page also lists every pledge and receipt)."""
    row = donor(session, donor_id)
    if row is None:
        return None
    return DonorView(row, year_lines([(m.kind, m.year, m.amount) for m in money_of(session, donor_id)]))


def totals_by_year(session: Session) -> list[YearLine]:
    """The whole Fund's pledged and received per year."""
    return year_lines([tuple(r) for r in session.execute(select(VtfMoneyRow.kind, VtfMoneyRow.year,
                                                                 VtfMoneyRow.amount)).all()])


def board(session: Session) -> list[VtfBoardMemberRow]:
    """The Advisory Board's members, longest serving first."""
    return list(session.scalars(select(VtfBoardMemberRow).order_by(VtfBoardMemberRow.since, VtfBoardMemberRow.name)))


def meetings(session: Session) -> list[tuple[VtfMeetingRow, list[VtfDecisionRow]]]:
    """The Advisory Board's meetings, newest first, each with its decisions."""
    out = []
    for m in session.scalars(select(VtfMeetingRow).order_by(VtfMeetingRow.held_on.desc())):
        out.append((m, list(session.scalars(select(VtfDecisionRow).where(VtfDecisionRow.meeting_id == m.id)
                                            .order_by(VtfDecisionRow.id)))))
    return out
