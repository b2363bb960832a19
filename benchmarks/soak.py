"""Soak: the whole engine under load and faults for a set time; prints what went in, what came out, and what was lost.

Runs `rrm up` with the demo (its story made to unfold at once: the demo's epoch is set in the past) plus a local
HTTP server holding `--feeds` fictional outlets that publish `--rate` ordinary articles per second in all and, every
30 s, a new flashpoint in two outlets and two languages (benchmarks/e2e.py's events), each feed polled every 10 s
(ingest's shortest interval). Every `--fault-every` seconds it kills a random worker with SIGKILL (`rrm up` restarts
it); once, halfway, it kills the embedded broker (`rrm up` restarts it empty, re-creates the topics, replays the
outbox and restarts the workers). Then it stops injecting, lets the engine drain, stops it with Ctrl-C and reads the
SQLite store:

- articles ingested (`ingest_seen`), scored (clustering's processed markers), stories flagged, emails queued and
  sent (`mail_ledger`), copies in the demo mail sink;
- duplicates: the same recipient and purpose (ledger key) twice in the mail sink;
- losses: an ingested article clustering never saw, and an outbox row that one of its topic's consumers never
  applied (the consumers of a topic are those whose processed markers name any of that topic's message ids);
- the faults it injected. Target: 0 lost, 0 duplicates. It stops by itself and leaves no process behind.

    .venv/bin/python benchmarks/soak.py [--minutes 5] [--rate 10] [--feeds 20]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from e2e import Feeds, flashpoint, serve

from bus.broker import die_with_parent, free_port
from bus.records import ArticleScored
from bus.records.base import deterministic_id
from rrm.up import STOP_BOUND_S

INTERVAL_S = 10
WORDS = ("harbour council budget tram orchestra season school library bridge festival market rail museum river "  # noqa: SIM905 - easier to read
         "hospital park theatre election cycling stadium bakery vineyard ferry airport garden court archive "
         "university tower canal forest lake farm").split()
FAULT_WORKERS = ("relay", "ingest", "detect", "mobilize", "translate", "distribute", "registry")


def log(message: str) -> None:
    """A line on stderr with the time."""
    print(f"{datetime.now(UTC):%H:%M:%S} soak: {message}", file=sys.stderr, flush=True)


class LimitedFeeds(Feeds):
    """e2e's feeds, each serving only its newest `keep` items (a real feed does not grow forever)."""

    keep = 60

    def add(self, feed: int, link: str, title: str, summary: str) -> None:
        super().add(feed, link, title, summary)
        with self.lock:
            del self.items[feed][:-self.keep]


def publish_articles(feeds: LimitedFeeds, n_feeds: int, rate: float, stop: threading.Event) -> None:
    """Add `rate` ordinary articles per second across the feeds, and a flashpoint every 30 s."""
    rng = random.Random(7)  # noqa: S311 - reproducible fictional text, not a secret
    counter = itertools.count()
    next_flash = time.monotonic() + 5
    rounds = itertools.count()
    while not stop.is_set():
        started = time.monotonic()
        for _ in range(max(1, round(rate))):
            i = next(counter)
            words = rng.sample(WORDS, 6)
            feeds.add(i % n_feeds, f"http://outlet{i % n_feeds}.example/soak-{i}",
                      f"{words[0].title()} {words[1]} report {i}: {words[2]} and {words[3]}",
                      f"Item {i}: the {words[4]} and the {words[5]} were discussed at length, nothing more.")
        if time.monotonic() >= next_flash:
            for feed, link, title, summary in flashpoint(next(rounds)):
                feeds.add(feed, link + f"-{int(time.time())}", title, summary)
            next_flash += 30
        stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))


