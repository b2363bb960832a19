"""ingest/'s use cases on the store: keep the feed registry, take a polled feed in, record how polling went.

Each function takes its session (the caller owns the transaction) and the clock. Articles and rejected items leave
through the outbox in the same transaction as the rows that remember them, so a crash can neither lose an article
nor publish one twice.
"""

from __future__ import annotations

import base64
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from bus.catalog import spec as topic_spec
from bus.publisher import record_key
from bus.records import ArticleIngested, MessageRejected, utcnow
from db.outbox import add_to_outbox
from db.tables import OutboxMessage

from .dedupe import NearDuplicateIndex
from .fingerprint import fingerprint, sketch_from_bytes, sketch_to_bytes
from .model import (
    Article,
    FeedInfo,
    FeedUnreadable,
    FetchResult,
    ReadFeed,
    RejectedItem,
    language_code,
    read_feed,
    safe_excerpt,
)
from .polling import next_poll_delay
from .tables import Feed, SeenArticle
from .urls import canonical_url

log = structlog.get_logger(__name__)

MIN_INTERVAL_S = 10
MAX_INTERVAL_S = 24 * 3600


class FeedError(ValueError):
    """A feed registry change that cannot be made; the message is shown to the operator as it is."""


# --------------------------------------------------------------------------------------------------- registry


@dataclass
class FeedSpec:
    """A feed as an operator describes it (a file entry or a console form)."""

    url: str
    name: str = ""
    lang: str = ""
    country: str = ""
    outlet: str = ""
    interval_s: int = 600
    enabled: bool = True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> FeedSpec:
        """A spec from a TOML table or a form; raises `FeedError` naming what is wrong."""
        merged = {**(defaults or {}), **data}
        unknown = set(merged) - {"url", "name", "lang", "country", "outlet", "interval_s", "interval", "enabled"}
        if unknown:
            raise FeedError(f"unknown field(s) {', '.join(sorted(unknown))}")
        interval = merged.get("interval_s", merged.get("interval", 600))
        try:
            interval = int(interval)
        except (TypeError, ValueError):
            raise FeedError(f"interval must be a number of seconds, not {interval!r}") from None
        enabled = merged.get("enabled", True)
        if isinstance(enabled, str):
            enabled = enabled.strip().lower() in ("1", "true", "yes", "on")
        return cls(url=str(merged.get("url") or ""), name=str(merged.get("name") or ""),
                   lang=str(merged.get("lang") or ""), country=str(merged.get("country") or ""),
                   outlet=str(merged.get("outlet") or ""), interval_s=interval, enabled=bool(enabled))

    def validated(self) -> FeedSpec:
        """The spec with its URL checked and its fields trimmed; raises `FeedError`."""
        url = self.url.strip()
        if not canonical_url(url):
            raise FeedError(f"{url!r} is not an http(s) URL")
        if len(url) > 2000:
            raise FeedError("the URL is longer than 2,000 characters")
        if not MIN_INTERVAL_S <= self.interval_s <= MAX_INTERVAL_S:
            raise FeedError(f"interval must be between {MIN_INTERVAL_S} s and {MAX_INTERVAL_S} s")
        lang = self.lang.strip()
        if lang and not language_code(lang):
            raise FeedError(f"{lang!r} is not a language code (e.g. en, fr, ar)")
        return FeedSpec(url=url, name=self.name.strip()[:300], lang=language_code(lang),
                        country=self.country.strip()[:80], outlet=self.outlet.strip()[:300],
                        interval_s=self.interval_s, enabled=self.enabled)


