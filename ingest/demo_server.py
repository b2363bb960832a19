"""The demo's news sites: fictional outlets serving RSS and Atom over real HTTP, with a story that unfolds.

Each file in `ingest/demo_feeds/` is one outlet. An item appears `after_s` seconds after the server's epoch (negative:
already there), with that moment as its publication date, so a cross-cultural flashpoint spreads across outlets and
languages during the first minutes of `rrm up`. The epoch is kept in the data directory so that a restarted worker
continues the same story; after `rerun_after` a new episode starts (new article URLs), so a demo the next day unfolds
again. Feeds answer conditional GETs (ETag, Last-Modified -> 304). Article links point at `<outlet>.localhost`,
which browsers resolve to this machine, and the server shows each article as a small page.
"""

from __future__ import annotations

import hashlib
import html
import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

FEEDS_DIR = Path(__file__).resolve().parent / "demo_feeds"


@dataclass(frozen=True)
class DemoItem:
    """One fictional article."""

    id: str
    after_s: float
    title: str
    summary: str


@dataclass(frozen=True)
class DemoFeed:
    """One fictional outlet and its articles."""

    slug: str
    title: str
    description: str
    lang: str
    country: str
    format: str
    items: tuple[DemoItem, ...]


def load_demo_feeds(folder: Path = FEEDS_DIR) -> list[DemoFeed]:
    """Every outlet in the demo folder."""
    feeds = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        head = data["feed"]
        items = tuple(DemoItem(str(i["id"]), float(i["after_s"]), i["title"], i["summary"]) for i in data["item"])
        feeds.append(DemoFeed(head["slug"], head["title"], head.get("description", ""), head["lang"],
                              head.get("country", ""), head.get("format", "rss"), items))
    return feeds


def demo_epoch(data_dir: Path, now: datetime, rerun_after: timedelta = timedelta(hours=12)) -> tuple[datetime, str]:
    """The moment the story starts and the episode's name: kept across restarts, renewed after `rerun_after`."""
    path = data_dir / "ingest-demo-epoch"
    try:
        epoch = datetime.fromisoformat(path.read_text().strip())
        if epoch.tzinfo is not None and now - epoch < rerun_after:
            return epoch, epoch.strftime("%Y%m%d-%H%M")
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(now.isoformat())
    return now, now.strftime("%Y%m%d-%H%M")


