"""Bus throughput through a faust agent on the embedded broker.

A faust agent (the same `consume()` wrapper every stage uses: decode, validate, handle, log, send) forwards each
ArticleIngested as an ArticleScored. After a warm-up message has gone through (the consumer group has joined),
N records are produced with kafka-python and the benchmark waits until all N came out of the agent.
Prints the produce rate and the end-to-end rate through the agent.

    .venv/bin/python benchmarks/bus.py [N]
"""

from __future__ import annotations

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


def main(n: int = 20_000) -> dict[str, float]:
    """Run the benchmark; return its figures."""
    configure_logging("WARNING", "console")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        settings = Settings(env="test", data_dir=Path(tmp), log_level="WARNING",
                            kafka={"bootstrap_servers": broker.bootstrap_servers, "topic_prefix": "bench.",
                                   "default_partitions": 4})
        ensure_topics(settings.kafka)
        app = create_app("bench", settings)
        out = {"n": 0, "last": 0.0}

        async def forward(record: ArticleIngested):
            return [("articles.scored", ArticleScored(article_id=record.article_id, title=record.title))]

        async def count(record: ArticleScored):
            out["n"] += 1
            out["last"] = time.perf_counter()

        consume(app, "articles.ingested", forward, name="forward")
        consume(app, "articles.scored", count, name="count")
        publisher = KafkaPublisher(settings.kafka, linger_ms=20, batch_size=256 * 1024)
        body = "x" * 600
        with running_app(app):
            publisher.publish("articles.ingested", ArticleIngested(article_id="warm-up", summary=body))
            publisher.flush()
            deadline = time.monotonic() + 120
            while out["n"] < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            started = time.perf_counter()
            for i in range(n):
                publisher.publish("articles.ingested", ArticleIngested(article_id=f"a{i}", title=f"t{i}", summary=body))
            publisher.flush()
            produced = time.perf_counter() - started
            deadline = time.monotonic() + 600
            while out["n"] < n + 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            through = out["last"] - started
        publisher.close()
        assert out["n"] >= n + 1, f"only {out['n'] - 1} of {n} came through"
    figures = {"messages": n, "produce_msg_per_s": n / produced, "through_agent_msg_per_s": n / through}
    print(f"bus: {n:,} messages of ~0.7 KB; kafka-python produce {figures['produce_msg_per_s']:,.0f} msg/s; "
          f"through a faust agent and out again {figures['through_agent_msg_per_s']:,.0f} msg/s")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
