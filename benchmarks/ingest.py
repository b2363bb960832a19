"""Benchmark of ingest/: items per second through parse + normalize + de-duplicate on one core, and feeds per minute
polled against a local HTTP server holding 2,000 feeds.

    .venv/bin/python benchmarks/ingest.py [--items 20000] [--feeds 2000]

Items: the real feeds in ../shared/data/dev/feeds when present (else generated ones), repeated with distinct URLs
so that every item is new, read by feedparser, normalized, checked against the store (exact keys) and the MinHash
index (near-duplicates), and stored with its outbox row in SQLite, one transaction per feed. Feeds: a server process
serves 2,000 generated feeds (20 items each, with ETags); the worker's own poller polls each once (200, every item
new) and again (304), in one process. Targets: 2,000 items/s and 2,000 feeds/min.

Parsers: on the dev feeds only (skipped with a message when they are absent), items/s of ingest/fastfeed.py (with
feedparser for the documents it declines, as ingest does), of the `fastfeedparser` package and of feedparser, side by
side in one run, so that keeping our own reader stays a measured choice.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev" / "feeds"
WORDS = ("council minister harbour storm election market football river festival court police strike school hospital "  # noqa: SIM905 - a sentence reads better
         "museum budget rail bridge farmers drought vote union mayor parliament treaty border").split()


def generated_feed(n: int, items: int = 20) -> bytes:
    """A plausible RSS feed with distinct stories."""
    import random

    rng = random.Random(n)  # noqa: S311 - test data
    parts = []
    for i in range(items):
        title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
        summary = " ".join(rng.choice(WORDS) for _ in range(40))
        parts.append(f"<item><title>{title} {n}-{i}</title><link>https://site{n % 97}.example.org/{n}/{i}"
                     f"?utm_source=rss</link><guid>https://site{n % 97}.example.org/{n}/{i}</guid>"
                     f"<description>&lt;p&gt;{summary}&lt;/p&gt;</description>"
                     f"<pubDate>Sat, 28 Nov 2026 0{i % 10}:00:00 GMT</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {n}</title>'
            f"<link>https://site{n % 97}.example.org/</link><language>en</language>{''.join(parts)}"
            f"</channel></rss>").encode()


def store(tmp: str) -> tuple[object, object]:
    from db.engine import make_engine, session_factory
    from db.migrate import upgrade

    url = f"sqlite:///{tmp}/bench.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    return engine, session_factory(engine)


def bench_items(target_items: int) -> None:
    """Parse + normalize + de-duplicate (with the store writes) on one core."""
    from db.engine import transaction
    from ingest.dedupe import NearDuplicateIndex
    from ingest.handlers import store_articles
    from ingest.model import FeedInfo, read_feed

    if SHARED.is_dir() and any(SHARED.iterdir()):
        sources = [p.read_bytes() for p in sorted(SHARED.iterdir()) if p.is_file()]
        origin = f"{len(sources)} real feeds from {SHARED}"
    else:
        sources = [generated_feed(n) for n in range(40)]
        origin = "40 generated feeds"
    docs = []
    count = 0
    rep = 0
    while count < target_items:  # the same documents again, with links made new so that nothing is a duplicate
        for body in sources:
            docs.append(body.replace(b"://", b"://r%d." % rep))  # every link and GUID names a new article
        rep += 1
        count = rep * sum(body.count(b"<item") + body.count(b"<entry") for body in sources)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        engine, sessions = store(tmp)
        index = NearDuplicateIndex(0.6, timedelta(hours=36))
        started = time.process_time()
        wall = time.perf_counter()
        parsed = 0
        read_all = []
        for n, body in enumerate(docs):
            read = read_feed(body, FeedInfo(feed_id=str(n)), now)
            parsed += len(read.articles)
            read_all.append(read)
        parse_cpu = time.process_time() - started
        published = near = dup = 0
        for read in read_all:
            with transaction(sessions) as session:
                stored = store_articles(session, read.articles, index, now)
            published += len(stored.published)
            near += stored.near_duplicates
            dup += stored.duplicates
        cpu = time.process_time() - started
        elapsed = time.perf_counter() - wall
        engine.dispose()
    print(f"items: {parsed} items from {len(docs)} documents ({origin}, repeated with new links)")
    print(f"  parse + normalize:               {parsed / parse_cpu:8.0f} items/s (CPU time {parse_cpu:.2f} s)")
    print(f"  parse + normalize + de-duplicate: {parsed / cpu:8.0f} items/s (CPU time {cpu:.2f} s, wall "
          f"{elapsed:.2f} s, {parsed / elapsed:.0f}/s wall); published {published}, near-duplicates {near}, "
          f"exact duplicates {dup}")


def bench_parsers(min_cpu_s: float = 1.0) -> None:
    """Items/s of each feed parser on the dev feeds, same documents, same process, one after the other."""
    if not (SHARED.is_dir() and any(SHARED.iterdir())):
        print(f"parsers: skipped, no dev feeds at {SHARED}")
        return
    import io

    import feedparser

    from ingest.fastfeed import parse_fast
    from ingest.model import parse_feed

    try:
        import fastfeedparser
    except ImportError:
        fastfeedparser = None
    docs = [p.read_bytes() for p in sorted(SHARED.iterdir()) if p.is_file()]
    declined = sum(parse_fast(body) is None for body in docs)

    def ours(body: bytes) -> int:
        return len(parse_feed(body)["entries"])

    def theirs(body: bytes) -> int:
        try:
            return len(fastfeedparser.parse(body)["entries"])
        except Exception:  # it refuses some documents: they count as no items, as they would in a pipeline
            return 0

    def reference(body: bytes) -> int:
        return len(feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)["entries"])

    parsers = [("ingest/fastfeed.py (+ feedparser fallback)", ours), ("fastfeedparser package", theirs),
               ("feedparser", reference)]
    print(f"parsers: {len(docs)} dev feeds from {SHARED} ({declined} declined by the fast reader, read by "
          f"feedparser), CPU time of one core")
    for label, parse in parsers:
        if parse is theirs and fastfeedparser is None:
            print(f"  {label:44s} not installed (pip install -e '.[dev]')")
            continue
        items = rounds = 0
        started = time.process_time()
        while True:
            items += sum(parse(body) for body in docs)
            rounds += 1
            cpu = time.process_time() - started
            if cpu >= min_cpu_s:
                break
        print(f"  {label:44s} {items / cpu:8.0f} items/s ({items // rounds} items per round, {rounds} rounds, "
              f"{cpu:.2f} s CPU)")


def serve(port_queue, feeds: int) -> None:  # a multiprocessing queue
    """A separate process serving `feeds` generated feeds with ETags (so that it does not share our core)."""
    import hashlib
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies = {f"/feeds/{n}.xml": generated_feed(n) for n in range(feeds)}
    etags = {p: '"' + hashlib.sha1(b, usedforsecurity=False).hexdigest()[:16] + '"' for p, b in bodies.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etags[self.path]:
                self.send_response(304)
                self.send_header("ETag", etags[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etags[self.path])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.request_queue_size = 1024
    port_queue.put(httpd.server_address[1])
    httpd.serve_forever()


def bench_feeds(feeds: int) -> None:
    """Feeds per minute polled by the worker's poller (fetch, parse, normalize, de-duplicate, store)."""
    from sqlalchemy import select

    from config.settings import IngestSettings
    from db.engine import transaction
    from ingest.adapters import HttpFeedFetcher
    from ingest.handlers import FeedSpec, register_feeds
    from ingest.schedule import Poller
    from ingest.tables import Feed

    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(queue, feeds), daemon=True)
    server.start()
    port = queue.get(timeout=60)
    # every feed is on 127.0.0.1, so per-host politeness is lifted to the global limit for this measurement
    settings = IngestSettings(timeout_s=30, concurrency=32, per_host_concurrency=32)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            engine, sessions = store(tmp)
            with transaction(sessions) as session:
                register_feeds(session, [FeedSpec(url=f"http://127.0.0.1:{port}/feeds/{n}.xml")
                                          for n in range(feeds)], datetime.now(UTC))
                ids = list(session.scalars(select(Feed.id)))

            async def round_() -> tuple[float, float, list]:
                fetcher = HttpFeedFetcher.from_settings(settings, extra_allow=["127.0.0.1/32"])  # our server
                poller = Poller(sessions, fetcher, settings)
                cpu, wall = time.process_time(), time.perf_counter()
                reports = await asyncio.gather(*(poller.poll(i) for i in ids))
                result = time.perf_counter() - wall, time.process_time() - cpu, reports
                await fetcher.aclose()
                return result

            for label in ("first poll (200, every item new)", "second poll (304 Not Modified)"):
                elapsed, cpu, reports = asyncio.run(round_())
                outcomes = {}
                for r in reports:
                    outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
                items = sum(r.published for r in reports)
                print(f"  {label}: {feeds / elapsed * 60:8.0f} feeds/min ({elapsed:.1f} s wall, {cpu:.1f} s CPU; "
                      f"{outcomes}; {items} articles published)")
            engine.dispose()
    finally:
        server.terminate()
        server.join(5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20000, help="Items to push through parse+normalize+dedupe.")
    parser.add_argument("--feeds", type=int, default=2000, help="Feeds held by the local server.")
    args = parser.parse_args()
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))  # benchmarks print figures only
    print(f"ingest benchmark on {os.cpu_count()} CPU(s) (one process; the feed server runs in another)")
    bench_items(args.items)
    bench_parsers()
    print(f"feeds: {args.feeds} feeds of 20 items on a local HTTP server")
    bench_feeds(args.feeds)


if __name__ == "__main__":
    main()
