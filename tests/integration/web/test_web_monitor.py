"""The operators' monitor against the real broker: end offsets, consumer lag, and a stall seen and cleared."""

from __future__ import annotations

import time

import pytest

from bus.admin import ensure_topics
from bus.app import consume, create_app
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from tests.conftest import make_settings
from tests.support.streams import running_app
from web.monitor import BusMonitor

pytestmark = pytest.mark.broker


def wait_for(monitor: BusMonitor, predicate, timeout: float, what: str):
    """Sample until `predicate(snapshot)` holds; return (snapshot, seconds waited)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        snapshot = monitor.sample_once()
        if predicate(snapshot):
            return snapshot, time.monotonic() - started
        time.sleep(1.0)
    raise AssertionError(f"{what} not seen within {timeout:.0f}s; last snapshot: {snapshot}")


def rows(snapshot, group: str, topic: str = "articles.ingested"):
    """The partition rows of one group on one topic."""
    return [r for r in snapshot["partitions"] if r["group"] == group and r["topic"] == topic]


@pytest.fixture
def settings(broker, tmp_path, sqlite_url):
    """Settings with a 20 s stall threshold, own topics on the session broker."""
    s = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url,
                      web={"stall_after_s": 20.0, "monitor_interval_s": 1.0})
    ensure_topics(s.kafka)
    return s


def worker(settings):
    """A faust worker in the `detect` group that reads articles and does nothing else."""
    app = create_app("detect", settings)

    async def handle(record):
        return []

    consume(app, "articles.ingested", handle, name="watch_articles")
    return app


def publish(settings, start: int, count: int) -> None:
    """Publish `count` articles."""
    publisher = KafkaPublisher(settings.kafka)
    for i in range(start, start + count):
        publisher.publish("articles.ingested", ArticleIngested(article_id=f"a-{i}", title=f"Article {i}"))
    publisher.close()


def test_end_offsets_are_the_true_high_watermark(settings) -> None:
    """The monitor counts every message on a topic (tansu's ListOffsets would say fewer)."""
    publish(settings, 0, 37)
    monitor = BusMonitor(settings)
    try:
        snapshot, _ = wait_for(monitor, lambda s: any(t["topic"] == "articles.ingested" and t["messages"] == 37
                                                       for t in s["topics"]), 30, "37 messages")
    finally:
        monitor.stop()
    assert snapshot["bus"]["ok"]


def test_stopped_worker_is_stalled_within_a_minute_and_recovers(settings) -> None:
    """Stop the worker while articles keep coming: its partitions turn stalled within 60 s, and ok when it returns."""
    monitor = BusMonitor(settings)
    try:
        publish(settings, 0, 10)
        with running_app(worker(settings)):
            wait_for(monitor, lambda s: rows(s, "detect") and all(r["status"] == "ok" and r["end"] > 0 or r["end"] == 0
                                                                   for r in rows(s, "detect"))
                     and sum(r["committed"] for r in rows(s, "detect")) == 10, 60, "the worker catching up")
        publish(settings, 10, 10)
        snapshot, waited = wait_for(monitor, lambda s: any(r["status"] == "stalled" for r in rows(s, "detect")),
                                    60, "a stalled partition")
        assert waited <= 60
        stalled = [r for r in rows(snapshot, "detect") if r["status"] == "stalled"]
        assert all(r["lag"] > 0 for r in stalled)
        assert any(g["group"] == "detect" and g["status"] == "stalled" for g in snapshot["groups"])
        with running_app(worker(settings)):
            wait_for(monitor, lambda s: all(r["status"] == "ok" for r in rows(s, "detect"))
                     and sum(r["committed"] for r in rows(s, "detect")) == 20, 60, "recovery")
    finally:
        monitor.stop()
