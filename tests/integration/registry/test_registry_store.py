"""registry/'s handlers on SQLite and PostgreSQL: commands applied once, the main stream kept, search, the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bus.records import (
    InvitationAnswered,
    MobilizationStarted,
    OpEdApproved,
    OpEdReleased,
    RegistryCommand,
    TranslationReady,
)
from db.engine import transaction
from db.tables import OutboxMessage
from registry import handlers, queries
from registry.model import RegistryError
from registry.report import figures, render_html, render_pdf

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _apply(sessions, **fields):
    command = RegistryCommand(**{"request_id": "r1", "actor": "test", **fields})
    with transaction(sessions) as session:
        return handlers.apply_command(session, command, now=T0)


def _outbox(sessions, topic="registry.changed") -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.topic == topic))


PARTNER = {"name": "Demo Foundation", "kind": "foundation", "country": "Portugal"}


def test_create_update_retire_change_the_entry_and_emit_one_event_each(sessions):
    """Create, update and retire change the entry, bump its version and put one registry.changed in the outbox."""
    _apply(sessions, registry="partners", action="create", entity_id="p1", data=PARTNER)
    _apply(sessions, registry="partners", action="update", entity_id="p1", request_id="r2",
           data={"country": "Spain"})
    with sessions() as session:
        entry = queries.entry(session, "partners", "p1")
    assert entry["data"]["country"] == "Spain" and entry["data"]["name"] == "Demo Foundation"
    assert entry["version"] == 2
    _apply(sessions, registry="partners", action="retire", entity_id="p1", request_id="r3")
    with sessions() as session:
        assert queries.entry(session, "partners", "p1")["status"] == "retired"
        assert queries.counts(session)["partners"] == 0
    assert _outbox(sessions) == 3


def test_a_replayed_command_changes_nothing(sessions):
    """The same command delivered again leaves the entry, its version and the outbox as they were."""
    _apply(sessions, registry="partners", action="create", entity_id="p1", data=PARTNER)
    _apply(sessions, registry="partners", action="update", entity_id="p1", request_id="r2", data={"country": "Chile"})
    for _ in range(2):
        assert _apply(sessions, registry="partners", action="create", entity_id="p1", data=PARTNER) is None
        assert _apply(sessions, registry="partners", action="update", entity_id="p1", request_id="r2",
                      data={"country": "Chile"}) is None
    with sessions() as session:
        entry = queries.entry(session, "partners", "p1")
    assert (entry["version"], entry["data"]["country"]) == (2, "Chile")
    assert _outbox(sessions) == 2


@pytest.mark.parametrize(("fields", "reason"), [
    ({"registry": "partners", "action": "update", "entity_id": "nobody", "data": {"country": "Chile"}},
     "does not exist"),
    ({"registry": "partners", "action": "create", "entity_id": "p2", "data": {"name": "X", "kind": "cult"}}, "kind"),
    ({"registry": "galaxies", "action": "create", "entity_id": "g1", "data": {}}, "unknown registry"),
    ({"registry": "partners", "action": "delete", "entity_id": "p2", "data": {}}, "unknown action"),
    ({"registry": "partners", "action": "create", "entity_id": "bad id!", "data": PARTNER}, "entity_id"),
])
def test_commands_that_make_no_sense_are_refused_and_change_nothing(sessions, fields, reason):
    """A command for a missing entry, with bad data, or an unknown registry/action is refused with a reason."""
    with pytest.raises(RegistryError, match=reason):
        _apply(sessions, **fields)
    assert _outbox(sessions) == 0


def _stream(sessions, records):
    kinds = {MobilizationStarted: handlers.record_mobilization, InvitationAnswered: handlers.record_answer,
             OpEdApproved: handlers.record_approved, TranslationReady: handlers.record_translation,
             OpEdReleased: handlers.record_release}
    for record in records:
        with transaction(sessions) as session:
            kinds[type(record)](session, record)


def story(n: int = 1, lag_min: int = 90):
    """A mobilization answered by two members, approved, translated to French and Arabic, released."""
    start = T0 + timedelta(days=n)
    mob = f"m{n}"
    return [
        MobilizationStarted(mobilization_id=mob, story_id=f"s{n}", title=f"Story {n}", occurred_at=start),
        InvitationAnswered(invitation_id=f"i{n}a", mobilization_id=mob, member_id="amina", answer="accepted",
                           occurred_at=start + timedelta(minutes=10)),
        InvitationAnswered(invitation_id=f"i{n}b", mobilization_id=mob, member_id="jonas", answer="accepted",
                           occurred_at=start + timedelta(minutes=12)),
        InvitationAnswered(invitation_id=f"i{n}c", mobilization_id=mob, member_id="li", answer="declined",
                           occurred_at=start + timedelta(minutes=15)),
        OpEdApproved(oped_id=f"o{n}", mobilization_id=mob, title=f"Respect is news {n}",
                     body="<p>Newsrooms can report tension without feeding stereotypes.</p>", lang="en",
                     authors=["Amina", "Jonas"], occurred_at=start + timedelta(minutes=lag_min - 30)),
        TranslationReady(oped_id=f"o{n}", lang="fr", title=f"Le respect fait l'actualité {n}",
                         body="<p>Les rédactions peuvent couvrir les tensions sans stéréotypes.</p>",
                         occurred_at=start + timedelta(minutes=lag_min - 20)),
        TranslationReady(oped_id=f"o{n}", lang="ar", title=f"الاحترام خبر {n}", body="<p>يمكن للصحف.</p>",
                         occurred_at=start + timedelta(minutes=lag_min - 10)),
        OpEdReleased(distribution_id=f"d{n}", oped_id=f"o{n}", languages=["en", "fr", "ar"], recipients=30,
                     released_at=start + timedelta(minutes=lag_min), occurred_at=start + timedelta(minutes=lag_min)),
    ]


def test_a_released_oped_becomes_a_clearinghouse_resource_in_all_its_languages(sessions):
    """After release the op-ed is a media-theme resource found in English, French and Arabic."""
    _stream(sessions, story())
    with sessions() as session:
        hits = queries.search(session, "stéréotypes", lang="fr")
        assert [(h.title, h.theme, h.kind) for h in hits] == [("Le respect fait l'actualité 1", "media", "oped")]
        assert hits[0].languages == ["ar", "en", "fr"]
        assert [h.lang for h in queries.search(session, "respect is news")] == ["en"]
        assert queries.search(session, "", theme="media", lang="ar")[0].title == "الاحترام خبر 1"
        assert queries.search(session, "", theme="youth") == []


def test_member_activity_counts_answers_opeds_written_and_published_once(sessions):
    """Answers, op-eds written and published are counted per member, and a replayed stream counts nothing twice."""
    _stream(sessions, story())
    _stream(sessions, story())
    with sessions() as session:
        activity = queries.member_activity(session, ["amina", "li"])
    assert activity["amina"] == {"invitations_answered": 1, "invitations_accepted": 1, "opeds_written": 1,
                                 "opeds_published": 1}
    assert activity["li"]["invitations_answered"] == 1 and activity["li"]["opeds_written"] == 0
    assert _outbox(sessions) == 1  # the Clearinghouse resource, once


def test_an_ambassador_shows_the_activity_of_the_member_behind_them(sessions):
    """An ambassador linked to a network member id shows that member's counts from the bus."""
    _stream(sessions, story())
    _apply(sessions, registry="ambassadors", action="create", entity_id="a1",
           data={"name": "Amina Demo", "member_id": "amina"})
    with sessions() as session:
        (row,) = queries.ambassadors_with_activity(session)
    assert row["activity"]["opeds_published"] == 1


