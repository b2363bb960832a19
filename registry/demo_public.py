"""A year of fictional activity in the public processes (issue 16): fora with registrations, agendas and outcomes
linked to registry entries; the Group of Friends' focal points and two consultations with replies; Clearinghouse
resources in the demo's six languages (en, fr, es, ar, tr, de) with regions and years, public submissions
(pending, published, declined); newsletter subscribers and two issues; projects with budgets and partner links.
Every person, organisation, State and amount is invented.

Seeded through the same handlers the console uses, each step dated in the past year; seeding twice changes nothing
(a processed marker says it was done).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bus.records import RegistryCommand
from db.engine import transaction
from db.idempotency import first_time
from links import SignedLinks

from . import clearinghouse as ch
from . import fora, friends, handlers, newsletter
from . import publicforms as pf
from . import tables as t
from . import tables_public as tp

MARKER = ("registry.demo_public", "v1")

RESOURCES = [  # id, lang, title, summary, theme, kind, region, years ago, partner ids
    ("demo-pub-fr", "fr", "Cafés citoyens entre voisins de confessions différentes",
     "Chaque mois, des habitants de religions différentes parlent de leurs fêtes et de leurs écoles.",
     "migration", "good_practice", "Europe", 1, ["demo-partner-1"]),
    ("demo-pub-es", "es", "Periodistas jóvenes contra los estereotipos",
     "Talleres para redacciones locales sobre la cobertura de las comunidades migrantes.",
     "media", "project", "Latin America", 0, ["demo-partner-2"]),
    ("demo-pub-ar", "ar", "الحوار بين الشباب في المدارس",
     "برنامج للحوار بين الطلاب من ديانات وثقافات مختلفة في المدارس الثانوية.",
     "youth", "good_practice", "Middle East", 0, []),
    ("demo-pub-tr", "tr", "Gençlik kulüplerinde kültürlerarası diyalog",
     "Öğrenciler farklı kültürlerden arkadaşlarıyla her hafta kulüplerde buluşuyor.",
     "youth", "good_practice", "Europe", 2, []),
    ("demo-pub-de", "de", "Interreligiöses Lernen in Schulen",
     "Lehrerinnen und Lehrer entwickeln gemeinsame Unterrichtsmaterialien über Religionen.",
     "education", "resource", "Europe", 0, ["demo-partner-1"]),
    ("demo-pub-en", "en", "Teachers training for intercultural classrooms",
     "Workshops help teachers discuss religions and cultures with their pupils.",
     "education", "resource", "Africa", 1, ["demo-partner-2"]),
]
PROJECTS = [  # id, title, theme, status, region, budget, secured, partner ids
    ("demo-pipe-1", "Demo Newsroom Exchanges", "media", "proposed", "Africa", "180000", "40000",
     ["demo-partner-2"]),
    ("demo-pipe-2", "Demo Interfaith School Twinning", "education", "approved", "Europe", "95000", "95000",
     ["demo-partner-1"]),
    ("demo-pipe-3", "Demo Youth Mediators Network", "youth", "active", "Middle East", "60000", "25000",
     ["demo-partner-1", "demo-partner-2"]),
]
PEOPLE = [("Yasmin Demo-Saleh", "Jordan", "speaker"), ("Pierre Demo-Laurent", "France", "participant"),
          ("Ana Demo-Vidal", "Spain", "youth_delegate"), ("Kenji Demo-Mori", "Japan", "press"),
          ("Fatou Demo-Diop", "Senegal", "participant"), ("Lukas Demo-Weber", "Germany", "observer"),
          ("Elif Demo-Yıldız", "Türkiye", "youth_delegate"), ("Omar Demo-Farouk", "Egypt", "speaker")]


def _create(session: Session, registry: str, entity_id: str, data: dict, now: datetime) -> None:
    handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                    request_id=f"demo-public-{entity_id}", data=data, actor="demo"),
                           now=now)


def seed_public(sessions: sessionmaker[Session], links: SignedLinks, now: datetime | None = None) -> list[str]:
    """Seed the year (once); lines for `rrm up`."""
    now = now or datetime.now(UTC)
    with transaction(sessions) as session:
        if not first_time(session, *MARKER):
            return ["registry public processes: demo year already seeded"]
    ago = lambda days: now - timedelta(days=days)  # noqa: E731 - a small helper

    with transaction(sessions) as session:
        for i, (rid, lang, title, summary, theme, kind, region, years, partners) in enumerate(RESOURCES):
            _create(session, "clearinghouse", rid, {
                "kind": kind, "theme": theme, "region": region, "year": now.year - years, "partners": partners,
                "texts": {lang: {"title": title, "summary": summary}}}, ago(300 - 40 * i))
        for pid, title, theme, status, region, budget, secured, partners in PROJECTS:
            _create(session, "projects", pid, {
                "title": title, "category": "aoc_project", "theme": theme, "role": "facilitating",
                "status": status, "region": region, "budget": budget, "funds_secured": secured, "currency": "USD",
                "partner_ids": partners, "started_on": str(ago(200).date())}, ago(250))
        forum_day = (ago(120)).date()
        _create(session, "events", "demo-forum-regional", {
            "name": f"Regional Meeting on Youth and Media {forum_day.year} (demo)", "kind": "regional_meeting",
            "starts_on": str(forum_day), "ends_on": str(forum_day + timedelta(days=1)), "city": "Demo Harbour",
            "host": "Demo Regional Organization", "themes": ["youth", "media"]}, ago(200))
        upcoming = (now + timedelta(days=60)).date()
        _create(session, "events", "demo-forum-next", {
            "name": f"Annual Forum {upcoming.year} (demo)", "kind": "annual_forum", "starts_on": str(upcoming),
            "ends_on": str(upcoming + timedelta(days=1)), "city": "Demo Capital",
            "host": "Government of Demo", "themes": ["youth", "education", "media", "migration"]}, ago(30))

    _fora(sessions, now, forum_day, upcoming)
    _friends(sessions, links, now)
    _submissions(sessions, now)
    issues = _newsletter(sessions, links, now)
    return [f"registry public processes: fora {now:%Y}, consultations, {len(RESOURCES)} Clearinghouse resources in "
            f"en/fr/es/ar/tr/de, {issues} newsletter issues, {len(PROJECTS)} projects in the donors' pipeline"]


def _register(session: Session, event_id: str, name: str, country: str, attendance: str, deadline: datetime,
              when: datetime) -> None:
    email = name.lower().replace(" ", ".").replace("ı", "i") + "@demo.example.org"
    given = pf.FormInput(values={"name": name, "email": email, "country": country, "attendance": attendance,
                                 "organization": "", "consent": "on"})
    checked = pf.check(session, fora.REGISTRATION, given, now=when)
    row = pf.save_submission(session, fora.REGISTRATION, checked, subject_id=event_id, deadline=deadline, now=when)
    fora.register(session, event_id, checked, row, now=when)


def _fora(sessions: sessionmaker[Session], now: datetime, forum_day: date, upcoming: date) -> None:
    with transaction(sessions) as session:
        past = session.get(t.EventRow, "demo-forum-regional")
        closes = fora.registration_closes(past)
        for i, (name, country, attendance) in enumerate(PEOPLE):
            _register(session, "demo-forum-regional", name, country, attendance, closes,
                      closes - timedelta(days=30 - i))
        for i, (name, country, attendance) in enumerate(PEOPLE[:3]):
            _register(session, "demo-forum-next", name, country, attendance,
                      fora.registration_closes(session.get(t.EventRow, "demo-forum-next")),
                      now - timedelta(days=5 - i))
        when = datetime.combine(forum_day, datetime.min.time(), tzinfo=UTC) - timedelta(days=20)
        for day, starts, ends, title, speakers in [
                (forum_day, "09:30", "10:30", "Opening: young journalists and the stories they tell",
                 "Yasmin Demo-Saleh"),
                (forum_day, "11:00", "12:30", "Workshop: checking sources across languages", "Omar Demo-Farouk"),
                (forum_day + timedelta(days=1), "10:00", "11:30", "Youth mediators: what worked", "Ana Demo-Vidal")]:
            fora.add_agenda_item(session, "demo-forum-regional", day=day, starts=starts, ends=ends, title=title,
                                 speakers=speakers, room="Main hall", actor="demo", now=when)
        fora.add_agenda_item(session, "demo-forum-next", day=upcoming, starts="09:00", ends="10:00",
                             title="Opening of the Annual Forum", speakers="The High Representative (demo)",
                             room="Plenary", actor="demo", now=now - timedelta(days=10))
        for kind, registry, entity_id, title in [
                ("partnership", "partners", "demo-partner-2", "Demo Youth Network joins the media literacy clinics"),
                ("project_launch", "projects", "demo-pipe-3", ""),
                ("endorsement", "friends", "demo-friend-tr", "Türkiye endorses the youth mediators network")]:
            fora.add_outcome(session, "demo-forum-regional", kind=kind, registry=registry, entity_id=entity_id,
                             title=title, announced_on=forum_day + timedelta(days=1), actor="demo",
                             now=datetime.combine(forum_day, datetime.min.time(), tzinfo=UTC))


def _friends(sessions: sessionmaker[Session], links: SignedLinks, now: datetime) -> None:
    with transaction(sessions) as session:
        ids = {
            "es": friends.add_focal_point(session, "demo-friend-es", name="Lucía Demo-Ferrer",
                                          email="lucia@demo.example.org", lang="es", now=now - timedelta(days=330)),
            "tr": friends.add_focal_point(session, "demo-friend-tr", name="Emre Demo-Aydın",
                                          email="emre@demo.example.org", now=now - timedelta(days=330)),
            "un": friends.add_focal_point(session, "demo-friend-unesco", name="Claire Demo-Martin",
                                          email="claire@demo.example.org", lang="fr", now=now - timedelta(days=330)),
        }
        sent = now - timedelta(days=150)
        first = friends.create_consultation(
            session, title="Draft priorities of the next Implementation Plan (demo)",
            body="Do you support the four priorities proposed for the next plan: youth, education, media and "
                 "migration, with a new focus on online hate speech?",
            deadline=sent + timedelta(days=21), created_by="officer@demo", now=sent)
        friends.send_consultation(session, first, links, actor="officer@demo", now=sent)
        friends.reply(session, first, ids["es"], position="support", text="Spain supports the four priorities.",
                      now=sent + timedelta(days=5))
        friends.reply(session, first, ids["un"], position="with_changes",
                      text="UNESCO proposes to add teacher training under education.", now=sent + timedelta(days=9))
        second = friends.create_consultation(
            session, title="Host of the next regional meeting (demo)",
            body="Three cities offered to host the next regional meeting. Which one would your delegation prefer?",
            deadline=now + timedelta(days=12), created_by="officer@demo", now=now - timedelta(days=2))
        friends.send_consultation(session, second, links, actor="officer@demo", now=now - timedelta(days=2))


def _submissions(sessions: sessionmaker[Session], now: datetime) -> None:
    with transaction(sessions) as session:
        ch.submit(session, {"kind": "good_practice", "theme": "youth", "region": "Asia", "year": now.year,
                                      "texts": {"en": {"title": "Interfaith football leagues (demo)",
                                                       "summary": "Teams mix players of three faiths every season."}}},
                            name="Rahul Demo-Mehta", email="rahul@demo.example.org", now=now - timedelta(days=3))
        published = ch.submit(session, {"kind": "resource", "theme": "media", "region": "Global", "year": now.year,
                                        "partners": ["demo-partner-1"],
                                        "texts": {"fr": {"title": "Guide de vérification des images (démo)",
                                                         "summary": "Comment vérifier l'origine d'une photo."}}},
                              name="Julie Demo-Moreau", email="julie@demo.example.org", now=now - timedelta(days=40))
        declined = ch.submit(session, {"kind": "good_practice", "theme": "media",
                                       "texts": {"en": {"title": "Buy our media course (demo)"}}},
                             name="Spam Demo", email="spam@demo.example.org", now=now - timedelta(days=20))
        resource_id = ch.approve(session, published, moderator="officer@demo", now=now - timedelta(days=35))
        ch.reject(session, declined, moderator="officer@demo", reason="Advertising, not a practice.",
                  now=now - timedelta(days=19))
    with sessions() as session:
        row = session.get(tp.SubmissionRow, published)
        data = dict(row.data)
    with transaction(sessions) as session:  # what the registry worker does with the queued command
        handlers.apply_command(session, RegistryCommand(registry="clearinghouse", action="create",
                                                        entity_id=resource_id, request_id=f"moderation:{published}",
                                                        data=data, actor="officer@demo"),
                               now=now - timedelta(days=35))


def _newsletter(sessions: sessionmaker[Session], links: SignedLinks, now: datetime) -> int:
    people = [("Maria Demo-Silva", "pt"), ("John Demo-Smith", "en"), ("Nour Demo-Khalil", "ar"),
              ("Sophie Demo-Blanc", "fr"), ("Carlos Demo-Gómez", "es"), ("Zeynep Demo-Arslan", "tr"),
              ("Anna Demo-Schulz", "de"), ("David Demo-Cohen", "en"), ("Aisha Demo-Bello", "en"),
              ("Lars Demo-Nilsson", "en")]
    with transaction(sessions) as session:
        for i, (name, lang) in enumerate(people):
            email = name.split()[0].lower() + "." + str(i) + "@demo.example.org"
            when = now - timedelta(days=330 - 25 * i)
            sub_id = newsletter.sign_up(session, links, email=email, name=name, lang=lang, now=when)
            if i != 8:  # one never confirmed
                newsletter.confirm(session, sub_id, now=when + timedelta(hours=2))
            if i == 9:
                newsletter.unsubscribe(session, sub_id, now=when + timedelta(days=20))
    sent = 0
    for start_days, end_days in ((270, 181), (180, 91)):
        start, end = (now - timedelta(days=start_days)).date(), (now - timedelta(days=end_days)).date()
        with transaction(sessions) as session:
            try:
                issue_id = newsletter.compose(session, start, end, created_by="officer@demo",
                                              now=now - timedelta(days=end_days - 1))
                newsletter.send_issue(session, issue_id, links, actor="officer@demo",
                                      now=now - timedelta(days=end_days - 2))
                sent += 1
            except newsletter.NewsletterError:
                continue
    return sent
