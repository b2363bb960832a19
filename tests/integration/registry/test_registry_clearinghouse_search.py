"""The Clearinghouse's full-text search on SQLite (FTS5) and PostgreSQL (tsvector): stemming per language, facets,
partners as links, and the moderation queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bus.records import RegistryCommand
from db.engine import transaction
from db.tables import OutboxMessage
from registry import clearinghouse as ch
from registry import handlers, model

RESOURCES = {
    "r-en": {"kind": "good_practice", "theme": "education", "region": "Europe", "year": 2025,
             "texts": {"en": {"title": "Teachers training in intercultural schools",
                              "summary": "Workshops help teachers discuss religions with their pupils."}}},
    "r-fr": {"kind": "resource", "theme": "media", "region": "Africa", "year": 2026,
             "texts": {"fr": {"title": "Les journalistes et les stéréotypes",
                              "summary": "Des formations pour les rédactions sur la couverture des migrations."}}},
    "r-es": {"kind": "project", "theme": "migration", "region": "Latin America", "year": 2026,
             "texts": {"es": {"title": "Mentores para familias migrantes",
                              "summary": "Voluntarios acompañan a las familias recién llegadas."}}},
    "r-ar": {"kind": "good_practice", "theme": "youth", "region": "Middle East", "year": 2026,
             "texts": {"ar": {"title": "الحوار بين الشباب",
                              "summary": "برنامج للحوار بين الطلاب من ديانات مختلفة في المدارس"}}},
    "r-tr": {"kind": "good_practice", "theme": "youth", "region": "Europe", "year": 2024,
             "texts": {"tr": {"title": "Gençlik kulüplerinde diyalog",
                              "summary": "Öğrenciler farklı kültürlerden arkadaşlarıyla buluşuyor."}}},
    "r-de": {"kind": "resource", "theme": "education", "region": "Europe", "year": 2026,
             "texts": {"de": {"title": "Interreligiöses Lernen in Schulen",
                              "summary": "Lehrerinnen und Lehrer entwickeln gemeinsame Unterrichtsmaterialien."}}},
}


def _create(session, registry, entity_id, data):
    return handlers.apply_command(session, RegistryCommand(registry=registry, action="create", entity_id=entity_id,
                                                           request_id=f"t-{entity_id}", data=data, actor="test"))


@pytest.fixture
def indexed(sessions):
    with transaction(sessions) as session:
        for entity_id, data in RESOURCES.items():
            _create(session, "clearinghouse", entity_id, data)
    return sessions


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("en", "teacher trainings", "r-en"),        # plural/singular: porter (SQLite) / english (PostgreSQL)
    ("fr", "journaliste stéréotype", "r-fr"),   # French snowball: journalistes -> journalist
    ("es", "familia mentor", "r-es"),           # Spanish: familias, mentores
    ("ar", "المدارس", "r-ar"),                   # Arabic
    ("tr", "kulüp", "r-tr"),                    # Turkish: kulüplerinde
    ("de", "Schule", "r-de"),                   # German: Schulen
])
def test_the_search_answers_in_each_language_of_the_demo(indexed, lang, query, expected):
    """A word in another inflection than the text's finds the resource, in each of the demo's six languages."""
    with indexed() as session:
        page = ch.search(session, query, lang=lang)
        anywhere = ch.search(session, query)
    assert [h.resource_id for h in page.hits] == [expected]
    assert expected in [h.resource_id for h in anywhere.hits]


def test_every_word_must_match_and_a_miss_is_empty(indexed):
    """Two words that are in no single resource give no hit; nonsense gives no hit and no error."""
    with indexed() as session:
        assert ch.search(session, "teachers journalistes").total == 0
        assert ch.search(session, 'zzqx "OR" (*').hits == []


def test_facets_count_matching_resources_and_narrow_the_hits(indexed):
    """Facets count theme, region, kind and year over all matches; choosing one narrows the hits, not the counts."""
    with indexed() as session:
        everything = ch.search(session)
        europe = ch.search(session, region="Europe")
        youth_2026 = ch.search(session, theme="youth", year=2026)
    assert everything.total == 6
    assert dict(everything.facets["region"])["Europe"] == 3
    assert dict(everything.facets["year"]) == {"2026": 4, "2025": 1, "2024": 1}
    assert {h.resource_id for h in europe.hits} == {"r-en", "r-tr", "r-de"}
    assert europe.facets == everything.facets
    assert [h.resource_id for h in youth_2026.hits] == ["r-ar"]


def test_a_retired_or_updated_resource_follows_in_the_index(indexed):
    """An update replaces the indexed words; a retired resource is no longer found."""
    with transaction(indexed) as session:
        handlers.apply_command(session, RegistryCommand(
            registry="clearinghouse", action="update", entity_id="r-en", request_id="t-up",
            data={"texts": {"en": {"title": "Museum visits for families"}}}, actor="test"))
        handlers.apply_command(session, RegistryCommand(registry="clearinghouse", action="retire", entity_id="r-fr",
                                                        request_id="t-ret", actor="test"))
    with indexed() as session:
        assert ch.search(session, "teachers").total == 0
        assert [h.resource_id for h in ch.search(session, "museum").hits] == ["r-en"]
        assert ch.search(session, "journalistes").total == 0


def test_a_public_submission_waits_for_a_moderator_then_becomes_a_command(sessions):
    """A submission is kept pending; approving it queues a create command for the registry, which indexes it;
    a partner is a link to a partner entry and an unknown partner id is refused."""
    with transaction(sessions) as session:
        _create(session, "partners", "p-1", {"name": "Dialogue Foundation", "kind": "foundation"})
    data = {"kind": "good_practice", "theme": "youth", "partners": ["p-1"],
            "texts": {"en": {"title": "Peer mediators in secondary schools"}}}
    with transaction(sessions) as session, pytest.raises(model.RegistryError, match="unknown partner"):
        ch.submit(session, {**data, "partners": ["nobody"]}, name="A", email="a@example.org")
    with transaction(sessions) as session:
        sub_id = ch.submit(session, data, name="Amina", email="amina@example.org")
    with sessions() as session:
        assert [s["id"] for s in ch.queue(session)] == [sub_id]
        assert ch.search(session, "mediators").total == 0
    with transaction(sessions) as session:
        resource_id = ch.approve(session, sub_id, moderator="officer@example.org")
    with transaction(sessions) as session, pytest.raises(ch.SubmissionError, match="already approved"):
        ch.approve(session, sub_id, moderator="officer@example.org")
    with sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "registry.commands")).one()
        command = RegistryCommand.from_json(row.payload)
    assert command.entity_id == resource_id and command.action == "create"
    with transaction(sessions) as session:
        handlers.apply_command(session, command)
    with sessions() as session:
        hits = ch.search(session, "mediator").hits
        assert [h.resource_id for h in hits] == [resource_id]
        assert ch.partners_of(session, {"partners": ["p-1"]})[0]["name"] == "Dialogue Foundation"
        assert ch.queue(session) == []


def test_a_declined_submission_needs_a_reason(sessions):
    """Declining without a reason is refused; with one, the submission leaves the queue and keeps the reason."""
    with transaction(sessions) as session:
        sub_id = ch.submit(session, {"theme": "media", "texts": {"fr": {"title": "Un guide"}}}, name="B",
                           email="b@example.org")
    with transaction(sessions) as session, pytest.raises(ch.SubmissionError, match="Say why"):
        ch.reject(session, sub_id, moderator="m", reason=" ")
    with transaction(sessions) as session:
        ch.reject(session, sub_id, moderator="m", reason="Not about dialogue.")
    with sessions() as session:
        assert ch.queue(session) == [] and ch.submission(session, sub_id)["reason"] == "Not about dialogue."
