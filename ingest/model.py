"""ingest/'s pure domain: from whatever a feed gives to a clean, identified article.

Values in, values out: no I/O, the clock is passed in. `normalize_entry` turns one feedparser entry into an
`Article` (or raises `ItemRejected` with a reason an operator can read). Its neighbours, pure too: `ingest/urls.py`
(canonical URLs), `ingest/fingerprint.py` (the MinHash used to find the same wire story on several sites),
`ingest/polling.py` (when a feed is polled again).
"""

from __future__ import annotations

import hashlib
import html
import re
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bus.records import deterministic_id

from .urls import canonical_url, site_of

MAX_TITLE = 500
MAX_SUMMARY = 2000
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


class ItemRejected(ValueError):
    """An item that cannot become an article; the message says why, for the operator."""


@dataclass(frozen=True)
class FeedInfo:
    """What the registry knows about the feed an item comes from."""

    feed_id: str
    url: str = ""
    name: str = ""
    lang: str = ""
    country: str = ""
    outlet: str = ""


@dataclass(frozen=True)
class Article:
    """A normalized article, before de-duplication."""

    article_id: str
    url: str
    title: str
    summary: str
    published: datetime
    published_known: bool
    lang: str
    source: str
    outlet: str
    feed_id: str
    country: str
    guid: str
    guid_key: str = ""
    url_key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------- text

_DROP_BLOCKS = re.compile(
    r"<(script|style|noscript|iframe|object|template|svg|head)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<!\[CDATA\[|\]\]>",
    re.I | re.S,
)
_UNCLOSED_BLOCK = re.compile(r"<(script|style|noscript|iframe|template)\b.*\Z", re.I | re.S)
_BREAKS = re.compile(r"<\s*(br|/p|p|/div|div|li|/li|h[1-6]|/h[1-6]|tr|/tr)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\ufeff\ufffe\uffff]")
_SPACE = re.compile(r"\s+")


def clean_text(value: Any, limit: int = MAX_SUMMARY) -> str:
    """Plain text from HTML or text: scripts and styles dropped with their content, tags removed, entities decoded
    (also when a feed escaped them twice), control characters removed, whitespace folded, at most `limit` chars."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit * 20:
        text = text[: limit * 20]
    for _ in range(2):  # twice: some feeds escape their HTML once more (&lt;p&gt;)
        if "<" in text:
            text = _DROP_BLOCKS.sub(" ", text)
            text = _UNCLOSED_BLOCK.sub(" ", text)
            text = _BREAKS.sub(" ", text)
            text = _TAG.sub("", text)
        if "&" not in text:
            break
        text = html.unescape(text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > limit * 0.6 else limit].rstrip() + "…"
    return text


# --------------------------------------------------------------------------------------------------- dates

_DATE_FIELDS = ("published", "updated", "created", "dc_date", "date", "pubdate", "issued", "modified")


def _from_struct(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time | tuple) or len(value) < 6:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        return None


def parse_date_text(text: str, lang: str = "") -> datetime | None:
    """A date written in words in any of the languages dateparser knows (e.g. `lun, 24 set 2018 10:05:00 +0200`),
    in UTC; None if it is not a date."""
    text = (text or "").strip()
    if not text or len(text) > 100:
        return None
    import dateparser  # slow to import; only needed when feedparser could not read the date

    languages = [lang] if lang and len(lang) == 2 else None
    settings = {"TIMEZONE": "UTC", "TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DAY_OF_MONTH": "first"}
    try:
        found = dateparser.parse(text, languages=languages, settings=settings)
        if found is None and languages:
            found = dateparser.parse(text, settings=settings)
    except Exception:  # dateparser raises many kinds of errors on odd strings; a wrong date is no date
        return None
    if found is None:
        return None
    return found.astimezone(UTC) if found.tzinfo else found.replace(tzinfo=UTC)


def published_at(entry: Mapping[str, Any], now: datetime, lang: str = "") -> tuple[datetime, bool]:
    """When the item was published, in UTC, and whether the feed said so: feedparser's parsed dates first, then
    the date text read by dateparser (localized month names), else `now` (first seen). Dates far in the future or
    before 1990 are not believed."""
    candidates: list[datetime] = []
    # plain dict.get: feedparser's own .get maps missing `updated_*` to `published_*` with a DeprecationWarning
    get = dict.get if isinstance(entry, dict) else type(entry).get
    for name in _DATE_FIELDS:
        parsed = _from_struct(get(entry, f"{name}_parsed"))
        if parsed is not None:
            candidates.append(parsed)
            break
    if not candidates:
        for name in _DATE_FIELDS:
            raw = get(entry, name)
            if isinstance(raw, str) and raw.strip():
                parsed = parse_date_text(raw, lang)
                if parsed is not None:
                    candidates.append(parsed)
                    break
    for value in candidates:
        if EARLIEST <= value <= now + timedelta(hours=26):
            return min(value, now), True
    return now, False


# --------------------------------------------------------------------------------------------------- language

_LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}(?=$|[-_])")


def language_code(tag: Any) -> str:
    """`en-US`, `fr_FR`, `AR` -> `en`, `fr`, `ar`; "" when it does not look like a language tag."""
    if not isinstance(tag, str):
        return ""
    match = _LANG_TAG.match(tag.strip())
    return match.group(0).lower() if match else ""


_identifier = None


def detect_language(text: str) -> str:
    """The language of a text by py3langid, or "" when the text is too short to tell."""
    global _identifier
    letters = sum(ch.isalpha() for ch in text[:400])
    if letters < 12:
        return ""
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _identifier.classify(text[:1000])
    return lang if prob >= 0.5 else ""


def _entry_language(entry: Mapping[str, Any]) -> str:
    for name in ("title_detail", "summary_detail"):
        detail = entry.get(name)
        if isinstance(detail, Mapping):
            code = language_code(detail.get("language"))
            if code:
                return code
    return language_code(entry.get("language") or entry.get("dc_language"))


# --------------------------------------------------------------------------------------------------- ids


def key_of(text: str) -> str:
    """A short, fixed-length key for an index (URLs and GUIDs can be longer than an index allows)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


