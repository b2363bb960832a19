"""Bus throughput through a faust agent on the embedded broker, next to kafka-python's produce rate.

A faust agent (the same `consume()` wrapper every stage uses: decode, validate, handle, log, send) forwards each
ArticleIngested as an ArticleScored, and a second agent of the same app counts what came out. The run:

1. kafka-python produces N records on `articles.ingested` (4 partitions): the produce rate, the reference;
2. the app starts (the consumer group joins), its agents take the N records already waiting and forward them;
   the rate through the agent and out again is N over the time from the first forwarded record to the last one
   counted on `articles.scored` (the group's join is not counted; producing and consuming do not share the GIL).

    .venv/bin/python benchmarks/bus.py [N]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bus.admin import ensure_topics
from bus.app import consume, create_app
from bus.broker import EmbeddedBroker
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested, ArticleScored
from config.logging import configure_logging
from config.settings import Settings
from tests.support.streams import running_app


def _cpu() -> float:
    """CPU seconds this process has used (all its threads): the agent's cost, whatever else loads the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(n: int = 20_000) -> dict[str, float]:
    """Run the benchmark; return its figures."""
    configure_logging("WARNING", "console")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        settings = Settings(env="test", data_dir=Path(tmp), log_level="WARNING",
                            kafka={"bootstrap_servers": broker.bootstrap_servers, "topic_prefix": "bench.",
                                   "default_partitions": 4})
        ensure_topics(settings.kafka)
        app = create_app("bench", settings)
        out = {"n": 0, "first": 0.0, "last": 0.0}

        async def forward(record: ArticleIngested):
            if not out["first"]:
                out["first"], out["cpu_first"] = time.perf_counter(), _cpu()
            return [("articles.scored", ArticleScored(article_id=record.article_id, title=record.title))]

        async def count(record: ArticleScored):
            out["n"] += 1
            out["last"], out["cpu_last"] = time.perf_counter(), _cpu()

        consume(app, "articles.ingested", forward, name="forward")
        consume(app, "articles.scored", count, name="count")
        publisher = KafkaPublisher(settings.kafka, linger_ms=20, batch_size=256 * 1024)
        body = "x" * 600
        started = time.perf_counter()
        for i in range(n):
            publisher.publish("articles.ingested", ArticleIngested(article_id=f"a{i}", title=f"t{i}", summary=body))
        publisher.flush()
        produced = time.perf_counter() - started
        publisher.close()
        with running_app(app):
            deadline = time.monotonic() + 600
            while out["n"] < n and time.monotonic() < deadline:
                time.sleep(0.02)
        assert out["n"] >= n, f"only {out['n']} of {n} came through"
        through = out["last"] - out["first"]
        cpu = out["cpu_last"] - out["cpu_first"]
    figures = {"messages": n, "produce_msg_per_s": n / produced, "through_agent_msg_per_s": n / through,
               "through_agent_msg_per_cpu_s": n / cpu}
    print(f"bus: {n:,} messages of ~0.7 KB; kafka-python produce {figures['produce_msg_per_s']:,.0f} msg/s; "
          f"through a faust agent and out again {figures['through_agent_msg_per_s']:,.0f} msg/s "
          f"({figures['through_agent_msg_per_cpu_s']:,.0f} per CPU-second of the worker process, "
          f"{cpu / through:.0%} of a core meanwhile)")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
