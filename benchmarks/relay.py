"""Outbox relay throughput on one core, every row marked only after its own send was acknowledged.

N ArticleIngested rows (about 0.6 KB each, the size of a real one) are written to the outbox of a SQLite store,
then the relay (`db.outbox.OutboxRelay`, as `rrm worker relay` runs it) publishes them to the embedded broker.
The benchmark process (relay and kafka-python's I/O thread) is pinned to one CPU; the broker runs apart.
Prints rows/s from the first batch to the last row marked published, and checks every row is on the topic.

    .venv/bin/python benchmarks/relay.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kafka import TopicPartition
from sqlalchemy import func, select

from bus.admin import ensure_topics
from bus.broker import EmbeddedBroker
from bus.catalog import spec
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from config.logging import configure_logging
from config.settings import Settings
from db.engine import make_engine, session_factory, transaction
from db.migrate import upgrade
from db.outbox import OutboxRelay, add_to_outbox
from db.tables import OutboxMessage
from tests.support.streams import high_watermarks


def main(n: int = 20_000) -> dict[str, float]:
    """Run the benchmark; return its figures."""
    configure_logging("WARNING", "console")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        settings = Settings(env="test", data_dir=Path(tmp), log_level="WARNING", db={"url": url},
                            kafka={"bootstrap_servers": broker.bootstrap_servers, "topic_prefix": "bench.",
                                   "default_partitions": 4})
        ensure_topics(settings.kafka)
        engine = make_engine(url)
        sessions = session_factory(engine)
        summary = "A summary of the article, as feeds carry it, long enough to be realistic. " * 5
        for start in range(0, n, 5000):
            with transaction(sessions) as session:
                for i in range(start, min(n, start + 5000)):
                    add_to_outbox(session, "articles.ingested",
                                  ArticleIngested(article_id=f"bench-{i}", title=f"Article {i}", summary=summary,
                                                  url=f"https://example.org/{i}"))
        publisher = KafkaPublisher(settings.kafka)
        relay = OutboxRelay(sessions, publisher, settings.kafka.topic_prefix)
        started = time.perf_counter()
        published = 0
        while published < n:
            published += relay.run_once()
        elapsed = time.perf_counter() - started
        publisher.close()
        with sessions() as session:
            marked = session.scalar(select(func.count()).where(OutboxMessage.published_at.is_not(None)))
        entry = spec("articles.ingested")
        full = entry.full_name(settings.kafka.topic_prefix)
        partitions = entry.partitions or settings.kafka.default_partitions
        marks = high_watermarks(broker.bootstrap_servers, [TopicPartition(full, p) for p in range(partitions)])
        on_topic = sum(marks.values())
        engine.dispose()
    figures = {"rows": n, "seconds": round(elapsed, 2), "rows_per_s": round(n / elapsed), "marked": marked,
               "on_topic": on_topic}
    print(f"relay: {n} rows in {elapsed:.2f}s = {n / elapsed:,.0f} rows/s on one core "
          f"(marked published: {marked}, on the topic: {on_topic})")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
