"""The demo's registries: fictional entries of every registry (people, foundations and figures are invented).

Applied through the same command handler as the bus (so `registry.changed` leaves through the outbox); the request
ids are fixed, so seeding twice changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bus.records import RegistryCommand
from config.settings import Settings
from db.engine import make_engine, session_factory, transaction
from links import make_links

from . import handlers
from .demo_programmes import seed_programmes
from .demo_public import seed_public


def demo_entries(year: int) -> list[tuple[str, str, dict]]:
    """(registry, entity_id, data) of the fictional demo entries, dated in `year`."""
    y = str(year)
    return [
        ("friends", "demo-friend-es", {"name": "Spain", "kind": "state", "country": "Spain",
                                       "focal_point": "Lucía Demo-Ferrer",
                                       "focal_point_email": "lucia@demo.example.org",
                                       "joined_on": "2005-07-14", "meetings": ["Group of Friends, New York"]}),
        ("friends", "demo-friend-tr", {"name": "Türkiye", "kind": "state", "country": "Türkiye",
                                       "focal_point": "Emre Demo-Aydın", "joined_on": "2005-07-14"}),
        ("friends", "demo-friend-unesco", {"name": "UNESCO", "kind": "un_agency",
                                           "focal_point": "Claire Demo-Martin"}),
        ("ambassadors", "demo-amb-1", {"name": "Amina Demo-Rahman", "role": "ambassador",
                                       "appointed_on": f"{y}-02-01", "languages": ["ar", "en", "fr"],
                                       "countries": ["Morocco"]}),
        ("ambassadors", "demo-amb-2", {"name": "Jonas Demo-Lindqvist", "role": "personality",
                                       "languages": ["en", "sv"], "countries": ["Sweden"]}),
        ("partners", "demo-partner-1", {"name": "Demo Foundation for Dialogue", "kind": "foundation",
                                        "country": "Portugal", "website": "https://dialogue.demo.example.org",
                                        "contact_name": "Rui Demo-Costa"}),
        ("partners", "demo-partner-2", {"name": "Demo Youth Network", "kind": "civil_society",
                                        "country": "Jordan"}),
        ("projects", "demo-project-1", {"title": "Demo Student Exchange Pilot", "category": "collaborative_pilot",
                                        "theme": "education", "role": "facilitating", "status": "active",
                                        "criteria": {"feasible": True, "credible_partners": True, "replicable": True,
                                                     "diverse_communities": True},
                                        "partners": ["Demo Foundation for Dialogue"],
                                        "beneficiaries": ["Students of two Mediterranean universities"],
                                        "region": "Mediterranean", "started_on": f"{y}-03-01",
                                        "summary": "Reciprocal one-year placements between two universities."}),
        ("projects", "demo-project-2", {"title": "Demo Media Literacy Clinics", "category": "aoc_project",
                                        "theme": "media", "role": "managing", "status": "proposed",
                                        "criteria": {"feasible": True, "balanced": True},
                                        "partners": ["Demo Youth Network"]}),
        ("clearinghouse", "demo-res-1", {
            "kind": "good_practice", "theme": "media", "subjects": ["media_literacy", "journalist_training"],
            "organization": "Demo Youth Network", "contact": "clinics@demo.example.org",
            "url": "https://clinics.demo.example.org",
            "texts": {"en": {"title": "Media literacy clinics for secondary schools",
                             "summary": "Students learn to check sources and spot stereotypes in the news."},
                      "fr": {"title": "Ateliers d'éducation aux médias pour les lycées",
                             "summary": "Les élèves apprennent à vérifier les sources et à repérer les stéréotypes."},
                      "es": {"title": "Talleres de alfabetización mediática para institutos",
                             "summary": "Los alumnos aprenden a contrastar fuentes y detectar estereotipos."}}}),
        ("clearinghouse", "demo-res-2", {
            "kind": "good_practice", "theme": "migration", "subjects": ["immigrant_empowerment"],
            "organization": "Demo Foundation for Dialogue",
            "texts": {"en": {"title": "Welcome mentors for newly arrived families",
                             "summary": "Volunteers from earlier arrivals mentor new families for a year."},
                      "ar": {"title": "مرشدون لاستقبال الأسر الوافدة حديثا",
                             "summary": "متطوعون يرافقون الأسر الجديدة لمدة عام."}}}),
        ("clearinghouse", "demo-res-3", {
            "kind": "resource", "theme": "education", "subjects": ["religion_curricula", "dialogue"],
            "texts": {"en": {"title": "Teaching about religions: a consensus curriculum guide",
                             "summary": "How school boards agreed a curriculum with faith communities."}}}),
        ("events", "demo-event-forum", {"name": f"Annual Forum {y} (demo)", "kind": "annual_forum",
                                        "starts_on": f"{y}-04-15", "ends_on": f"{y}-04-16",
                                        "host": "Government of Demo", "city": "Demo City",
                                        "themes": ["youth", "media"],
                                        "participants": ["Spain", "Türkiye", "UNESCO"],
                                        "outcomes": "Three partnerships announced; two project launches."}),
        ("events", "demo-event-youth", {"name": f"Youth Forum {y} (demo)", "kind": "youth_forum",
                                        "starts_on": f"{y}-04-13", "ends_on": f"{y}-04-14",
                                        "host": "Government of Demo", "themes": ["youth"]}),
        ("funds", "demo-fund-1", {"fund": "voluntary_trust_fund", "kind": "contribution",
                                  "party": "Demo Foundation for Dialogue", "amount": "250000", "currency": "USD",
                                  "on": f"{y}-01-20", "decision": "received"}),
        ("funds", "demo-fund-2", {"fund": "voluntary_trust_fund", "kind": "pledge", "party": "Demo Philanthropy Trust",
                                  "amount": "100000", "currency": "EUR", "on": f"{y}-03-05"}),
        ("funds", "demo-fund-3", {"fund": "youth_solidarity_fund", "kind": "application",
                                  "party": "Demo Youth Network", "amount": "20000", "currency": "USD",
                                  "on": f"{y}-02-11", "decision": "approved",
                                  "initiative": "Peer mediators in schools"}),
        ("funds", "demo-fund-4", {"fund": "youth_solidarity_fund", "kind": "grant", "party": "Demo Youth Network",
                                  "amount": "20000", "currency": "USD", "on": f"{y}-03-01", "decision": "approved",
                                  "initiative": "Peer mediators in schools"}),
    ]


def seed(settings: Settings) -> list[str]:
    """Create the demo entries (once); return lines for `rrm up`."""
    year = datetime.now(UTC).year
    engine = make_engine(settings.database_url)
    created = 0
    try:
        sessions = session_factory(engine)
        for registry, entity_id, data in demo_entries(year):
            command = RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                      request_id=f"demo-{entity_id}", data=data, actor="demo")
            with transaction(sessions) as session:
                if handlers.apply_command(session, command) is not None:
                    created += 1
        programmes = seed_programmes(sessions)  # a year of the programmes' activity (issue 16)
        programmes += seed_public(sessions, make_links(settings, sessions))  # fora, friends, Clearinghouse, newsletter
    finally:
        engine.dispose()
    base = settings.web.base_url
    return [f"registry: {created} demo entries created; public Clearinghouse: {base}/clearinghouse; "
            f"registries: {base}/registry; yearly report: {base}/registry/report", *programmes]
