"""A year of fictional activity in the programmes (issue 16): Ambassadors at every stage with their activities,
two Youth Solidarity Fund calls (last year's decided, with a panel, a conflict, grants, tranches, reports and one
project completed into the Clearinghouse; this year's open), and the Voluntary Trust Fund's donors, pledges,
receipts and Advisory Board. Every person, organisation, State and amount is invented.

Seeded through the same handlers the console uses, with each step dated in the past year; seeding twice changes
nothing (the first call's id is the marker).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bus.records import RegistryCommand
from bus.records.base import deterministic_id
from db.engine import transaction

from . import ambassadors as amb
from . import handlers, queries
from . import publicforms as pf
from . import trustfund as vtf
from . import youthfund as ysf

PDF = b"%PDF-1.4\n% fictional demo budget\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PANEL = (("officer@demo", "Demo Duty Officer"), ("admin@demo", "Demo Admin"), ("panel.youth@demo.example.org",
                                                                             "Sami Demo-Okafor"))
SCORES = {"relevance": "4", "feasibility": "4", "youth": "5", "reach": "3"}

APPLICANTS = [  # name, email, age, organisation, country, youth-led, title, amount, outcome
    ("Lina Demo-Haddad", "lina@demo.example.org", 24, "Bridges Demo Youth", "Jordan", True,
     "Shared kitchens across four neighbourhoods", 12000, "completed"),
    ("Tomás Demo-Ruiz", "tomas@demo.example.org", 27, "Voces Demo Jóvenes", "Peru", True,
     "Radio by young migrants and their hosts", 18000, "granted"),
    ("Aylin Demo-Kaya", "aylin@demo.example.org", 22, "Demo Youth Debate Club", "Türkiye", True,
     "Debating across faiths in secondary schools", 9000, "granted"),
    ("Kwame Demo-Mensah", "kwame@demo.example.org", 31, "Demo Peace Footballers", "Ghana", True,
     "Football leagues mixing rival districts", 15000, "rejected"),
    ("Marta Demo-Nowak", "marta@demo.example.org", 41, "Demo Civic Forum", "Poland", False,
     "Intergenerational memory walks", 30000, "ineligible"),
    ("Yusuf Demo-Rahimi", "yusuf@demo.example.org", 25, "Demo Young Storytellers", "Afghanistan", True,
     "Podcasts by young refugees", 8000, "eligible"),
]


def _at(start: datetime, days: float) -> datetime:
    return start + timedelta(days=days)


def _application(session: Session, call_id: str, a: tuple, when: datetime) -> str:
    name, email, age, org, country, youth_led, title, amount, _ = a
    values = {"applicant_name": name, "email": email, "age": str(age), "organisation": org, "country": country,
              "youth_led": "on" if youth_led else "", "project_title": title, "amount": str(amount),
              "summary": f"{title}: a fictional project of the demo, run by {org}.",
              "start_date": (when + timedelta(days=90)).date().isoformat(), "consent": "on"}
    checked = pf.check(session, ysf.FORM, pf.FormInput(values=values, uploads={"budget": pf.Upload(
        "budget.pdf", "application/pdf", PDF)}), now=when)
    return ysf.submit_application(session, call_id, checked, now=when).id


def _partners(sessions: sessionmaker[Session]) -> None:
    entries = [("demo-partner-arcadia", {"name": "Demo Republic of Arcadia", "kind": "state",
                                         "country": "Arcadia"}),
               ("demo-partner-lumeria", {"name": "Demo Kingdom of Lumeria", "kind": "state", "country": "Lumeria"}),
               ("demo-partner-harbour", {"name": "Demo Harbour Foundation", "kind": "foundation",
                                         "country": "Portugal"})]
    for entity_id, data in entries:
        with transaction(sessions) as session:
            handlers.apply_command(session, RegistryCommand(registry="partners", action="create", entity_id=entity_id,
                                                            request_id=f"demo-{entity_id}", data=data, actor="demo"))


def seed_programmes(sessions: sessionmaker[Session], now: datetime | None = None) -> list[str]:
    """Seed the year (once); lines for `rrm up`."""
    now = now or datetime.now(UTC)
    start = now - timedelta(days=365)
    marker = f"demo-ysf-{start.year}"
    with sessions() as session:
        if ysf.call(session, marker) is not None:
            return ["registry programmes: demo year already seeded"]
    _partners(sessions)
    actor = "officer@demo"

    # --- Ambassadors -----------------------------------------------------------------------------------------
    people = [  # name, member email (network) or "", country, stage, appointed days ago, term years
        ("Amina Haddad", "amina.haddad@demo.example.org", "Morocco", "appointed", 300, 2),
        ("Jonas Demo-Berg", "", "Norway", "appointed", 340, 1.15),
        ("Mei Demo-Tanaka", "", "Japan", "appointed", 200, 2),
        ("Farid Demo-Saleh", "", "Lebanon", "proposed", 0, 0),
        ("Ana Demo-Ferreira", "", "Brazil", "shortlisted", 0, 0),
        ("Ibrahim Demo-Diallo", "", "Senegal", "nominated", 0, 0),
        ("Sofia Demo-Petrova", "", "Bulgaria", "potential", 0, 0),
    ]
    order = ["potential", "nominated", "shortlisted", "proposed", "appointed"]
    with transaction(sessions) as session:
        for i, (name, member_email, country, stage, ago, years) in enumerate(people):
            t = _at(start, 5 + i * 3)
            member_id = deterministic_id("member", member_email) if member_email else ""
            c = amb.add_personality(session, name=name, member_id=member_id, country=country, actor=actor, now=t,
                                    email=member_email or f"{name.split()[0].lower()}@demo.example.org",
                                    profile=f"{name} (fictional): writer and public voice for dialogue in {country}.")
            reach = order.index(stage)
            if reach >= 1:
                amb.nominate(session, c.id, f"{name} speaks to audiences the Alliance rarely reaches in {country}.",
                             actor=actor, now=_at(t, 10))
            if reach >= 2:
                amb.shortlist(session, c.id, actor=actor, now=_at(t, 20))
            if reach >= 3:
                amb.propose(session, c.id, _at(t, 30).date(), actor=actor, now=_at(t, 30))
            if reach >= 4:
                begins = (now - timedelta(days=ago)).date()
                amb.appoint(session, c.id, begins, begins + timedelta(days=round(365 * years)), actor=actor,
                            now=_at(t, 40))
                for k, (kind, title) in enumerate((("oped", "Op-ed: what we owe our neighbours"),
                                                   ("forum", "Spoke at the Annual Forum"),
                                                   ("project", "Patron of a youth media project"))):
                    happened = begins + timedelta(days=30 + 70 * k)
                    if happened < now.date():
                        amb.log_activity(session, c.id, kind=kind, title=title, happened_on=happened, actor=actor,
                                         now=datetime.combine(happened, datetime.min.time(), UTC))

    # --- Youth Solidarity Fund -------------------------------------------------------------------------------
    opened = _at(start, 15)
    deadline = _at(start, 75)
    with transaction(sessions) as session:
        ysf.create_call(session, call_id=marker, title=f"Youth Solidarity Fund {start.year}", opens_at=opened,
                        deadline=deadline, summary="Small grants for youth-led projects of intercultural dialogue.",
                        actor=actor, now=opened)
        for email, name in PANEL:
            ysf.add_panellist(session, marker, email, name, actor=actor, now=opened)
        ids = [_application(session, marker, a, _at(opened, 10 + 6 * i)) for i, a in enumerate(APPLICANTS)]
    review = _at(deadline, 5)
    with transaction(sessions) as session:
        for app_id, a in zip(ids, APPLICANTS, strict=True):
            ysf.check_eligibility(session, app_id, actor=actor, now=review)
            if a[-1] == "ineligible":
                continue
            for k, (email, _) in enumerate(PANEL):
                if k == 2 and a[-1] == "granted" and a[0].startswith("Aylin"):
                    ysf.declare_conflict(session, app_id, email, "I coached this debate club two years ago.",
                                         now=_at(review, 2))
                    continue
                given = {**SCORES, "reach": str((int(SCORES["reach"]) + k + len(a[0])) % 6)}
                if a[-1] == "rejected":
                    given = {key: "2" for key in SCORES}
                ysf.score_application(session, app_id, email, given, now=_at(review, 3 + k))
    decided = _at(deadline, 25)
    with transaction(sessions) as session:
        for app_id, a in zip(ids, APPLICANTS, strict=True):
            if a[-1] in ("completed", "granted"):
                ysf.decide(session, app_id, grant=True, actor=actor, amount=str(a[7]),
                           starts_on=(decided + timedelta(days=10)).date(), months=6 if a[-1] == "completed" else 12,
                           now=decided)
            elif a[-1] == "rejected":
                ysf.decide(session, app_id, grant=False, actor=actor, note="Strong idea; budget not yet credible.",
                           now=decided)
        for app_id, a in zip(ids, APPLICANTS, strict=True):
            if a[-1] not in ("completed", "granted"):
                continue
            for t in ysf.tranches_of(session, app_id):
                if t.due_on <= now.date():
                    ysf.pay_tranche(session, app_id, t.number, t.due_on + timedelta(days=3), actor=actor,
                                    now=datetime.combine(t.due_on + timedelta(days=3), datetime.min.time(), UTC))
            for r in ysf.reports_of(session, app_id):
                if r.due_on <= now.date() - timedelta(days=5) and (a[-1] == "completed" or r.number == 1):
                    when = r.due_on - timedelta(days=2)
                    ysf.receive_report(session, app_id, r.number, when,
                                       f"{a[6]}: {'half-way' if r.number == 1 else 'final'} report (fictional).",
                                       actor=actor, now=datetime.combine(when, datetime.min.time(), UTC))
    current = f"demo-ysf-{now.year}"
    with transaction(sessions) as session:
        if ysf.call(session, current) is None:
            ysf.create_call(session, call_id=current, title=f"Youth Solidarity Fund {now.year}",
                            opens_at=_at(now, -20), deadline=_at(now, 25), actor=actor, now=_at(now, -20),
                            summary="Small grants for youth-led projects against polarization online and offline.")
            for email, name in PANEL[:2]:
                ysf.add_panellist(session, current, email, name, actor=actor, now=_at(now, -20))
            for i, a in enumerate(APPLICANTS[:2]):
                _application(session, current, (*a[:6], f"{a[6]} (second year)", a[7], ""), _at(now, -10 + 4 * i))

    # --- Voluntary Trust Fund --------------------------------------------------------------------------------
    with transaction(sessions) as session:
        donors = [vtf.add_donor(session, partner_id=p, actor=actor, now=_at(start, 3 + i))
                  for i, p in enumerate(("demo-partner-arcadia", "demo-partner-lumeria", "demo-partner-harbour",
                                         "demo-partner-1"))
                  if queries.exists(session, "partners", p)]  # demo-partner-1 comes from registry/demo.py
        donors.append(vtf.add_donor(session, name="Elena Demo-Marquez", kind="individual", actor=actor,
                                    now=_at(start, 8)))
        plan = [(400000, 400000, 350000), (250000, 180000, 250000), (120000, 120000, 0), (60000, 30000, 60000),
                (5000, 5000, 0)]
        for d, (pledged, received, next_pledge) in zip(donors, plan, strict=False):
            vtf.record_money(session, d.id, kind="pledge", year=start.year, amount=pledged, dated=_at(start, 20).date(),
                             reference="Pledging conference (fictional)", actor=actor, now=_at(start, 20))
            vtf.record_money(session, d.id, kind="receipt", year=start.year, amount=received,
                             dated=_at(start, 120).date(), reference="Transfer (fictional)", actor=actor,
                             now=_at(start, 120))
            if next_pledge:
                vtf.record_money(session, d.id, kind="pledge", year=now.year if now.year > start.year else
                                 start.year + 1, amount=next_pledge, dated=_at(start, 330).date(), actor=actor,
                                 reference="Letter of intent (fictional)", now=_at(start, 330))
        members = [vtf.add_board_member(session, name=n, affiliation=aff, since=_at(start, 1).date(), actor=actor,
                                        now=_at(start, 1))
                   for n, aff in (("Amal Demo-Rahimi", "Former foreign minister (fictional)"),
                                  ("Pieter Demo-Visser", "Foundation director (fictional)"),
                                  ("Grace Demo-Otieno", "University rector (fictional)"),
                                  ("Hiroshi Demo-Sato", "Former UN official (fictional)"),
                                  ("Carmen Demo-Vidal", "Youth leader (fictional)"))]
        ids_ = [m.id for m in members]
        meetings = [(60, "Geneva", ids_[:4], [("Approve the year's work plan", ""),
                                              ("Allocate to the Youth Solidarity Fund", "150000")]),
                    (180, "New York", ids_, [("Accept the audited accounts", ""),
                                             ("Open a second call of the Youth Solidarity Fund", "")]),
                    (320, "Online", ids_[1:], [("Approve the budget of the Annual Forum", "220000")])]
        for day, place, present, decisions in meetings:
            vtf.record_meeting(session, held_on=_at(start, day).date(), place=place, attendees=present,
                               minutes=f"Meeting of the Advisory Board in {place} (fictional minutes).",
                               decisions=decisions, actor=actor, now=_at(start, day))
    return [f"registry programmes: {len(people)} Ambassadors' records, {len(APPLICANTS) + 2} Youth Solidarity Fund "
            f"applications in 2 calls, {len(donors)} Trust Fund donors and {len(meetings)} Board meetings seeded"]