class DemoFeedServer:
    """Serves the demo outlets' feeds at `/feeds/<slug>.xml` on 127.0.0.1, in a background thread."""

    def __init__(self, feeds: list[DemoFeed], epoch: datetime, episode: str, *, port: int = 0,
                 clock=lambda: datetime.now(UTC)) -> None:
        self.feeds = {f.slug: f for f in feeds}
        self.epoch = epoch
        self.episode = episode
        self.clock = clock
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # http.server's name
                server.requests += 1
                server._answer(self)

            def log_message(self, format: str, *args) -> None:  # quiet
                return

        try:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        except OSError:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # the port is taken: any free one
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Where the feeds are: `{demo}` in config/feeds.demo.toml."""
        return f"http://127.0.0.1:{self.port}"

    def feed_url(self, slug: str) -> str:
        """The URL of one outlet's feed."""
        return f"{self.base_url}/feeds/{slug}.xml"

    def start(self) -> DemoFeedServer:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-feeds", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:  # shutdown() waits for serve_forever: only when it runs
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    # ------------------------------------------------------------------------------------------- documents

    def article_url(self, feed: DemoFeed, item: DemoItem) -> str:
        """A clickable link on the outlet's own host name (`<slug>.localhost`)."""
        return f"http://{feed.slug}.localhost:{self.port}/{self.episode}/{item.id}.html"

    def visible(self, feed: DemoFeed, now: datetime) -> list[tuple[DemoItem, datetime]]:
        """The items released by `now`, newest first, with their publication time."""
        elapsed = (now - self.epoch).total_seconds()
        shown = [(i, self.epoch + timedelta(seconds=i.after_s)) for i in feed.items if i.after_s <= elapsed]
        return sorted(shown, key=lambda pair: pair[1], reverse=True)

    def render(self, feed: DemoFeed, now: datetime) -> tuple[bytes, datetime]:
        """The feed document as it stands at `now`, and when it last changed."""
        items = self.visible(feed, now)
        changed = items[0][1] if items else self.epoch
        site = f"http://{feed.slug}.localhost:{self.port}/"
        if feed.format == "atom":
            entries = "".join(
                f"<entry><title>{escape(i.title)}</title>"
                f"<link rel=\"alternate\" href=\"{escape(self.article_url(feed, i))}\"/>"
                f"<id>urn:demo:{feed.slug}:{self.episode}:{i.id}</id><updated>{when.isoformat()}</updated>"
                f"<published>{when.isoformat()}</published>"
                f"<summary type=\"html\">{escape('<p>' + html.escape(i.summary) + '</p>')}</summary></entry>"
                for i, when in items
            )
            doc = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
                   f'xml:lang="{feed.lang}"><title>{escape(feed.title)}</title><subtitle>{escape(feed.description)}'
                   f'</subtitle><link href="{site}"/><id>urn:demo:{feed.slug}</id><updated>{changed.isoformat()}'
                   f"</updated>{entries}</feed>")
        else:
            entries = "".join(
                f"<item><title>{escape(i.title)}</title><link>{escape(self.article_url(feed, i))}</link>"
                f"<guid isPermaLink=\"true\">{escape(self.article_url(feed, i))}</guid>"
                f"<pubDate>{format_datetime(when)}</pubDate><description>{escape(i.summary)}</description></item>"
                for i, when in items
            )
            doc = (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(feed.title)}'
                   f"</title><link>{site}</link><description>{escape(feed.description)}</description>"
                   f"<language>{feed.lang}</language>{entries}</channel></rss>")
        return doc.encode("utf-8"), changed

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        now = self.clock()
        if path.startswith("/feeds/") and path.endswith(".xml"):
            feed = self.feeds.get(path[len("/feeds/"):-len(".xml")])
            if feed is None:
                return _send(request, 404, b"no such feed", "text/plain")
            body, changed = self.render(feed, now)
            etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
            if request.headers.get("If-None-Match") == etag:
                return _send(request, 304, b"", "", {"ETag": etag})
            content_type = "application/atom+xml" if feed.format == "atom" else "application/rss+xml"
            return _send(request, 200, body, f"{content_type}; charset=utf-8",
                         {"ETag": etag, "Last-Modified": format_datetime(changed, usegmt=True)})
        host = (request.headers.get("Host") or "").split(":")[0]
        feed = self.feeds.get(host.removesuffix(".localhost"))
        if feed is not None:
            item_id = path.rsplit("/", 1)[-1].removesuffix(".html")
            for item, when in self.visible(feed, now):
                if item.id == item_id:
                    page = (f"<!doctype html><html lang=\"{feed.lang}\"><meta charset=\"utf-8\"><title>"
                            f"{html.escape(item.title)}</title><p><a href=\"/\">{html.escape(feed.title)}</a> · "
                            f"{when:%Y-%m-%d %H:%M} UTC</p><h1>{html.escape(item.title)}</h1><p>"
                            f"{html.escape(item.summary)}</p><p><small>Fictional article written for the Rapid "
                            f"Response demo.</small></p></html>")
                    return _send(request, 200, page.encode(), "text/html; charset=utf-8")
        links = "".join(f'<li><a href="/feeds/{s}.xml">{html.escape(f.title)}</a> ({f.lang})</li>'
                        for s, f in sorted(self.feeds.items()))
        page = f"<!doctype html><meta charset=\"utf-8\"><title>Demo feeds</title><h1>Demo feeds</h1><ul>{links}</ul>"
        return _send(request, 200 if path == "/" else 404, page.encode(), "text/html; charset=utf-8")


def _send(request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
          headers: dict[str, str] | None = None) -> None:
    request.send_response(status)
    if content_type:
        request.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    if body and request.command != "HEAD":
        request.wfile.write(body)
