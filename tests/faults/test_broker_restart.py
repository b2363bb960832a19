"""The embedded broker dies and comes back empty: the outbox re-publishes what the broker held, the workers start
again (as `rrm up` restarts them), the relay that was running before the crash goes on publishing, and every effect
still happens exactly once."""

from __future__ import annotations

import threading
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
from db.tables import OutboxMessage, ProcessedMessage
from tests.conftest import make_settings
from tests.support.streams import read_topic, running_app
from tests.support.waiting import wait_until


def _effects(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessedMessage)) or 0


def _marked(sessions) -> set[str]:
    with sessions() as session:
        return set(session.scalars(select(OutboxMessage.message_id).where(OutboxMessage.published_at.is_not(None))))


@pytest.mark.timeout(300)
@pytest.mark.parametrize("producer", [
    {},  # the relay's producer as `rrm worker relay` builds it (not idempotent, see bus/publisher.py)
    {"enable_idempotence": True},  # kafka-python's default: the restarted broker forgets its producer id
], ids=["relay-producer", "idempotent-producer"])
def test_broker_restart_loses_nothing_and_applies_everything_once(tmp_path, sqlite_url, producer):
    """Kill the broker, write while it is down, restart it empty, same relay: all ten reach it and are applied once."""
    port = free_port()
    broker = EmbeddedBroker(port=port).start()
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url,
                             kafka={"request_timeout_s": 5.0})
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

    publisher = KafkaPublisher(settings.kafka, **producer)
    relay = OutboxRelay(sessions, publisher, settings.kafka.topic_prefix)
    relaying = threading.Thread(target=relay.run_forever, name="relay", daemon=True)
    relaying.start()  # one relay for the whole test, as `rrm worker relay` runs across a broker restart
    try:
        with running_app(worker()):
            write(range(5))
            wait_until(lambda: _effects(sessions) == 5, 60, "the first five applied")

            broker.kill()  # a crash: everything it held in memory is gone
            write(range(5, 10))  # the stages keep writing while the bus is down
            time.sleep(3)
            assert len(_marked(sessions)) == 5, "a row was marked published while the broker was down"

        # what `rrm up` does when its broker died: start it on the same port, create the topics, queue the outbox
        # again; the relay that was running goes on, and the workers start again (their positions pointed into the
        # lost log)
        broker.start()
        ensure_topics(settings.kafka)
        # the five the lost broker held are queued again; the ones written while it was down are too if the running
        # relay reached the new broker first (a busy CI machine): the consumers' markers make that second copy harmless
        assert 5 <= replay_since(sessions, utcnow() - timedelta(hours=1)) <= 10
        wait_until(lambda: len(_marked(sessions)) == 10, 120,
                   lambda: f"10 marked published ({len(_marked(sessions))} are)")
        on_broker = {r.message_id for r in read_topic(settings, "articles.ingested", expect=10, timeout=30)}
        missing = _marked(sessions) - on_broker
        assert not missing, f"marked published but not on the broker: {missing}"
        assert len(on_broker) == 10
        with running_app(worker()):
            wait_until(lambda: _effects(sessions) == 10, 120,
                       lambda: f"10 applied after restart ({_effects(sessions)} are)")
            time.sleep(2)
            assert _effects(sessions) == 10
    finally:
        relay.stop()
        relaying.join(timeout=30)
        publisher.close(timeout=0)
        broker.stop()
        engine.dispose()


def _sender_threads() -> list[threading.Thread]:
    """kafka-python's producer I/O threads that are still running."""
    return [t for t in threading.enumerate() if t.name.endswith("-network-thread") and t.is_alive()]


@pytest.mark.timeout(120)
def test_a_publisher_reset_while_the_broker_is_down_stops_the_old_producer_and_sends_again(tmp_path, sqlite_url):
    """The relay resets its publisher when the broker is gone: the records the old producer held fail at once (the
    outbox keeps them), its I/O thread stops instead of retrying for the life of the process, and the same publisher
    sends again once the broker is back."""
    port = free_port()
    broker = EmbeddedBroker(port=port).start()
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url,
                             kafka={"request_timeout_s": 5.0})
    ensure_topics(settings.kafka)
    before = set(_sender_threads())
    publisher = KafkaPublisher(settings.kafka)
    try:
        publisher.publish("articles.ingested", ArticleIngested(article_id="r-1", title="one")).get(timeout=30)
        broker.kill()
        held = publisher.publish("articles.ingested", ArticleIngested(article_id="r-2", title="two"))
        assert not held.is_done
        started = time.monotonic()
        publisher.reset()
        assert time.monotonic() - started < 15, "reset waited on the records the old producer held"
        assert held.is_done and held.failed(), "a record the old producer held neither failed nor was sent"
        assert set(_sender_threads()) <= before, "the old producer's I/O thread is still running"

        broker.start()  # the same port, empty: what `rrm up` does when its broker died
        ensure_topics(settings.kafka)
        publisher.publish("articles.ingested", ArticleIngested(article_id="r-3", title="three")).get(timeout=60)
        assert {r.article_id for r in read_topic(settings, "articles.ingested", expect=1, timeout=30)} == {"r-3"}
    finally:
        publisher.close(timeout=0)
        broker.stop()
    assert set(_sender_threads()) <= before, "a producer's I/O thread outlived the test"
