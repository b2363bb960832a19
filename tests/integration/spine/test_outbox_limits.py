"""The outbox's limits: a record too large for the bus is refused where it is written, a row the broker can never
take is parked with its reason without blocking the rows behind it, and old rows are pruned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bus.admin import ensure_topics
from bus.publisher import KafkaPublisher
from bus.records import MAX_TEXT_CHARS, ArticleIngested, OpEdApproved, utcnow
from db.engine import make_engine, session_factory, transaction
from db.idempotency import first_time
from db.outbox import (
    OutboxRelay,
    RecordTooLarge,
    add_to_outbox,
    parked_rows,
    pending_count,
    prune,
    redrive_parked,
    table_sizes,
)
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


def _write(sessions, *ids: str) -> None:
    with transaction(sessions) as session:
        for i in ids:
            add_to_outbox(session, "articles.ingested", ArticleIngested(article_id=i, title=i))


def _write_raw(sessions, topic: str, article_id: str, size: int) -> None:
    """A row as an older version (without the size check) or another writer could have left it."""
    record = ArticleIngested(article_id=article_id, title=article_id, summary="x" * size)
    with transaction(sessions) as session:
        session.add(OutboxMessage(topic=topic, key=article_id, message_id=record.message_id,
                                  payload=record.to_json(), created_at=utcnow()))


def test_an_arabic_op_ed_at_the_length_limit_fits_and_a_larger_record_is_refused_where_it_is_written(outbox_env):
    """60,000 Arabic letters travel as UTF-8 (about 120 KB, not 720 KB of escapes); a 1 MB record is refused."""
    settings, sessions = outbox_env
    body = "ب" * MAX_TEXT_CHARS
    oped = OpEdApproved(oped_id="long-ar", title="عنوان", body=body, lang="ar")
    assert len(oped.to_json()) < 3 * MAX_TEXT_CHARS
    with transaction(sessions) as session:
        add_to_outbox(session, "opeds.approved", oped)
    with pytest.raises(RecordTooLarge, match="Shorten the text"), transaction(sessions) as session:
        add_to_outbox(session, "opeds.approved", OpEdApproved(oped_id="huge", title="t", body="x" * 1_000_000))
    assert pending_count(sessions) == 1


def test_a_row_the_broker_refuses_for_its_size_is_parked_and_the_rows_behind_it_are_published(outbox_env):
    """A 1.2 MB row is over the broker's message size limit: it is parked with the reason, the others all arrive."""
    settings, sessions = outbox_env
    _write(sessions, "before")
    _write_raw(sessions, "articles.ingested", "too-large", 1_200_000)
    _write_raw(sessions, "no.such.topic", "lost-topic", 10)
    _write(sessions, "after-1", "after-2")
    relay = OutboxRelay(sessions, KafkaPublisher(settings.kafka), settings.kafka.topic_prefix)
    assert relay.run_once() == 3
    assert relay.run_once() == 0
    got = read_topic(settings, "articles.ingested", expect=3, timeout=10)
    assert sorted(a.article_id for a in got) == ["after-1", "after-2", "before"]
    parked = {row.message_id: row for row in parked_rows(sessions)}
    assert len(parked) == 2
    reasons = sorted(row.reason for row in parked.values())
    assert "MessageSizeTooLargeError" in reasons[0]
    assert "not in the catalog" in reasons[1]
    assert table_sizes(sessions)["outbox_parked"] == 2
    assert pending_count(sessions) == 0


def test_a_parked_row_is_published_once_re_driven_after_the_limit_was_raised(outbox_env):
    """An operator raises the limit and re-drives the parked row: it is published and no longer parked."""
    settings, sessions = outbox_env
    _write_raw(sessions, "articles.ingested", "big", 1_200_000)
    OutboxRelay(sessions, KafkaPublisher(settings.kafka), settings.kafka.topic_prefix).run_once()
    [row] = parked_rows(sessions)
    assert redrive_parked(sessions, row.id)
    bigger = KafkaPublisher(settings.kafka, max_request_size=4_000_000)
    assert OutboxRelay(sessions, bigger, settings.kafka.topic_prefix).run_once() == 1
    bigger.close()
    assert parked_rows(sessions) == []
    assert [a.article_id for a in read_topic(settings, "articles.ingested", expect=1, timeout=10)] == ["big"]


def test_pruning_deletes_old_published_rows_and_markers_and_keeps_pending_and_parked_ones(outbox_env):
    """Rows and markers older than the retention go; pending and parked rows stay whatever their age."""
    settings, sessions = outbox_env
    _write(sessions, "old-published", "old-pending")
    _write_raw(sessions, "no.such.topic", "old-parked", 10)
    with transaction(sessions) as session:
        first_time(session, "consumer", "old-marker")
        first_time(session, "consumer", "new-marker")
    old = utcnow() - timedelta(hours=100)
    with transaction(sessions) as session:
        for row in session.scalars(select(OutboxMessage)):
            row.created_at = old
            if row.payload and b"old-published" in row.payload:
                row.published_at = old
        session.get(ProcessedMessage, ("consumer", "old-marker")).processed_at = old
    relay = OutboxRelay(sessions, KafkaPublisher(settings.kafka), settings.kafka.topic_prefix,
                        retention=timedelta(hours=settings.kafka.outbox_retention_hours))
    assert relay.run_once() == 1  # old-pending is published now (and the parked row parked): neither is pruned
    relay.prune_if_due()
    assert table_sizes(sessions) == {"outbox": 2, "outbox_pending": 0, "outbox_parked": 1, "processed_messages": 1}
    with sessions() as session:
        assert session.scalar(select(func.count()).where(ProcessedMessage.message_id == "new-marker")) == 1
    assert prune(sessions, utcnow() - timedelta(hours=72)) == (0, 0)