def guid_key(guid: str, feed_id: str) -> str:
    """The de-duplication key of a GUID: global when it is a URL or a URN (it names the article everywhere),
    scoped to the feed otherwise (`1234` in two feeds are two articles)."""
    if not guid:
        return ""
    if ":" in guid and len(guid) > 8:
        return key_of("guid:" + guid)
    return key_of(f"guid:{feed_id}:{guid}")


def article_id_for(url: str, guid: str, feed_id: str, title: str, summary: str) -> str:
    """A deterministic article id: from the canonical URL (the same article in two feeds gets one id), else the
    GUID, else the text itself."""
    if url:
        return deterministic_id("article", url)
    if guid:
        return deterministic_id("article-guid", guid_key(guid, feed_id))
    return deterministic_id("article-text", feed_id, title, summary)


# --------------------------------------------------------------------------------------------------- items


def _text_field(entry: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = entry.get(name)
        if isinstance(value, list):
            value = " ".join(str(v.get("value", "")) if isinstance(v, Mapping) else str(v) for v in value[:3])
        if value:
            return str(value)
    return ""


def _entry_link(entry: Mapping[str, Any]) -> str:
    link = entry.get("link")
    if isinstance(link, str) and link.strip():
        return link
    for item in entry.get("links") or []:
        if isinstance(item, Mapping) and item.get("href") and item.get("rel", "alternate") == "alternate":
            return str(item["href"])
    guid = entry.get("id")
    if isinstance(guid, str) and guid.startswith(("http://", "https://")):
        return guid
    return ""


def normalize_entry(entry: Mapping[str, Any], feed: FeedInfo, now: datetime, *,
                    channel: Mapping[str, Any] | None = None, base_url: str = "") -> Article:
    """One feedparser entry -> an `Article`; raises `ItemRejected` when the item has neither a title, a summary
    nor a link to name it."""
    channel = channel or {}
    title = clean_text(_text_field(entry, "title"), MAX_TITLE)
    summary = clean_text(_text_field(entry, "summary", "description", "content", "subtitle"), MAX_SUMMARY)
    raw_link = _entry_link(entry)
    url = canonical_url(raw_link, base_url or feed.url)
    guid = entry.get("id") or entry.get("guid") or ""
    guid = clean_text(guid, 1000) if isinstance(guid, str) else ""
    if not title and not summary:
        raise ItemRejected("item has neither a title nor a summary" + (f" (link {url})" if url else ""))
    if not title:  # a summary alone still names the article: its first words become the title
        title = clean_text(summary, 120)
    if summary == title:
        summary = ""
    lang = (_entry_language(entry) or language_code(feed.lang) or language_code(channel.get("language"))
            or detect_language(f"{title}. {summary}"))
    published, known = published_at(entry, now, lang)
    outlet = feed.outlet or feed.name or clean_text(channel.get("title"), 200) or site_of(url or feed.url)
    source = site_of(url) or site_of(feed.url)
    return Article(
        article_id=article_id_for(url, guid, feed.feed_id, title, summary),
        url=url,
        title=title,
        summary=summary,
        published=published,
        published_known=known,
        lang=lang,
        source=source,
        outlet=outlet,
        feed_id=feed.feed_id,
        country=feed.country,
        guid=guid,
        guid_key=guid_key(guid, feed.feed_id),
        url_key=key_of(url) if url else "",
    )


# --------------------------------------------------------------------------------------------------- feeds


class FeedUnreadable(ValueError):
    """Bytes that are not a feed we can read; the message says why, for the operator."""


@dataclass(frozen=True)
class RejectedItem:
    """An item of a readable feed that could not become an article."""

    index: int
    reason: str
    raw: bytes


@dataclass(frozen=True)
class ReadFeed:
    """What one feed document gave: its articles, the items refused, and a note when the XML was not clean."""

    articles: list[Article]
    rejected: list[RejectedItem]
    title: str = ""
    note: str = ""
    entries: int = 0


def _raw_entry(entry: Mapping[str, Any]) -> bytes:
    import json

    try:
        return json.dumps(entry, default=str, ensure_ascii=False)[:65536].encode("utf-8", "replace")
    except (TypeError, ValueError, RecursionError):
        return repr(entry)[:65536].encode("utf-8", "replace")


def parse_feed(body: bytes, content_type: str = ""):  # feedparser's FeedParserDict
    """The feed in feedparser's shape: by the fast reader when the XML is plainly RSS or Atom, else by feedparser
    on the bytes already fetched (it is never let near the network or the file system)."""
    import io

    import feedparser

    from .fastfeed import parse_fast

    fast = parse_fast(body, content_type)
    if fast is not None:
        return fast
    headers = {"content-type": content_type} if content_type else {}
    # a stream, never a str: feedparser would take a str for a URL or a file name
    return feedparser.parse(io.BytesIO(body), response_headers=headers, resolve_relative_uris=False,
                            sanitize_html=False)


def read_feed(body: bytes, feed: FeedInfo, now: datetime, content_type: str = "") -> ReadFeed:
    """Bytes of a feed -> normalized articles and refused items; raises `FeedUnreadable` for what is no feed."""
    if not body or not body.strip():
        raise FeedUnreadable("empty response: no feed in it")
    try:
        parsed = parse_feed(body, content_type)
    except Exception as exc:  # feedparser's own bugs on hostile input must not stop the poller
        raise FeedUnreadable(f"the feed parser failed: {type(exc).__name__}: {exc}"[:500]) from None
    entries = list(parsed.get("entries") or [])
    channel = parsed.get("feed") or {}
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries and (problem is not None or not parsed.get("version")):
        head = body[:200].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise FeedUnreadable("this is a web page (HTML), not an RSS or Atom feed")
        detail = f": {type(problem).__name__}: {problem}" if problem is not None else ""
        raise FeedUnreadable(f"no RSS or Atom feed could be read{detail}"[:500])
    note = f"feed is not well-formed ({type(problem).__name__}: {problem}); items read anyway"[:500] if problem else ""
    base = ""
    if isinstance(channel, Mapping):
        base = channel.get("link") if isinstance(channel.get("link"), str) else ""
    articles: list[Article] = []
    rejected: list[RejectedItem] = []
    for index, entry in enumerate(entries):
        try:
            articles.append(normalize_entry(entry, feed, now, channel=channel, base_url=feed.url or base))
        except ItemRejected as exc:
            rejected.append(RejectedItem(index, f"item {index + 1}: {exc}", _raw_entry(entry)))
        except Exception as exc:  # an item we cannot read is kept as rejected; the others go on
            rejected.append(RejectedItem(index, f"item {index + 1}: cannot be normalized ({type(exc).__name__}: "
                                                f"{exc})"[:500], _raw_entry(entry)))
    title = clean_text(channel.get("title"), 300) if isinstance(channel, Mapping) else ""
    return ReadFeed(articles, rejected, title=title, note=note, entries=len(entries))


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch: bytes and validators, or the reason it failed (read by people)."""

    status: str  # "ok", "not_modified", "error"
    body: bytes = b""
    http_status: int = 0
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    reason: str = ""
    retry_after_s: float | None = None
    final_url: str = ""


def safe_excerpt(body: bytes, limit: int = 200) -> bytes:
    """What may be kept of a failed fetch's body (on `rejected`, in the console): its first `limit` printable
    characters, whitespace runs collapsed, control characters dropped; never the whole answer of a server."""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    printable = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(printable.split())[:limit].encode("utf-8")