def engine_pids(data_dir: str) -> dict[int, str]:
    """Every process of this engine (they carry its data directory in their environment): pid -> command line."""
    mark = f"RRM_DATA_DIR={data_dir}".encode()
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                if mark not in f.read().split(b"\x00"):
                    continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                argv = f.read().rstrip(b"\x00").replace(b"\x00", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if argv:
            found[int(entry.name)] = argv
    return found


def find(data_dir: str, needle: str) -> list[int]:
    """Pids of this engine's processes whose command line contains `needle`."""
    return [pid for pid, argv in engine_pids(data_dir).items() if needle in argv]


def register_soak_feeds(db: Path, port: int, n_feeds: int) -> None:
    """Register the soak outlets (10 s interval) and poll the demo outlets every 10 s too."""
    from db.engine import make_engine, session_factory, transaction
    from ingest.handlers import FeedSpec, register_feeds
    from ingest.tables import Feed

    engine = make_engine(f"sqlite:///{db}")
    try:
        with transaction(session_factory(engine)) as session:
            specs = [FeedSpec(url=f"http://127.0.0.1:{port}/feeds/{i}.xml", name=f"Soak outlet {i}", lang="",
                              outlet=f"Soak outlet {i}", interval_s=INTERVAL_S) for i in range(n_feeds)]
            register_feeds(session, specs, datetime.now(UTC), origin="soak")
            for feed in session.query(Feed).filter(Feed.origin == "demo"):
                feed.interval_s = INTERVAL_S
                feed.updated_at = datetime.now(UTC)
    finally:
        engine.dispose()


def read_scored(servers: str, prefix: str = "rrm.") -> dict[str, bool]:
    """Every `ArticleScored` on the bus now: article id -> polarizing (read from the start, until idle)."""
    from kafka import KafkaConsumer, TopicPartition

    topic = prefix + "articles.scored"
    consumer = KafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False, group_id=None,
                             consumer_timeout_ms=5000, request_timeout_ms=30000)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        scored = {}
        for message in consumer:  # stops after 5 s without a message
            try:
                value = json.loads(message.value)
            except (TypeError, ValueError):
                continue
            scored[str(value.get("article_id", ""))] = bool(value.get("polarizing"))
        return scored
    finally:
        consumer.close()


def figures(db: Path, scored: dict[str, bool] | None = None) -> dict:
    """Read the store after the run."""
    con = sqlite3.connect(db)
    q = lambda sql, *a: con.execute(sql, a).fetchall()  # noqa: E731 - a one-line helper used only here
    scored_ns = ArticleScored._options.namespace
    markers: dict[str, set[str]] = defaultdict(set)
    for consumer, message_id in q("SELECT consumer, message_id FROM processed_messages"):
        markers[consumer].add(message_id)
    articles = [a for (a,) in q("SELECT article_id FROM ingest_seen")]
    clustered = markers.get("detect.cluster", set())
    scored = scored or {}
    # an ingested article the scorer never scored, or a polarizing one clustering never applied
    lost_articles = [a for a in articles if a not in scored
                     or (scored[a] and deterministic_id(scored_ns, a) not in clustered)]

    rows = q("SELECT topic, message_id, published_at, parked_at, payload FROM outbox")
    by_topic: dict[str, set[str]] = defaultdict(set)
    addressed: dict[str, str] = {}  # a registry command's message id -> the registry it is addressed to
    for topic, message_id, _, _, payload in rows:
        by_topic[topic].add(message_id)
        if topic.endswith("registry.commands"):
            addressed[message_id] = json.loads(payload).get("registry", "")
    lost_events: Counter = Counter()
    consumers_of: dict[str, list[str]] = {}
    for topic, ids in by_topic.items():
        consumers_of[topic] = sorted(c for c, seen in markers.items() if seen & ids)
        for consumer in consumers_of[topic]:
            expected = ids
            if topic.endswith("registry.commands") and consumer.startswith("registry."):
                # one agent reads the commands; each registry marks those addressed to it, under its own name
                expected = {m for m in ids if addressed.get(m) == consumer.removeprefix("registry.")}
            missing = expected - markers[consumer]
            if missing:
                lost_events[f"{topic} -> {consumer}"] += len(missing)
    unpublished = sum(1 for _, _, published, parked, _ in rows if published is None and parked is None)
    parked = sum(1 for _, _, _, parked, _ in rows if parked is not None)

    ledger = Counter(dict(q("SELECT status, count(*) FROM mail_ledger GROUP BY status")))
    sink_dups = q("SELECT \"to\", idempotency_key, count(*) FROM mail_sink GROUP BY \"to\", idempotency_key "
                  "HAVING count(*) > 1")
    flagged = len(by_topic.get("stories.flagged", set()))
    return {
        "articles_ingested": len(articles),
        "articles_scored": sum(1 for a in articles if a in scored),
        "articles_polarizing": sum(1 for a in articles if scored.get(a)),
        "polarizing_clustered": len(clustered),
        "stories_flagged": flagged,
        "stories_escalated": len(by_topic.get("stories.escalated", set())),
        "emails_queued": sum(ledger.values()),
        "emails_sent": ledger.get("sent", 0),
        "emails_by_status": dict(ledger),
        "emails_in_sink": q("SELECT count(*) FROM mail_sink")[0][0],
        "lost_emails": ledger.get("queued", 0) + ledger.get("pending", 0),  # queued, never handed over
        "duplicates": sum(n - 1 for *_, n in sink_dups),
        "duplicate_examples": [list(r) for r in sink_dups[:5]],
        "lost_articles": len(lost_articles),
        "lost_events": sum(lost_events.values()),
        "lost_events_by_topic": dict(lost_events),
        "outbox_rows": len(rows),
        "outbox_unpublished": unpublished,
        "outbox_parked": parked,
        "consumers_by_topic": consumers_of,
    }