def test_the_yearly_report_has_the_years_real_figures_and_renders_to_pdf(sessions):
    """The report counts the year's mobilizations, op-eds per language, response times, projects and funds."""
    _stream(sessions, story(1, lag_min=90) + story(2, lag_min=600))
    _apply(sessions, registry="projects", action="create", entity_id="pr1",
           data={"title": "Student Exchange Pilot", "category": "collaborative_pilot", "theme": "education",
                 "role": "facilitating", "criteria": {"feasible": True, "replicable": True}, "status": "active"})
    _apply(sessions, registry="funds", action="create", entity_id="f1",
           data={"fund": "voluntary_trust_fund", "kind": "contribution", "party": "Demo Trust",
                 "amount": "1,250,000.50", "currency": "usd", "on": "2026-02-01", "decision": "received"})
    _apply(sessions, registry="funds", action="create", entity_id="f2",
           data={"fund": "voluntary_trust_fund", "kind": "contribution", "party": "Other", "amount": "10",
                 "currency": "USD", "on": "2025-02-01"})
    with sessions() as session:
        f = figures(session, 2026)
    assert f["mobilizations"]["count"] == 2
    assert f["opeds"]["per_language"] == {"ar": 2, "en": 2, "fr": 2}
    assert f["response_minutes"]["to_release"]["count"] == 2
    assert f["response_minutes"]["to_release"]["median"] == 345.0
    assert f["invitations"]["acceptance"] == round(4 / 6, 3)
    assert f["funds"]["this_year"][0]["total"] == "1,250,000.50"
    assert sorted(f["funds"]["by_year"]) == [2025, 2026]
    html = render_html(f)
    assert "Student Exchange Pilot" in html and "Facilitating implementation" in html
    assert 'id="fig-mobilizations">2<' in html
    assert html.count("data:image/svg+xml;base64,") == 4
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def _one_per_registry():
    from registry.demo import demo_entries

    seen = {}
    for registry, entity_id, data in demo_entries(2026):
        seen.setdefault(registry, (entity_id, data))
    return seen


