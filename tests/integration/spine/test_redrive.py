"""Re-driving a rejected message from /ops/rejected: a corrected copy is applied once, and the operator is told
what became of each re-drive (applied, rejected again)."""

from __future__ import annotations

import json

import pytest

from bus.admin import ensure_topics
from bus.app import create_app
from bus.publisher import KafkaPublisher
from bus.records import RegistryCommand
from db.engine import make_engine, session_factory
from registry import queries
from registry.agents import register
from tests.conftest import make_settings
from tests.support.streams import running_app
from tests.support.waiting import wait_until
from web.rejected import attach_redrives, read_rejected, redrive


def _rejected(settings, sessions, count: int):
    """The rejected list as /ops/rejected shows it, once it holds `count` messages."""
    messages = wait_until(lambda: (lambda got: got if len(got) >= count else None)(read_rejected(settings)[0]), 60,
                          f"{count} rejected records")
    assert messages, f"fewer than {count} rejected message(s)"
    with sessions() as session:
        attach_redrives(session, messages)
    return messages


@pytest.mark.timeout(240)
def test_a_corrected_registry_command_re_driven_is_applied_and_an_uncorrected_one_is_rejected_again(
        broker, tmp_path, db_url):
    """A corrected re-drive creates the registry entry and the page says applied; re-sent unchanged: rejected again."""
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=db_url)
    ensure_topics(settings.kafka)
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    publisher = KafkaPublisher(settings.kafka)
    publisher.publish("registry.commands", RegistryCommand(
        registry="friends", action="create", entity_id="nz", request_id="1",
        data={"name": "New Zealand", "kind": "planet"}))
    publisher.flush()
    publisher.close()
    app = create_app("registry", settings)
    register(app, sessions)
    try:
        with running_app(app):
            [original] = _rejected(settings, sessions, 1)
            assert "kind" in original.record.reason
            corrected = json.loads(original.payload_text)
            corrected["data"]["kind"] = "state"
            with sessions() as session, session.begin():
                redrive(settings, session, original, "operator@example.org", json.dumps(corrected))

            def entry():
                with sessions() as session:
                    return queries.entry(session, "friends", "nz")

            created = wait_until(entry, 60, "the redrive entry")
            assert created and created["data"]["name"] == "New Zealand"
            [shown] = _rejected(settings, sessions, 1)
            wait_until(lambda: _rejected(settings, sessions, 1)[0].last_outcome == "applied", 60, "the redrive applied")
            [shown] = _rejected(settings, sessions, 1)
            assert [shown.outcome_of(r) for r in shown.redrives] == [("applied", "")]

            with sessions() as session, session.begin():
                redrive(settings, session, shown, "operator@example.org")  # the original, uncorrected
            wait_until(lambda: _rejected(settings, sessions, 1)[-1].last_outcome == "rejected again", 60,
                       "the redrive rejected again")
            shown = next(m for m in _rejected(settings, sessions, 2) if m.offset == original.offset)
            outcomes = [shown.outcome_of(r) for r in shown.redrives]
            assert outcomes[0] == ("applied", "")
            assert outcomes[1] == ("rejected again", "InvalidMessage: friends/nz already exists: send an update")
            with sessions() as session:
                assert queries.entry(session, "friends", "nz")["version"] == 1
    finally:
        engine.dispose()
