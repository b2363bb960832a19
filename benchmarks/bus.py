"""Bus throughput through a worker on the embedded broker, next to kafka-python's produce rate, in one run.

A worker forwards each ArticleIngested as an ArticleScored with the kit's `consume()` (decode, validate, handle,
send, acknowledge), the code every stage uses. Two engines of the kit are measured side by side:

- **faust agent**: `consume(...)`: faust's stream hands the messages over one at a time;
- **direct**: `consume(..., direct=True)`: the kit's batch consumer (`bus/direct.py`) reads whole fetched batches
  with aiokafka's `getmany` inside the same faust app (what hot topics such as detect's use).

The run: kafka-python produces N records on `articles.ingested` (4 partitions): the produce rate, the reference.
Then the worker starts (its group's join is not counted), takes the N records already waiting and forwards them.
A separate process reads `articles.scored` until all N are there; the rate through the worker and out again is N
over the span of the forwarded records' producer timestamps (first to last), so counting costs the worker nothing.
The worker's CPU time over the same span is printed too (its cost, whatever else loads the machine).

    .venv/bin/python benchmarks/bus.py [N]
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kafka import KafkaConsumer

from bus.admin import ensure_topics
from bus.app import consume, create_app
from bus.broker import EmbeddedBroker
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested, ArticleScored
from config.logging import configure_logging
from config.settings import Settings
from tests.support.streams import running_app


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _read_timestamps(servers: str, topic: str, n: int, out: multiprocessing.Queue) -> None:
    """In its own process: read `topic` from the start until n records arrived; put (first, last) timestamps."""
    consumer = KafkaConsumer(topic, bootstrap_servers=servers, auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None, fetch_max_wait_ms=200)
    first, last, seen = None, 0, 0
    deadline = time.monotonic() + 600
    while seen < n and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500, max_records=10_000).values():
            for record in records:
                seen += 1
                first = record.timestamp if first is None else min(first, record.timestamp)
                last = max(last, record.timestamp)
    consumer.close()
    out.put((seen, first, last, time.time()))


def _through(settings: Settings, n: int, direct: bool) -> dict[str, float]:
    """Forward the n waiting records through one worker app; the rate and the worker's CPU per message."""
    app = create_app(f"bench-{'direct' if direct else 'faust'}", settings)

    async def forward(record: ArticleIngested):
        return [("articles.scored", ArticleScored(article_id=record.article_id, title=record.title))]

    rejected: list = []

    async def count_rejected(record):
        rejected.append(record)

    consume(app, "articles.ingested", forward, name="forward", direct=direct)
    consume(app, "rejected", count_rejected, name="count_rejected")  # every app has one faust agent (bus/direct.py)
    out_topic = f"{settings.kafka.topic_prefix}articles.scored"
    results: multiprocessing.Queue = multiprocessing.Queue()
    reader = multiprocessing.Process(target=_read_timestamps, args=(settings.kafka.servers, out_topic, n, results))
    reader.start()
    try:
        cpu_start = _cpu()
        with running_app(app):
            seen, first, last, _ = results.get(timeout=600)
        cpu = _cpu() - cpu_start
    finally:
        reader.join(timeout=10)
        if reader.is_alive():
            reader.kill()
    assert seen >= n and not rejected, f"only {seen} of {n} came through, {len(rejected)} rejected"
    span = max(last - first, 1) / 1000
    return {"msg_per_s": n / span, "cpu_s": cpu}


def main(n: int = 40_000) -> dict[str, float]:
    """Run the benchmark; return its figures."""
    configure_logging("WARNING", "console")
    figures: dict[str, float] = {"messages": n}
    for direct in (False, True):
        with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
            settings = Settings(env="test", data_dir=Path(tmp), log_level="WARNING",
                                kafka={"bootstrap_servers": broker.bootstrap_servers, "topic_prefix": "bench.",
                                       "default_partitions": 4})
            ensure_topics(settings.kafka)
            publisher = KafkaPublisher(settings.kafka, linger_ms=20, batch_size=256 * 1024)
            body = "x" * 600
            started = time.perf_counter()
            for i in range(n):
                publisher.publish("articles.ingested",
                                  ArticleIngested(article_id=f"a{i}", title=f"t{i}", summary=body))
            publisher.flush()
            produced = time.perf_counter() - started
            publisher.close()
            engine = "direct" if direct else "faust"
            figures.setdefault("produce_msg_per_s", n / produced)
            result = _through(settings, n, direct)
            figures[f"{engine}_msg_per_s"] = result["msg_per_s"]
            figures[f"{engine}_worker_cpu_s"] = result["cpu_s"]
    print(f"bus: {n:,} messages of ~0.7 KB, one worker process, 4 partitions; "
          f"kafka-python produce {figures['produce_msg_per_s']:,.0f} msg/s; "
          f"through a faust agent and out again {figures['faust_msg_per_s']:,.0f} msg/s; "
          f"through the kit's direct batch consumer (bus/direct.py) and out again {figures['direct_msg_per_s']:,.0f} "
          f"msg/s (worker CPU for the whole run incl. start: {figures['faust_worker_cpu_s']:.1f} s faust, "
          f"{figures['direct_worker_cpu_s']:.1f} s direct)")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40_000)