def settle(db: Path, servers: str, timeout: float) -> dict[str, bool]:
    """Wait until the figures stop moving (the engine has caught up), at most `timeout` seconds; returns what the
    bus holds on articles.scored at the end."""
    deadline = time.monotonic() + timeout
    last = None
    steady = 0
    scored: dict[str, bool] = {}
    while time.monotonic() < deadline:
        try:
            scored = read_scored(servers)
            now = figures(db, scored)
        except Exception as exc:  # the broker may be coming back; try again
            log(f"figures not readable yet: {type(exc).__name__}: {exc}")
            now = None
        key = None if now is None else (now["articles_scored"], now["lost_articles"], now["lost_events"],
                                        now["emails_sent"], now["outbox_unpublished"], now["lost_emails"])
        if key is not None and now["lost_articles"] == 0 and now["lost_events"] == 0 \
                and now["outbox_unpublished"] == 0 and now["lost_emails"] == 0:
            return scored
        steady = steady + 1 if key == last else 0
        if steady >= 6:  # a minute without change: what is missing now stays missing
            return scored
        last = key
        if now is not None:
            log(f"catching up: {now['articles_scored']}/{now['articles_ingested']} scored, "
                f"{now['lost_events']} events not applied yet, {now['outbox_unpublished']} outbox rows unpublished")
        time.sleep(10)
    return scored