@dataclass
class RegistryReport:
    """What loading a feed file did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.errors)} refused")


def read_feed_file(path: Path, substitutions: Mapping[str, str] | None = None) -> tuple[list[FeedSpec], list[str]]:
    """The feeds listed in a TOML file (`[defaults]` and `[[feed]]` tables), and one error line per bad entry.
    `{name}` placeholders in URLs are filled from `substitutions` (e.g. `{demo}` for the demo feed server)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FeedError(f"feed file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedError(f"feed file {path} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise FeedError(f"feed file {path} is not valid TOML: {exc}") from None
    defaults = data.get("defaults") or {}
    specs, errors = [], []
    for number, entry in enumerate(data.get("feed") or [], start=1):
        try:
            if not isinstance(entry, dict):
                raise FeedError("not a table")
            entry = dict(entry)
            if substitutions and isinstance(entry.get("url"), str):
                for name, value in substitutions.items():
                    entry["url"] = entry["url"].replace("{" + name + "}", value)
            specs.append(FeedSpec.from_mapping(entry, defaults).validated())
        except FeedError as exc:
            errors.append(f"{path}: feed {number}: {exc}")
    return specs, errors


def register_feeds(session: Session, specs: Iterable[FeedSpec], now: datetime, *, origin: str = "file",
                   update: bool = False) -> RegistryReport:
    """Add the feeds not yet registered; with `update`, also overwrite registered ones with the given fields
    (by default what an operator changed in the console survives a restart)."""
    report = RegistryReport()
    for spec in specs:
        existing = session.scalar(select(Feed).where(Feed.url == spec.url))
        if existing is None:
            session.add(Feed(url=spec.url, name=spec.name, lang=spec.lang, country=spec.country, outlet=spec.outlet,
                             interval_s=spec.interval_s, enabled=spec.enabled, origin=origin, created_at=now,
                             updated_at=now))
            report.added.append(spec.url)
        elif update and _apply(existing, spec, now):
            report.updated.append(spec.url)
        else:
            report.unchanged.append(spec.url)
    session.flush()
    return report


def _apply(feed: Feed, spec: FeedSpec, now: datetime) -> bool:
    changed = False
    for name in ("url", "name", "lang", "country", "outlet", "interval_s", "enabled"):
        value = getattr(spec, name)
        if getattr(feed, name) != value:
            setattr(feed, name, value)
            changed = True
    if changed:
        feed.updated_at = now
    return changed


def add_feed(session: Session, spec: FeedSpec, now: datetime) -> Feed:
    """Register one feed from the console; raises `FeedError` if it is invalid or already registered."""
    spec = spec.validated()
    if session.scalar(select(Feed.id).where(Feed.url == spec.url)) is not None:
        raise FeedError(f"{spec.url} is already registered")
    feed = Feed(url=spec.url, name=spec.name, lang=spec.lang, country=spec.country, outlet=spec.outlet,
                interval_s=spec.interval_s, enabled=spec.enabled, origin="console", created_at=now, updated_at=now,
                next_poll_at=now)
    session.add(feed)
    session.flush()
    return feed


def update_feed(session: Session, feed_id: int, spec: FeedSpec, now: datetime) -> Feed:
    """Change a feed's description from the console; a changed URL starts its conditional GET afresh."""
    feed = _get(session, feed_id)
    spec = spec.validated()
    if spec.url != feed.url:
        if session.scalar(select(Feed.id).where(Feed.url == spec.url, Feed.id != feed_id)) is not None:
            raise FeedError(f"{spec.url} is already registered")
        feed.etag, feed.last_modified = "", ""
        feed.next_poll_at = now
    _apply(feed, spec, now)
    sooner = now + timedelta(seconds=feed.interval_s)
    if feed.enabled and (feed.next_poll_at is None or feed.next_poll_at > sooner):  # a shorter interval applies now
        feed.next_poll_at = sooner
    return feed


def set_feed_enabled(session: Session, feed_id: int, enabled: bool, now: datetime) -> Feed:
    """Pause or resume a feed; resuming polls it at once and forgets its failures."""
    feed = _get(session, feed_id)
    feed.enabled = enabled
    feed.updated_at = now
    if enabled:
        feed.consecutive_failures = 0
        feed.next_poll_at = now
    return feed


def poll_feed_now(session: Session, feed_id: int, now: datetime) -> Feed:
    """Ask the worker to poll a feed at its next registry check (within seconds)."""
    feed = _get(session, feed_id)
    feed.next_poll_at = now
    return feed


def remove_feed(session: Session, feed_id: int) -> None:
    """Forget a feed (the articles it brought stay known, so they are never published again)."""
    session.delete(_get(session, feed_id))


def _get(session: Session, feed_id: int) -> Feed:
    feed = session.get(Feed, feed_id)
    if feed is None:
        raise FeedError(f"there is no feed {feed_id}")
    return feed


def feed_info(feed: Feed) -> FeedInfo:
    """What normalization needs to know about a registered feed."""
    return FeedInfo(feed_id=str(feed.id), url=feed.url, name=feed.name, lang=feed.lang, country=feed.country,
                    outlet=feed.outlet)


# --------------------------------------------------------------------------------------------------- articles


@dataclass
class Stored:
    """What storing a batch of articles did."""

    published: list[ArticleIngested] = field(default_factory=list)
    duplicates: int = 0
    near_duplicates: int = 0


def load_index(session: Session, index: NearDuplicateIndex, now: datetime) -> int:
    """Fill the near-duplicate index with the originals first seen within its window (at worker start)."""
    rows = session.execute(
        select(SeenArticle.article_id, SeenArticle.sketch, SeenArticle.first_seen_at)
        .where(SeenArticle.first_seen_at >= now - index.window, SeenArticle.near_duplicate_of == "",
               SeenArticle.sketch.is_not(None))
        .order_by(SeenArticle.first_seen_at)
    ).all()
    for article_id, sketch, seen_at in rows:
        index.add(article_id, sketch_from_bytes(sketch), seen_at)
    return len(rows)


def _known(session: Session, articles: list[Article]) -> tuple[set[str], set[str], set[str]]:
    ids = {a.article_id for a in articles}
    urls = {a.url_key for a in articles if a.url_key}
    guids = {a.guid_key for a in articles if a.guid_key}
    found_ids: set[str] = set()
    found_urls: set[str] = set()
    found_guids: set[str] = set()
    ids_l, urls_l, guids_l = list(ids), list(urls), list(guids)
    for start in range(0, max(len(ids_l), len(urls_l), len(guids_l)), 300):
        clauses = [SeenArticle.article_id.in_(ids_l[start:start + 300])]
        if urls_l[start:start + 300]:
            clauses.append(SeenArticle.url_key.in_(urls_l[start:start + 300]))
        if guids_l[start:start + 300]:
            clauses.append(SeenArticle.guid_key.in_(guids_l[start:start + 300]))
        for aid, ukey, gkey in session.execute(
            select(SeenArticle.article_id, SeenArticle.url_key, SeenArticle.guid_key).where(or_(*clauses))
        ):
            found_ids.add(aid)
            found_urls.add(ukey)
            found_guids.add(gkey)
    found_urls.discard("")
    found_guids.discard("")
    return found_ids, found_urls, found_guids


def store_articles(session: Session, articles: list[Article], index: NearDuplicateIndex, now: datetime,
                   feed_pk: int | None = None) -> Stored:
    """Remember the articles never seen before (by id, canonical URL or GUID) and queue one `ArticleIngested`
    each; a near-duplicate is published with `near_duplicate_of` naming the first copy. The index learns the new
    originals at once: if the transaction fails, call `index.forget` with the published ids."""
    stored = Stored()
    if not articles:
        return stored
    ids, urls, guids = _known(session, articles)
    seen: list[dict[str, Any]] = []
    for article in articles:
        if (article.article_id in ids or (article.url_key and article.url_key in urls)
                or (article.guid_key and article.guid_key in guids)):
            stored.duplicates += 1
            continue
        ids.add(article.article_id)
        if article.url_key:
            urls.add(article.url_key)
        if article.guid_key:
            guids.add(article.guid_key)
        sketch = fingerprint(article.title, article.summary)
        original = index.match(sketch, now) if sketch is not None else ""
        if original:
            stored.near_duplicates += 1
        elif sketch is not None:
            index.add(article.article_id, sketch, now)
        seen.append({
            "article_id": article.article_id, "url_key": article.url_key, "guid_key": article.guid_key,
            "feed_id": feed_pk, "url": article.url, "title": article.title, "lang": article.lang,
            "source": article.source, "published": article.published, "first_seen_at": now,
            "near_duplicate_of": original,
            "sketch": sketch_to_bytes(sketch) if sketch is not None and not original else None,
        })
        record = ArticleIngested(
            article_id=article.article_id, url=article.url, title=article.title, summary=article.summary,
            published=article.published, lang=article.lang, source=article.source, outlet=article.outlet,
            feed_id=article.feed_id, country=article.country, guid=article.guid, near_duplicate_of=original,
        )
        stored.published.append(record)
    if seen:  # multi-row INSERTs: the ORM inserts outbox rows one at a time, which costs more than all the rest
        session.execute(insert(SeenArticle), seen)
        add_many_to_outbox(session, "articles.ingested", stored.published)
    return stored


def add_many_to_outbox(session: Session, topic: str, records: list) -> None:
    """`db.outbox.add_to_outbox` for many records of one topic in one multi-row INSERT (the same rows)."""
    entry = topic_spec(topic)
    now = utcnow()
    rows = []
    for record in records:
        if not isinstance(record, entry.record):
            raise TypeError(f"topic {topic} carries {entry.record.__name__}, not {type(record).__name__}")
        rows.append({"topic": topic, "key": record_key(entry, record), "message_id": record.message_id,
                     "payload": record.to_json(), "created_at": now, "attempts": 0})
    session.execute(insert(OutboxMessage), rows)


def rejected_record(source: str, reason: str, raw: bytes, *, error_type: str, offset: int) -> MessageRejected:
    """A `MessageRejected` for something read from a feed (not from a topic): `source_topic` is `feed:<url>`."""
    return MessageRejected(source_topic=source, partition=-1, offset=offset, consumer="ingest", reason=reason[:2000],
                           error_type=error_type, raw_b64=base64.b64encode(raw[:262144]).decode("ascii"))


# --------------------------------------------------------------------------------------------------- polls


@dataclass
class PollReport:
    """What one poll of one feed did, for the log and the tests."""

    feed_id: int
    outcome: str  # "ok", "not_modified", "failed", "gone"
    published: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    rejected: int = 0
    reason: str = ""
    next_poll_at: datetime | None = None
    records: list[ArticleIngested] = field(default_factory=list)


def take_in_poll(session: Session, feed_id: int, fetched: FetchResult, index: NearDuplicateIndex, now: datetime, *,
                 jitter: float = 0.1, max_backoff_s: float = 6 * 3600) -> PollReport:
    """Record one poll of a feed: its new articles (through the outbox), its refused items and its health."""
    feed = session.get(Feed, feed_id)
    if feed is None:
        return PollReport(feed_id, "gone", reason="the feed was removed")
    feed.polls += 1
    feed.last_polled_at = now
    feed.last_status = fetched.http_status
    source = f"feed:{feed.url}"
    if fetched.status == "not_modified":
        return _succeeded(feed, PollReport(feed_id, "not_modified"), now, jitter, max_backoff_s)
    if fetched.status == "ok":
        try:
            read = read_feed(fetched.body, feed_info(feed), now, fetched.content_type)
        except FeedUnreadable as exc:
            return _failed(session, feed, str(exc), fetched.body, "FeedUnreadable", now, jitter, max_backoff_s, None)
        report = PollReport(feed_id, "ok")
        _take_items(session, feed, read, index, now, report, source)
        if fetched.etag or fetched.last_modified or fetched.http_status == 200:
            feed.etag, feed.last_modified = fetched.etag[:500], fetched.last_modified[:100]
        feed.last_note = " ".join(filter(None, [read.note, fetched.reason]))  # e.g. "(redirected to ...)"
        return _succeeded(feed, report, now, jitter, max_backoff_s)
    return _failed(session, feed, fetched.reason or "fetch failed", fetched.body, "FeedFetchFailed", now, jitter,
                   max_backoff_s, fetched.retry_after_s)


def _take_items(session: Session, feed: Feed, read: ReadFeed, index: NearDuplicateIndex, now: datetime,
                report: PollReport, source: str) -> None:
    stored = store_articles(session, read.articles, index, now, feed_pk=feed.id)
    report.published, report.records = len(stored.published), stored.published
    report.duplicates, report.near_duplicates = stored.duplicates, stored.near_duplicates
    for item in read.rejected:
        if _reject_item(session, source, item):
            report.rejected += 1
    feed.items_seen += report.published
    feed.items_rejected += report.rejected


def _reject_item(session: Session, source: str, item: RejectedItem) -> bool:
    """Queue a refused item once: the same bad item in the next poll is not reported again. Its identity is the
    feed and its bytes (offset -1: its position moves as the feed grows; the reason names the position)."""
    record = rejected_record(source, item.reason, item.raw, error_type="ItemRejected", offset=-1)
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == record.message_id).limit(1)):
        return False
    add_to_outbox(session, "rejected", record)
    return True


