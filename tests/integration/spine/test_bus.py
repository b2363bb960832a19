"""The bus end to end on the embedded broker: kafka-python in, faust agent, rejected topic."""

from __future__ import annotations

import base64

import pytest

from bus.app import InvalidMessage, consume, create_app
from bus.catalog import spec
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested, ArticleScored, MessageRejected
from tests.support.streams import read_topic, running_app


def _score(record: ArticleIngested):
    if record.title == "refuse me":
        raise InvalidMessage("titles like this are refused by the test handler")
    return [("articles.scored", ArticleScored(article_id=record.article_id, title=record.title, score=0.5))]


def test_record_from_kafka_python_reaches_a_faust_agent(bus_settings):
    """A record produced with kafka-python is consumed by a faust agent, which publishes its result."""
    app = create_app("test-bus", bus_settings)

    async def handler(record):
        return _score(record)

    consume(app, "articles.ingested", handler, name="score")
    publisher = KafkaPublisher(bus_settings.kafka)
    publisher.publish("articles.ingested", ArticleIngested(article_id="a-1", title="Hello"))
    publisher.flush()
    with running_app(app):
        scored = read_topic(bus_settings, "articles.scored", expect=1)
    publisher.close()
    assert [(s.article_id, s.title) for s in scored] == [("a-1", "Hello")]


@pytest.mark.parametrize("direct", [False, True], ids=["faust-agent", "batch-consumer"])
def test_undecodable_and_invalid_messages_end_on_rejected_with_reason(bus_settings, direct):
    """Bytes that are not a valid record, and a record the handler refuses, land on `rejected` with the reason
    (through a faust agent and through the kit's batch consumer alike)."""
    app = create_app("test-reject", bus_settings)

    async def handler(record):
        return _score(record)

    async def idle(record):  # an app keeps one faust agent beside its batch consumers
        return None

    consume(app, "articles.ingested", handler, name="score", direct=direct)
    if direct:
        consume(app, "detect.commands", idle, name="idle")
    publisher = KafkaPublisher(bus_settings.kafka)
    full = spec("articles.ingested").full_name(bus_settings.kafka.topic_prefix)
    publisher.send_raw(full, b'{"article_id": 42, "title": "wrong type"}', key="k1")
    publisher.send_raw(full, b"\xff not json at all", key="k2")
    publisher.publish("articles.ingested", ArticleIngested(article_id="a-2", title="refuse me"))
    publisher.publish("articles.ingested", ArticleIngested(article_id="a-3", title="fine"))
    publisher.flush()
    with running_app(app):
        rejected = read_topic(bus_settings, "rejected", expect=3)
        scored = read_topic(bus_settings, "articles.scored", expect=1)
    publisher.close()
    assert all(isinstance(r, MessageRejected) for r in rejected)
    raws = {base64.b64decode(r.raw_b64) for r in rejected}
    assert b'{"article_id": 42, "title": "wrong type"}' in raws
    assert b"\xff not json at all" in raws
    reasons = " | ".join(r.reason for r in rejected)
    assert "article_id: expected str, got int" in reasons
    assert "refused by the test handler" in reasons
    assert {r.source_topic for r in rejected} == {full}
    assert [s.article_id for s in scored] == ["a-3"]


def test_a_handler_bug_raising_a_plain_value_error_is_retried_and_never_rejected(bus_settings):
    """A plain ValueError is a bug or an outage, not a bad message: it is retried, and nothing lands on `rejected`."""
    app = create_app("test-bug", bus_settings)
    calls = {"n": 0}

    async def handler(record):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise ValueError("int() of an empty string: a bug in the handler, fixed by the third try")
        return _score(record)

    consume(app, "articles.ingested", handler, name="score")
    publisher = KafkaPublisher(bus_settings.kafka)
    publisher.publish("articles.ingested", ArticleIngested(article_id="a-bug", title="kept"))
    publisher.flush()
    with running_app(app):
        scored = read_topic(bus_settings, "articles.scored", expect=1)
        rejected = read_topic(bus_settings, "rejected", expect=1, timeout=3)
    publisher.close()
    assert [s.article_id for s in scored] == ["a-bug"]
    assert rejected == []
    assert calls["n"] == 3


def test_a_computing_handler_on_the_loop_handles_a_batch_larger_than_a_slice_in_order(bus_settings):
    """`on_loop=True`: a plain function run on the event loop in slices. A batch longer than a slice comes out whole
    and in order, a refused message lands on `rejected`, and a failing one is retried in place, not skipped."""
    from bus.app import ON_LOOP_SLICE

    app = create_app("test-on-loop", bus_settings)
    failures = {"left": 1}
    n = ON_LOOP_SLICE * 3 + 5

    def score(record):
        if record.article_id == f"a-{ON_LOOP_SLICE + 1}" and failures["left"]:
            failures["left"] -= 1
            raise ValueError("a passing fault")
        return _score(record)

    async def idle(record):
        return None

    consume(app, "articles.ingested", score, name="score", on_loop=True, direct=True)
    consume(app, "detect.commands", idle, name="idle")
    publisher = KafkaPublisher(bus_settings.kafka)
    for i in range(n):
        title = "refuse me" if i == 7 else f"title {i}"
        publisher.publish("articles.ingested", ArticleIngested(article_id=f"a-{i}", title=title), key="one-partition")
    publisher.flush()
    with running_app(app):
        scored = read_topic(bus_settings, "articles.scored", expect=n - 1, timeout=60)
        rejected = read_topic(bus_settings, "rejected", expect=1)
    publisher.close()
    assert [s.article_id for s in scored] == [f"a-{i}" for i in range(n) if i != 7]
    assert "refused by the test handler" in rejected[0].reason
    assert failures["left"] == 0
