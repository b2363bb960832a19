"""registry/'s worker on the embedded broker: commands and main-stream events in, malformed commands to `rejected`,
a replay of every topic from the start changing nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import func, select

from bus.app import create_app
from bus.catalog import spec
from bus.publisher import KafkaPublisher
from bus.records import OpEdApproved, OpEdReleased, RegistryCommand, TranslationReady
from db.engine import make_engine, session_factory
from db.outbox import OutboxRelay
from db.tables import OutboxMessage, ProcessedMessage
from registry import queries
from registry.agents import register
from tests.support.streams import high_watermarks, read_topic, running_app

TOPICS = ("registry.commands", "opeds.approved", "translations.ready", "opeds.released")


def caught_up(settings, role: str, timeout: float = 60.0) -> None:
    """Wait until the consumer group of `role` has committed every message of the registry's input topics."""
    group = settings.kafka.topic_prefix + role
    names = [spec(n).full_name(settings.kafka.topic_prefix) for n in TOPICS]
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.servers, group_id=group, enable_auto_commit=False)
    try:
        deadline = time.monotonic() + timeout
        while not all(consumer.partitions_for_topic(n) for n in names) and time.monotonic() < deadline:
            time.sleep(0.2)  # a new client knows no partitions until its first metadata answer
        tps = [TopicPartition(n, p) for n in names for p in sorted(consumer.partitions_for_topic(n) or [])]
        assert {tp.topic for tp in tps} == set(names), "topics without partitions"
        ends = high_watermarks(settings.kafka.servers, tps)  # not end_offsets(): tansu answers it too low
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            committed = {tp: consumer.committed(tp) or 0 for tp in tps}
            if all(committed.get(tp, 0) >= end for tp, end in ends.items()):
                return
            time.sleep(0.3)
        raise AssertionError(f"group {group} did not catch up: {committed} < {ends}")
    finally:
        consumer.close()


def snapshot(sessions) -> dict:
    """What a user would see of the registries, plus the outbox and markers (to prove nothing changed)."""
    with sessions() as session:
        return {
            "entries": {name: [(e["id"], e["version"], e["status"], e["data"]) for e in
                               queries.entries(session, name, include_retired=True)] for name in queries.TABLES},
            "outbox": session.scalar(select(func.count()).select_from(OutboxMessage)),
            "markers": session.scalar(select(func.count()).select_from(ProcessedMessage)),
        }


def test_registry_worker_applies_commands_rejects_malformed_ones_and_a_replay_changes_nothing(bus_settings):
    """Good commands and a released op-ed are applied; bad ones land on `rejected` once; replaying changes nothing."""
    engine = make_engine(bus_settings.database_url)
    sessions = session_factory(engine)
    publisher = KafkaPublisher(bus_settings.kafka)
    now = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    good = [
        RegistryCommand(registry="friends", action="create", entity_id="es", request_id="1",
                        data={"name": "Spain", "kind": "state"}),
        RegistryCommand(registry="friends", action="update", entity_id="es", request_id="2",
                        data={"focal_point": "Lucía Demo"}),
        RegistryCommand(registry="events", action="create", entity_id="forum", request_id="1",
                        data={"name": "Annual Forum", "kind": "annual_forum", "starts_on": "2026-04-15"}),
        RegistryCommand(registry="events", action="retire", entity_id="forum", request_id="2"),
    ]
    bad = [
        RegistryCommand(registry="friends", action="create", entity_id="xx", request_id="1",
                        data={"name": "Nowhere", "kind": "planet"}),
        RegistryCommand(registry="stars", action="create", entity_id="sun", request_id="1", data={}),
        RegistryCommand(registry="funds", action="update", entity_id="missing", request_id="1", data={"amount": "5"}),
    ]
    full = spec("registry.commands").full_name(bus_settings.kafka.topic_prefix)
    oped = [
        OpEdApproved(oped_id="o1", mobilization_id="m1", title="Respect is news", body="<p>Newsrooms.</p>",
                     lang="en", occurred_at=now),
        TranslationReady(oped_id="o1", lang="fr", title="Le respect fait l'actualité", body="<p>Rédactions.</p>",
                         occurred_at=now + timedelta(minutes=5)),
        OpEdReleased(distribution_id="d1", oped_id="o1", languages=["en", "fr"], recipients=12,
                     released_at=now + timedelta(minutes=30)),
    ]

    def publish_all() -> None:
        for command in good[:2] + bad + good[2:]:
            publisher.publish("registry.commands", command)
        publisher.send_raw(full, b'{"registry": "friends", "action": "create", "entity_id": 7}', key="k")
        for record, topic in zip(oped, ("opeds.approved", "translations.ready", "opeds.released"), strict=True):
            publisher.publish(topic, record)
        publisher.flush()

    publish_all()
    app = create_app("registry", bus_settings)
    register(app, sessions)
    with running_app(app):
        rejected = read_topic(bus_settings, "rejected", expect=4)
        caught_up(bus_settings, "registry")
    reasons = " | ".join(r.reason for r in rejected)
    assert len(rejected) == 4
    assert "kind: Input should be 'state', 'un_agency' or 'organization'" in reasons
    assert "unknown registry 'stars'" in reasons
    assert "funds/missing does not exist: send a create" in reasons
    assert "entity_id: expected str, got int" in reasons
    with sessions() as session:
        spain = queries.entry(session, "friends", "es")
        assert (spain["version"], spain["data"]["focal_point"]) == (2, "Lucía Demo")
        assert queries.entry(session, "events", "forum")["status"] == "retired"
        assert [h.title for h in queries.search(session, "respect", lang="fr")] == ["Le respect fait l'actualité"]
    before = snapshot(sessions)
    # es created + updated, forum created + retired, the op-ed resource: created once, and updated once more when the
    # French version arrives after the release (the three op-ed topics are read by separate agents, in any order)
    assert before["outbox"] in (5, 6)

    # the registry.changed events leave through the outbox relay
    relay = OutboxRelay(sessions, publisher, bus_settings.kafka.topic_prefix)
    assert relay.run_once() == before["outbox"]
    changed = read_topic(bus_settings, "registry.changed", expect=before["outbox"])
    assert {(c.registry, c.entity_id, c.action, c.version) for c in changed} >= {
        ("friends", "es", "create", 1), ("friends", "es", "update", 2), ("events", "forum", "retire", 2),
        ("clearinghouse", "oped-o1", "create", 1)}

    # replay: every message again, and a second consumer group reading every topic from the start
    publish_all()
    replay = create_app("registry-replay", bus_settings)
    register(replay, sessions)
    with running_app(replay):
        caught_up(bus_settings, "registry-replay")
    after = snapshot(sessions)
    assert after == before
    # only bytes that never decoded (they carry no message id to recognize) are rejected again
    again = read_topic(bus_settings, "rejected", expect=7, timeout=5)[4:]
    assert again and all(r.reason.startswith("cannot decode") for r in again)
    publisher.close()
    engine.dispose()

