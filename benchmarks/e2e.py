"""End-to-end latency: from a feed item being served to `StoryFlagged` on the bus.

Runs the real processes (`rrm worker relay|ingest|detect`) on the embedded broker with a SQLite store, and a local
HTTP server holding four feeds of fictional outlets polled every 10 s (ingest's shortest interval). Every 25 s a new
flashpoint starts: two outlets in two languages publish it at the same instant. The benchmark records when the
items were first served and when the story's `StoryFlagged` arrived, and prints the median and worst latency, with
the part that is only waiting for the next poll.

    .venv/bin/python benchmarks/e2e.py [ROUNDS]
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kafka import KafkaConsumer

from bus.admin import ensure_topics
from bus.broker import EmbeddedBroker, free_port
from bus.records import StoryFlagged
from config.settings import Settings
from db.migrate import upgrade

INTERVAL_S = 10
CITIES = ["Malmö", "Lyon", "Graz", "Utrecht", "Aarhus", "Ghent", "Bergen", "Turku"]
ORDINARY = [
    ("Harbour authority publishes quarterly freight figures", "Container volumes rose slightly on the quarter."),
    ("Regional orchestra announces its winter season", "Twelve concerts, two of them free for students."),
    ("Le conseil municipal vote le budget des transports", "Le tramway sera prolongé de deux stations."),
    ("La météo annonce un week-end ensoleillé", "Les températures resteront douces jusqu'à lundi."),
]


class Feeds:
    """Items per feed, changed by the benchmark while the server serves them."""

    def __init__(self, n: int) -> None:
        self.lock = threading.Lock()
        self.items: dict[int, list[tuple[str, str, str, datetime]]] = {i: [] for i in range(n)}
        self.first_served: dict[str, float] = {}

    def add(self, feed: int, link: str, title: str, summary: str) -> None:
        with self.lock:
            self.items[feed].append((link, title, summary, datetime.now(UTC)))

    def render(self, feed: int) -> bytes:
        now = time.monotonic()
        with self.lock:
            items = list(self.items[feed])
            for link, *_ in items:
                self.first_served.setdefault(link, now)
        body = "".join(
            f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
            f"<description>{escape(s)}</description><pubDate>{format_datetime(when)}</pubDate></item>"
            for link, t, s, when in items
        )
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {feed}</title>'
                f"<link>http://outlet{feed}.example/</link>{body}</channel></rss>").encode()


def serve(feeds: Feeds) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                index = int(self.path.rsplit("/", 1)[-1].split(".")[0])
                body = feeds.render(index)
            except (ValueError, KeyError):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


EVENTS = [
    ("Quran burned outside {city} mosque, Muslim leaders condemn attack",
     "A man set fire to a copy of the Quran outside the main mosque in {city}; police opened a hate-crime inquiry.",
     "Un Coran brûlé devant la mosquée de {city}",
     "Un homme a brûlé un exemplaire du Coran devant la grande mosquée de {city} ; les fidèles dénoncent un acte "
     "islamophobe."),
    ("Synagogue in {city} attacked with firebombs during Sabbath service",
     "Worshippers were evacuated after two firebombs hit the synagogue; Jewish groups call it an antisemitic attack.",
     "Une synagogue de {city} attaquée au cocktail Molotov pendant l'office du sabbat",
     "Les fidèles ont été évacués ; les responsables juifs dénoncent une attaque antisémite."),
    ("{city} council bans headscarves in schools, Muslim families protest",
     "The new rule forbids the hijab for pupils; Muslim associations say the veil ban targets their community.",
     "{city} interdit le voile islamique à l'école, colère des familles musulmanes",
     "Le conseil municipal interdit le foulard aux élèves ; les associations musulmanes dénoncent une loi "
     "discriminatoire."),
    ("Church vandalised in {city}, crosses smashed and anti-Christian slogans painted",
     "Christian leaders condemned the desecration of the church and called for calm between communities.",
     "Une église de {city} profanée, des croix brisées et des tags antichrétiens",
     "Les responsables chrétiens condamnent la profanation de l'église et appellent au calme."),
]


def flashpoint(round_no: int) -> list[tuple[int, str, str, str]]:
    """Two outlets, two languages, one event; each round a different kind of event in a different city."""
    city = CITIES[round_no % len(CITIES)]
    en_title, en_summary, fr_title, fr_summary = EVENTS[round_no % len(EVENTS)]
    return [
        (0, f"http://outlet0.example/{round_no}", en_title.format(city=city), en_summary.format(city=city)),
        (1, f"http://outlet1.example/{round_no}", fr_title.format(city=city), fr_summary.format(city=city)),
    ]


def main(rounds: int = 4) -> dict[str, float]:
    """Run the benchmark; return its figures."""
    feeds = Feeds(4)
    for i, (title, summary) in enumerate(ORDINARY):
        feeds.add(i, f"http://outlet{i}.example/ordinary-{i}", title, summary)
    http = serve(feeds)
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        tmp_path = Path(tmp)
        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text("".join(
            f'[[feed]]\nurl = "http://127.0.0.1:{http.server_port}/feeds/{i}.xml"\nname = "Outlet {i}"\n'
            f'lang = "{"en" if i % 2 == 0 else "fr"}"\ncountry = "{["SE", "FR", "AT", "NL"][i]}"\n'
            f"interval_s = {INTERVAL_S}\n\n" for i in range(4)))
        db_url = f"sqlite:///{tmp_path / 'rrm.sqlite3'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
        env.update({"RRM_ENV": "test", "RRM_DATA_DIR": tmp, "RRM_DB__URL": db_url, "RRM_LOG_LEVEL": "WARNING",
                    "RRM_LOG_FORMAT": "json", "RRM_KAFKA__BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                    "RRM_KAFKA__TOPIC_PREFIX": "e2e.", "RRM_INGEST__FEEDS_FILE": str(feeds_file),
                    "RRM_INGEST__ALLOW_NETWORKS": '["127.0.0.1/32"]'})  # its own feed server
        settings = Settings(**{"kafka": {"bootstrap_servers": broker.bootstrap_servers, "topic_prefix": "e2e."},
                               "db": {"url": db_url}, "data_dir": tmp})
        upgrade(db_url)
        ensure_topics(settings.kafka)
        for role in ("relay", "detect", "ingest"):
            procs.append(subprocess.Popen([sys.executable, "-m", "rrm", "worker", role], cwd=ROOT, env=env,
                                          stdout=open(tmp_path / f"{role}.log", "w"), stderr=subprocess.STDOUT))  # noqa: SIM115 - closed with the worker
        consumer = KafkaConsumer("e2e.stories.flagged", bootstrap_servers=broker.bootstrap_servers,
                                 auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=200)
        latencies: list[float] = []
        waits: list[float] = []
        try:
            time.sleep(INTERVAL_S + 20)  # workers joined their groups, first polls done
            for round_no in range(rounds):
                items = flashpoint(round_no)
                for feed, link, title, summary in items:
                    feeds.add(feed, link, title, summary)
                added = time.monotonic()
                deadline = added + 120
                flagged_at = None
                while flagged_at is None and time.monotonic() < deadline:
                    for batch in consumer.poll(timeout_ms=200).values():
                        for message in batch:
                            StoryFlagged.from_json(message.value)
                            flagged_at = time.monotonic()
                if flagged_at is None:
                    print(f"round {round_no}: no StoryFlagged within 120 s", file=sys.stderr)
                    continue
                served = [feeds.first_served.get(link) for _, link, _, _ in items]
                last_served = max(s for s in served if s is not None)
                latencies.append(flagged_at - added)
                waits.append(last_served - added)
                print(f"round {round_no}: flagged {flagged_at - added:5.1f} s after the items were put up "
                      f"({last_served - added:4.1f} s waiting for the polls, {flagged_at - last_served:4.2f} s "
                      "from the last fetch to StoryFlagged)", flush=True)
                time.sleep(max(0.0, 25 - (time.monotonic() - added)))
        finally:
            consumer.close()
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            http.shutdown()
    if not latencies:
        raise SystemExit("no story was flagged")
    after_fetch = [lat - w for lat, w in zip(latencies, waits, strict=True)]
    figures = {"rounds": len(latencies), "median_s": statistics.median(latencies), "max_s": max(latencies),
               "fetch_to_flag_median_s": statistics.median(after_fetch), "fetch_to_flag_max_s": max(after_fetch)}
    print(f"e2e: feed item served -> StoryFlagged, feeds polled every {INTERVAL_S} s: median "
          f"{figures['median_s']:.1f} s, worst {figures['max_s']:.1f} s over {len(latencies)} flashpoints; "
          f"from the fetch that saw the last item: median {figures['fetch_to_flag_median_s']:.2f} s, worst "
          f"{figures['fetch_to_flag_max_s']:.2f} s")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