def _succeeded(feed: Feed, report: PollReport, now: datetime, jitter: float, max_backoff_s: float) -> PollReport:
    feed.last_success_at = now
    feed.consecutive_failures = 0
    delay = next_poll_delay(feed.interval_s, 0, jitter=jitter, max_backoff_s=max_backoff_s)
    feed.next_poll_at = report.next_poll_at = now + timedelta(seconds=delay)
    return report


def _failed(session: Session, feed: Feed, reason: str, raw: bytes, error_type: str, now: datetime, jitter: float,
            max_backoff_s: float, retry_after_s: float | None) -> PollReport:
    feed.last_error_at = now
    feed.last_error = reason[:2000]
    feed.consecutive_failures += 1
    delay = next_poll_delay(feed.interval_s, feed.consecutive_failures, jitter=jitter, max_backoff_s=max_backoff_s,
                            retry_after_s=retry_after_s)
    feed.next_poll_at = now + timedelta(seconds=delay)
    # one record per failed poll; the offset (milliseconds of the poll) keeps their message ids apart
    # only a short printable excerpt of what the server said: a failed poll must not carry a page of secrets
    add_to_outbox(session, "rejected", rejected_record(f"feed:{feed.url}", reason, safe_excerpt(raw),
                                                       error_type=error_type,
                                                       offset=int(now.timestamp() * 1000)))
    return PollReport(feed.id, "failed", reason=reason, next_poll_at=feed.next_poll_at)


def record_internal_failure(session: Session, feed_id: int, reason: str, now: datetime,
                            max_backoff_s: float = 6 * 3600) -> datetime | None:
    """A poll that broke inside the engine (a bug, the store down and back): shown on the feed, retried later."""
    feed = session.get(Feed, feed_id)
    if feed is None:
        return None
    return _failed(session, feed, reason, b"", "InternalError", now, 0.1, max_backoff_s, None).next_poll_at


def prune_seen(session: Session, before: datetime, batch: int = 10_000) -> int:
    """Forget articles first seen before `before` (exact de-duplication needs months, not years); returns how many
    rows went. Deletes in batches so that a large backlog never holds a long lock."""
    from sqlalchemy import delete

    ids = list(session.scalars(select(SeenArticle.article_id).where(SeenArticle.first_seen_at < before)
                               .limit(batch)))
    if ids:
        session.execute(delete(SeenArticle).where(SeenArticle.article_id.in_(ids)))
    return len(ids)
