"""The outbox: a database change and its event are published together or not at all, and exactly once in effect."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bus.admin import ensure_topics
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from db.engine import make_engine, session_factory, transaction
from db.idempotency import first_time
from db.outbox import OutboxRelay, add_to_outbox, pending_count
from db.tables import OutboxMessage, ProcessedMessage
from tests.conftest import make_settings
from tests.support.streams import read_topic


@pytest.fixture
def outbox_env(broker, tmp_path, db_url):
    """Settings on the session broker with a fresh store (SQLite and PostgreSQL) and this test's topics."""
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=db_url)
    ensure_topics(settings.kafka)
    engine = make_engine(db_url)
    yield settings, session_factory(engine)
    engine.dispose()


def _relay(settings, sessions):
    return OutboxRelay(sessions, KafkaPublisher(settings.kafka), settings.kafka.topic_prefix)


def test_a_committed_change_is_published_once_after_a_crash_before_publishing(outbox_env):
    """A change committed with its outbox row, then a crash before the relay ran: a new relay publishes it once."""
    settings, sessions = outbox_env
    with transaction(sessions) as session:
        add_to_outbox(session, "articles.ingested", ArticleIngested(article_id="story-1", title="committed"))
    # the process that wrote it died here; a fresh relay starts later
    relay = _relay(settings, sessions)
    assert relay.run_once() == 1
    assert relay.run_once() == 0
    assert pending_count(sessions) == 0
    got = read_topic(settings, "articles.ingested", expect=2, timeout=5)
    assert [a.article_id for a in got] == ["story-1"]


def test_a_rolled_back_change_publishes_nothing(outbox_env):
    """If the change's transaction fails, its event never leaves."""
    settings, sessions = outbox_env
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        add_to_outbox(session, "articles.ingested", ArticleIngested(article_id="ghost", title="never"))
        raise RuntimeError("the change failed")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert _relay(settings, sessions).run_once() == 0


def test_a_crash_between_publish_and_mark_has_one_effect(outbox_env):
    """The broker acked but the relay died before marking the row: the record goes out again with the same
    message_id, and an idempotent consumer applies it once."""
    settings, sessions = outbox_env
    record = ArticleIngested(article_id="story-2", title="twice on the wire")
    with transaction(sessions) as session:
        add_to_outbox(session, "articles.ingested", record)
    # first relay: publishes and is acknowledged, then dies before marking
    publisher = KafkaPublisher(settings.kafka)
    with sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        publisher.send_raw(f"{settings.kafka.topic_prefix}articles.ingested", row.payload, row.key)
    publisher.flush()
    publisher.close()
    # second relay after restart
    assert _relay(settings, sessions).run_once() == 1
    delivered = read_topic(settings, "articles.ingested", expect=2)
    assert len(delivered) == 2 and delivered[0].message_id == delivered[1].message_id
    effects = 0
    for message in delivered:
        with transaction(sessions) as session:
            if first_time(session, "test-consumer", message.message_id):
                effects += 1
    assert effects == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedMessage)) == 1


def test_events_of_one_story_arrive_in_the_order_they_were_written(outbox_env):
    """Interleaved events of three stories, written over several transactions, arrive per story in write order."""
    from bus.records import StoryEscalated

    settings, sessions = outbox_env
    severities = ["watch", "alert", "critical", "alert-2", "critical-2", "critical-3"]
    for step, severity in enumerate(severities):
        with transaction(sessions) as session:
            for story in ("s-a", "s-b", "s-c"):
                add_to_outbox(session, "stories.escalated", StoryEscalated(
                    story_id=story, severity=severity, previous_severity=severities[step - 1] if step else ""))
    relay = OutboxRelay(sessions, KafkaPublisher(settings.kafka), settings.kafka.topic_prefix, batch_size=4)
    while relay.run_once():
        pass
    got = read_topic(settings, "stories.escalated", expect=18)
    for story in ("s-a", "s-b", "s-c"):
        assert [e.severity for e in got if e.story_id == story] == severities
