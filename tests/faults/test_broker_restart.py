"""The embedded broker dies and comes back empty: the outbox re-publishes what the broker held, the workers start
again (as `rrm up` restarts them), and every effect still happens exactly once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bus.admin import ensure_topics
from bus.app import consume, create_app
from bus.broker import EmbeddedBroker, free_port
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested, utcnow
from db.engine import make_engine, session_factory, transaction
from db.idempotency import first_time
from db.outbox import OutboxRelay, add_to_outbox, replay_since
from db.tables import ProcessedMessage
from tests.conftest import make_settings
from tests.support.streams import running_app


def _effects(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessedMessage)) or 0


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


@pytest.mark.timeout(240)
def test_broker_restart_loses_nothing_and_applies_everything_once(tmp_path, sqlite_url):
    """Kill the broker mid-stream, write more while it is down, restart it empty: all ten articles are applied once."""
    port = free_port()
    broker = EmbeddedBroker(port=port).start()
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url)
    ensure_topics(settings.kafka)
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)

    def worker():
        """The stage worker, as `rrm worker` builds it."""
        app = create_app("faults-restart", settings)

        async def apply(record: ArticleIngested):
            with transaction(sessions) as session:
                first_time(session, "faults-consumer", record.message_id)
            return None

        consume(app, "articles.ingested", apply, name="apply")
        return app

    def write(ids):
        with transaction(sessions) as session:
            for i in ids:
                add_to_outbox(session, "articles.ingested", ArticleIngested(article_id=f"art-{i}", title=str(i)))

    try:
        with running_app(worker()):
            write(range(5))
            first_publisher = KafkaPublisher(settings.kafka)
            relay = OutboxRelay(sessions, first_publisher, settings.kafka.topic_prefix)
            assert relay.run_once() == 5
            assert _wait(lambda: _effects(sessions) == 5, 60), "first five not applied"

            broker.kill()  # a crash: everything it held in memory is gone
            write(range(5, 10))  # the stages keep writing while the bus is down
            with pytest.raises(Exception):  # noqa: B017 - the relay cannot publish now, and keeps the rows
                relay.run_once()
            first_publisher.close(timeout=0)

        # what `rrm up` does when its broker died: start it on the same port, create the topics, queue the outbox
        # again, and restart the relay and the workers (their positions pointed into the lost log)
        broker.start()
        ensure_topics(settings.kafka)
        assert replay_since(sessions, utcnow() - timedelta(hours=1)) == 5
        publisher = KafkaPublisher(settings.kafka)
        relay = OutboxRelay(sessions, publisher, settings.kafka.topic_prefix)
        with running_app(worker()):
            deadline = time.monotonic() + 60
            published = 0
            while published < 10 and time.monotonic() < deadline:
                try:
                    published += relay.run_once()
                except Exception:  # noqa: BLE001 - the producer is still connecting
                    time.sleep(1)
            assert published == 10
            assert _wait(lambda: _effects(sessions) == 10, 120), f"applied {_effects(sessions)} of 10 after restart"
            time.sleep(2)
            assert _effects(sessions) == 10
        publisher.close()
    finally:
        broker.stop()
        engine.dispose()