def main() -> int:  # one scenario, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="How long faults are injected (default 5).")
    parser.add_argument("--rate", type=float, default=10.0, help="Ordinary articles per second in all (default 10).")
    parser.add_argument("--feeds", type=int, default=20, help="Soak outlets (default 20).")
    parser.add_argument("--fault-every", type=float, default=30.0, help="Seconds between faults (default 30).")
    parser.add_argument("--drain", type=float, default=180.0, help="Longest wait for the engine to catch up (s).")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - which worker to kill, reproducibly

    data_dir = tempfile.mkdtemp(prefix="rrm-soak-")
    db = Path(data_dir) / "rrm.sqlite3"
    # the demo story starts 290 s in the past: every demo article is there at the first poll
    (Path(data_dir) / "ingest-demo-epoch").write_text((datetime.now(UTC) - timedelta(seconds=290)).isoformat())
    feeds = LimitedFeeds(args.feeds)
    server = serve(feeds)
    stop_feeding = threading.Event()
    web_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    env.update({"RRM_DATA_DIR": data_dir, "RRM_WEB__PORT": str(web_port), "RRM_KAFKA__EMBEDDED_PORT": str(free_port()),
                "RRM_INGEST__DEMO_PORT": str(free_port()), "RRM_LOG_FORMAT": "json",
                "RRM_INGEST__ALLOW_NETWORKS": json.dumps(["127.0.0.1/32"]), "PYTHONUNBUFFERED": "1",
                # the soak measures the pipeline under faults, not an officer's decision: stories page by themselves
                "RRM_MOBILIZE__AUTO_START": "true"})
    log(f"data directory {data_dir}; starting rrm up (demo) and {args.feeds} soak feeds at {args.rate:g} articles/s")
    out = open(Path(data_dir) / "rrm-up.out", "wb")  # noqa: SIM115 - closed at the end
    up = subprocess.Popen([sys.executable, "-m", "rrm", "up"], cwd=ROOT, env=env, stdout=out,
                          stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    faults: list[str] = []
    stop_took = None
    scored: dict[str, bool] = {}
    servers = f"127.0.0.1:{env['RRM_KAFKA__EMBEDDED_PORT']}"
    try:
        deadline = time.monotonic() + 240
        while b"Press Ctrl-C" not in (Path(data_dir) / "rrm-up.out").read_bytes():
            if up.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("rrm up did not start; see " + str(Path(data_dir) / "rrm-up.out"))
            time.sleep(0.5)
        register_soak_feeds(db, server.server_address[1], args.feeds)
        feeder = threading.Thread(target=publish_articles, args=(feeds, args.feeds, args.rate, stop_feeding),
                                  daemon=True)
        feeder.start()
        started = time.monotonic()
        end = started + args.minutes * 60
        n_faults = int(args.minutes * 60 // args.fault_every)
        broker_slot = max(1, n_faults // 2)
        for slot in range(1, n_faults + 1):
            wake = started + slot * args.fault_every
            while time.monotonic() < min(wake, end):
                time.sleep(0.5)
                if up.poll() is not None:
                    raise SystemExit(f"rrm up exited with status {up.returncode} during the soak")
            if time.monotonic() >= end:
                break
            at = f"{time.monotonic() - started:5.0f}s"
            if slot == broker_slot:
                pids = find(data_dir, "tansu")
                for pid in pids:
                    os.kill(pid, signal.SIGKILL)
                faults.append(f"{at} SIGKILL embedded broker (pid {pids})")
            else:
                name = rng.choice(FAULT_WORKERS)
                pids = find(data_dir, f"-m rrm worker {name}")
                for pid in pids:
                    os.kill(pid, signal.SIGKILL)
                faults.append(f"{at} SIGKILL worker {name} (pid {pids})")
            log(faults[-1])
        while time.monotonic() < end:
            time.sleep(0.5)
        stop_feeding.set()
        log(f"faults over after {time.monotonic() - started:.0f} s; letting the engine catch up "
            f"(at most {args.drain:.0f} s)")
        time.sleep(2 * INTERVAL_S)  # the last items are polled
        scored = settle(db, servers, args.drain)
        log("stopping rrm up with Ctrl-C")
        stopping = time.monotonic()
        up.send_signal(signal.SIGINT)
        up.wait(timeout=STOP_BOUND_S + 30)
        stop_took = time.monotonic() - stopping
    finally:
        stop_feeding.set()
        if up.poll() is None:
            up.kill()
            up.wait()
        time.sleep(1)
        left = engine_pids(data_dir)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.shutdown()
        out.close()
    result = figures(db, scored)
    result.update({"minutes": args.minutes, "rate_per_s": args.rate, "faults": faults,
                   "stop_after_ctrl_c_s": round(stop_took, 1) if stop_took is not None else None,
                   "processes_left": len(left), "data_dir": data_dir})
    print(json.dumps({k: v for k, v in result.items() if k != "consumers_by_topic"}, indent=2))
    lost = result["lost_articles"] + result["lost_events"] + result["lost_emails"]
    print(f"\nsoak: {result['articles_ingested']} articles ingested, {result['articles_scored']} scored, "
          f"{result['stories_flagged']} stories flagged, {result['emails_queued']} emails queued, "
          f"{result['emails_sent']} sent; duplicates {result['duplicates']}, lost {lost} (articles "
          f"{result['lost_articles']}, events {result['lost_events']}, emails {result['lost_emails']}); "
          f"{len(faults)} faults; stopped {result['stop_after_ctrl_c_s']} s after Ctrl-C, {len(left)} process(es) left")
    return 0 if result["duplicates"] == 0 and lost == 0 and not left else 1


if __name__ == "__main__":
    sys.exit(main())