@pytest.mark.parametrize("registry", sorted(_one_per_registry()))
def test_every_registry_applies_once_and_refuses_malformed_data(sessions, registry):
    """Each registry's consumer applies a create and an update once (replays change nothing) and refuses bad data."""
    entity_id, data = _one_per_registry()[registry]
    create = {"registry": registry, "action": "create", "entity_id": entity_id, "data": data}
    update = {"registry": registry, "action": "update", "entity_id": entity_id, "request_id": "r2",
              "data": {"notes" if registry in ("ambassadors", "funds") else "country" if registry in
                       ("friends", "partners", "events") else "summary" if registry == "projects" else "contact":
                       "changed"}}
    assert _apply(sessions, **create) is not None
    assert _apply(sessions, **update) is not None
    with sessions() as session:
        before = queries.entry(session, registry, entity_id)
    for fields in (create, update, create, update):
        assert _apply(sessions, **fields) is None
    with sessions() as session:
        assert queries.entry(session, registry, entity_id) == before
    assert before["version"] == 2 and _outbox(sessions) == 2
    with pytest.raises(RegistryError, match=registry):
        _apply(sessions, registry=registry, action="create", entity_id="bad", data={**data, "unexpected": 1})


def test_a_revised_translation_replaces_the_clearinghouse_text_and_a_replay_does_not(sessions):
    """A translation revised after release updates the French text; the same revision replayed changes nothing."""
    _stream(sessions, story())
    revised = TranslationReady(oped_id="o1", lang="fr", title="Le respect fait l'actualité (révisé)",
                               body="<p>Texte révisé.</p>", occurred_at=T0 + timedelta(days=2))
    _stream(sessions, [revised, revised])
    with sessions() as session:
        (hit,) = queries.search(session, "révisé", lang="fr")
    assert hit.title == "Le respect fait l'actualité (révisé)"
    assert _outbox(sessions) == 2  # created at release, updated once by the revision
