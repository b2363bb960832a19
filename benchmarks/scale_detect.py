"""Scale-out of the detect stage: throughput with one and with two workers in one consumer group.

Publishes N articles on `articles.ingested` (4 partitions) and times how long `rrm worker detect` processes take to
score all of them (`articles.scored`), once with one worker and once with two in the same group. The articles go
out in aiokafka's record batches, spread evenly over the partitions (each of two workers gets half), and the output
says how many CPU-seconds the harness and the broker used while the clock ran: on a small machine they share the
cores with the workers.

The mix is the realistic one of issue 14: the dev stream ../shared/data/dev/stream.jsonl.gz (real headlines, about
1% polarizing), cycled with numbered titles when N is larger. Without it the benchmark says so and uses a few
generated sentences (half of them polarizing: a much heavier mix, not comparable). The output names the mix and the
share of articles that came out polarizing. Detect runs its trained NER (on polarizing articles only) when a model is
installed; `RRM_DETECT__SPACY_MODEL=none` measures the stage without it.

By default every worker starts fresh: its memory of spaCy's tokens (`detect.matching.text_tokens`) is empty, so the
figure is that of a worker's first minutes. `--after K` first has the workers read the stream's first K articles
(untimed), then times the N that follow them: a worker that has been running, whose memory holds earlier news but
never the articles timed (keep K + N within the stream's 18,382 items for that to hold).

    .venv/bin/python benchmarks/scale_detect.py [N] [--after K]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiokafka import AIOKafkaProducer
from kafka import KafkaConsumer

from bus.admin import ensure_topics
from bus.broker import EmbeddedBroker
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from config.logging import configure_logging
from config.settings import Settings
from db.migrate import upgrade

STREAM = ROOT.parent / "shared" / "data" / "dev" / "stream.jsonl.gz"
GENERATED = [
    ("en", "City council approves new bus lanes", "The plan adds twelve kilometres of lanes by next spring."),
    ("en", "Mosque set on fire overnight, police treat it as a hate crime",
     "Worshippers found the prayer hall burned; community leaders called for calm."),
    ("fr", "Le festival de jazz annonce sa programmation", "Quarante concerts sur cinq scènes cet été."),
    ("fr", "Un Coran brûlé devant une mosquée", "Les fidèles dénoncent un acte islamophobe."),
    ("de", "Neue Brücke über den Rhein eröffnet", "Der Verkehr soll ab Montag fließen."),
    ("es", "Atacan una sinagoga con pintadas antisemitas", "La comunidad judía denuncia el ataque."),
]


def texts() -> tuple[str, list[tuple[str, str, str, str]]]:
    """The mix measured (its name) and its (lang, title, summary, source) samples."""
    if STREAM.exists():
        with gzip.open(STREAM, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        samples = [(r.get("lang") or "en", r.get("title") or "", r.get("summary") or "", r.get("source") or "")
                   for r in rows if r.get("title") or r.get("summary")]
        return f"dev stream {STREAM.name} ({len(samples):,} real articles, about 1% polarizing)", samples
    print(f"scale-out: the dev stream {STREAM} is not there; measuring a generated mix instead "
          "(half polarizing, not comparable with the dev-stream figure)", file=sys.stderr)
    return "generated sentences (half polarizing)", [(lang, title, summary, "") for lang, title, summary in GENERATED]


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds the processes have used so far (Linux /proc; 0 elsewhere)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


class BatchPublisher:
    """The articles onto the topic with aiokafka's record batches, spread evenly over its partitions.

    The harness shares the machine's cores with the workers and the broker while the clock runs; kafka-python builds
    each record in Python (about 40 µs), aiokafka's batch builder in C (a few µs), so the workers keep more of the CPU
    for what is measured. The producer connects before the clock starts."""

    def __init__(self, bootstrap_servers: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._producer = self._loop.run_until_complete(self._start(bootstrap_servers))

    @staticmethod
    async def _start(bootstrap_servers: str) -> AIOKafkaProducer:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, linger_ms=20, acks="all",
                                    max_batch_size=1024 * 1024, max_request_size=8 * 1024 * 1024)
        await producer.start()
        return producer

    def publish(self, topic: str, messages: list[tuple[bytes, str]]) -> None:
        self._loop.run_until_complete(self._publish(topic, messages))

    async def _publish(self, topic: str, messages: list[tuple[bytes, str]]) -> None:
        producer = self._producer
        partitions = sorted(await producer.partitions_for(topic))
        batches = {partition: producer.create_batch() for partition in partitions}
        sent = []
        for i, (value, key) in enumerate(messages):
            partition = partitions[i % len(partitions)]
            if batches[partition].append(key=key.encode(), value=value, timestamp=None) is None:  # full: send it
                sent.append(await producer.send_batch(batches[partition], topic, partition=partition))
                batches[partition] = producer.create_batch()
                batches[partition].append(key=key.encode(), value=value, timestamp=None)
        for partition, batch in batches.items():
            if batch.record_count():
                sent.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*sent)

    def close(self) -> None:
        self._loop.run_until_complete(self._producer.stop())
        self._loop.close()


@dataclass
class Timed:
    """One timed run: articles scored per second, per CPU-second of the workers, how many came out polarizing, and
    the CPU-seconds each worker, the harness and the broker used while the clock ran."""

    rate: float
    per_cpu: float
    polarizing: int
    workers_cpu: list[float]
    harness_cpu: float
    broker_cpu: float


def run(n: int, workers: int, broker: EmbeddedBroker, tmp: Path,
        samples: list[tuple[str, str, str, str]], after: int = 0,
        name: str = "") -> Timed:
    """Time `workers` detect processes in one group scoring `n` articles. `name` keeps the topics and the store of
    runs with as many workers apart."""
    prefix = f"scale{workers}{name}."
    db_url = f"sqlite:///{tmp / f'rrm{workers}{name}.sqlite3'}"
    upgrade(db_url)
    settings = Settings(env="test", data_dir=tmp, kafka={"bootstrap_servers": broker.bootstrap_servers,
                                                          "topic_prefix": prefix}, db={"url": db_url})
    ensure_topics(settings.kafka)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_") or k.startswith("RRM_DETECT__")}
    env.update({"RRM_ENV": "test", "RRM_DATA_DIR": str(tmp / f"w{workers}{name}"), "RRM_DB__URL": db_url,
                "RRM_LOG_LEVEL": "WARNING", "RRM_LOG_FORMAT": "json",
                "RRM_KAFKA__BOOTSTRAP_SERVERS": broker.bootstrap_servers, "RRM_KAFKA__TOPIC_PREFIX": prefix})
    procs = [subprocess.Popen([sys.executable, "-m", "rrm", "worker", "detect"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    consumer = KafkaConsumer(f"{prefix}articles.scored", bootstrap_servers=broker.bootstrap_servers,
                             auto_offset_reset="earliest", enable_auto_commit=False)
    publisher = KafkaPublisher(settings.kafka, linger_ms=20)
    batches = BatchPublisher(broker.bootstrap_servers)
    seen = 0
    values: list[bytes] = []  # read while timing, decoded after: the harness shares the cores with the workers

    def drain(until: int, timeout: float) -> float:
        nonlocal seen
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while seen < until and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                seen += len(batch)
                values.extend(m.value for m in batch)
                last = time.monotonic()
        if seen < until:
            raise SystemExit(f"only {seen} of {until} articles scored with {workers} worker(s)")
        return last

    # the articles, encoded before the clock starts (as ingest, on another machine, would have written them)
    topic = f"{prefix}articles.ingested"
    messages = []
    for i in range(after + n):
        lang, title, summary, source = samples[i % len(samples)]
        if i >= len(samples):  # cycled: a distinct title, so that it is a new article
            title = f"{title} ({i // len(samples)})"
        record = ArticleIngested(article_id=f"a{i}", title=title, summary=summary, lang=lang,
                                 source=source or f"s{i % 40}.example")
        messages.append((record.to_json(), record.article_id))
    earlier, messages = messages[:after], messages[after:]

    try:
        time.sleep(12)  # every worker joined the group
        for i in range(8):  # warm-up: one per partition, so every worker has loaded its pipeline
            publisher.publish("articles.ingested", ArticleIngested(article_id=f"warm-{i}", title="Warm-up", lang="en"),
                              key=f"warm-{i}")
        publisher.flush()
        drain(8, 120)
        if earlier:  # a running worker: it has read earlier news (untimed)
            batches.publish(topic, earlier)
        drain(8 + after, 600)
        values.clear()
        broker_pid = [broker.process.pid] if broker.process is not None else []
        started, cpu_started = time.monotonic(), [cpu_seconds([proc.pid]) for proc in procs]
        harness_started, broker_started = time.process_time(), cpu_seconds(broker_pid)
        batches.publish(topic, messages)
        last = drain(n + after + 8, 600)
        workers_cpu = [cpu_seconds([proc.pid]) - before for proc, before in zip(procs, cpu_started, strict=True)]
        cpu = sum(workers_cpu)
        harness, broker_cpu = time.process_time() - harness_started, cpu_seconds(broker_pid) - broker_started
        polarizing = sum(1 for value in values if json.loads(value).get("polarizing"))
        return Timed(n / (last - started), n / cpu if cpu else 0.0, polarizing, workers_cpu, harness, broker_cpu)
    finally:
        batches.close()
        publisher.close()
        consumer.close()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(n: int = 20_000, after: int = 0) -> dict[str, float]:
    """Run with one worker, then with two."""
    configure_logging("WARNING", "console")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        mix, samples = texts()
        one = run(n, 1, broker, Path(tmp), samples, after)
        two = run(n, 2, broker, Path(tmp), samples, after)
    model = os.environ.get("RRM_DETECT__SPACY_MODEL", "auto")
    state = f"workers that first read {after:,} earlier articles" if after else "fresh workers"
    print(f"scale-out: detect scoring {n:,} articles from a 4-partition topic; mix: {mix}, {one.polarizing / n:.1%} "
          f"came out polarizing; trained NER: {model}; {state}: 1 worker {one.rate:,.0f} articles/s "
          f"({one.per_cpu:,.0f} per CPU-second of the worker), 2 workers in one group {two.rate:,.0f} articles/s "
          f"({two.rate / one.rate:.2f}x; {two.per_cpu:,.0f} per CPU-second of the workers) on {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}; CPU-seconds while timed: one worker {one.workers_cpu[0]:.1f} "
          f"(harness {one.harness_cpu:.1f}, broker {one.broker_cpu:.1f}), two workers "
          f"{' and '.join(f'{cpu:.1f}' for cpu in two.workers_cpu)} (harness {two.harness_cpu:.1f}, broker "
          f"{two.broker_cpu:.1f}); the worker that reads articles.scored also clusters every article")
    return {"one_worker_per_s": one.rate, "two_workers_per_s": two.rate, "one_worker_per_cpu_s": one.per_cpu,
            "two_workers_per_cpu_s": two.per_cpu, "polarizing_share": one.polarizing / n}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Detect throughput with one and with two workers in one group.")
    parser.add_argument("n", nargs="?", type=int, default=20_000, help="articles timed (default 20,000)")
    parser.add_argument("--after", type=int, default=0, metavar="K",
                        help="the workers first read the stream's first K articles, untimed (a running worker)")
    args = parser.parse_args()
    main(args.n, args.after)
