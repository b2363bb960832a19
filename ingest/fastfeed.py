"""A fast reader for well-formed RSS 2.0, RSS 1.0 and Atom, with feedparser as the fallback for everything else.

feedparser reads anything, but at about 2,000 items/s per core; most feeds are well-formed XML that the C parser
behind ElementTree reads five times faster. `parse_fast` gives the same shape feedparser gives (`feed`, `entries`
with `title`, `summary`, `link`, `id`, `published_parsed`, `language`) or None whenever the document is not plainly
one of the three formats: a DOCTYPE or entity declaration, an XML error, a charset conflict with the HTTP header, an
unknown root. None means "ask feedparser"; the fast path never guesses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # only documents without DOCTYPE/ENTITY reach it (checked below)
from typing import Any

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._-]+)", re.I)
_UTF8 = {"utf-8", "utf8"}


def _date(text: str | None):  # time.struct_time in UTC, as feedparser gives
    if not text:
        return None
    from feedparser.datetimes import _parse_date  # feedparser's own date reader: the same answers as the slow path

    try:
        return _parse_date(text.strip())
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    if len(element):  # Atom xhtml content, or markup left unescaped: its text
        return "".join(element.itertext())
    return element.text or ""


def _media_description(item: ET.Element) -> str:
    found = item.find(f"{MEDIA}description")
    if found is None:
        found = item.find(f"{MEDIA}group/{MEDIA}description")
    return _text(found)


def _charset_ok(body: bytes, content_type: str) -> bool:
    declared = _DECLARED.match(body[:200])
    declared_name = declared.group(1).decode().lower() if declared else "utf-8"
    match = _CHARSET.search(content_type or "")
    if match is None:
        return declared_name in _UTF8 or declared is not None
    return match.group(1).lower() in ({declared_name} | (_UTF8 if declared_name in _UTF8 else set()))


def parse_fast(body: bytes, content_type: str = "") -> dict[str, Any] | None:
    """The feed as feedparser would shape it, or None to let feedparser read it."""
    head = body[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body or not _charset_ok(body, content_type):
        return None
    try:
        root = ET.fromstring(body)  # noqa: S314 - no DOCTYPE, no entity declarations: nothing to expand
    except (ET.ParseError, ValueError, LookupError):
        return None
    parsed = None
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is not None:
            parsed = _rss(channel, channel.findall("item"), "", DC, version="rss20")
    elif root.tag == f"{RDF}RDF":
        channel = root.find(f"{RSS1}channel")
        if channel is not None:
            parsed = _rss(channel, root.findall(f"{RSS1}item"), RSS1, DC, version="rss10")
    elif root.tag == f"{ATOM}feed":
        parsed = _atom(root)
    if parsed is None:
        return None
    # items where this reader does not look for them (outside the channel, say): feedparser finds more
    visible = body.count(b"<item>") + body.count(b"<item ") + body.count(b"<entry>") + body.count(b"<entry ")
    return parsed if len(parsed["entries"]) >= visible else None


def _rss(channel: ET.Element, items: list[ET.Element], ns: str, dc: str, version: str) -> dict[str, Any]:
    feed = {
        "title": _text(channel.find(f"{ns}title")),
        "link": (_text(channel.find(f"{ns}link")) or "").strip(),
        "language": _text(channel.find(f"{ns}language")) or _text(channel.find(f"{dc}language")),
    }
    entries = []
    for item in items:
        summary = _text(item.find(f"{ns}description"))
        content = _text(item.find(f"{CONTENT}encoded"))
        guid = _text(item.find(f"{ns}guid")) or item.get(f"{RDF}about", "")
        published = (_text(item.find(f"{ns}pubDate")) or _text(item.find(f"{dc}date"))
                     or _text(item.find(f"{ns}published")))
        entry: dict[str, Any] = {
            "title": _text(item.find(f"{ns}title")),
            "summary": summary or content or _media_description(item),
            "link": _text(item.find(f"{ns}link")).strip(),
            "id": guid.strip(),
            "published": published,
            "published_parsed": _date(published),
            "language": _text(item.find(f"{dc}language")),
        }
        entries.append(entry)
    return {"feed": feed, "entries": entries, "version": version, "bozo": 0}


def _atom_link(element: ET.Element) -> str:
    fallback = ""
    for link in element.findall(f"{ATOM}link"):
        rel = link.get("rel", "alternate")
        href = (link.get("href") or "").strip()
        if rel == "alternate" and href:
            return href
        fallback = fallback or (href if rel not in ("self", "enclosure", "edit", "replies") else "")
    return fallback


def _atom(root: ET.Element) -> dict[str, Any]:
    feed_lang = root.get(XML_LANG, "")
    feed = {"title": _text(root.find(f"{ATOM}title")), "link": _atom_link(root), "language": feed_lang}
    entries = []
    for item in root.findall(f"{ATOM}entry"):
        title = item.find(f"{ATOM}title")
        published = _text(item.find(f"{ATOM}published")) or _text(item.find(f"{ATOM}updated"))
        lang = (title.get(XML_LANG) if title is not None else None) or item.get(XML_LANG, "") or feed_lang
        entries.append({
            "title": _text(title),
            "summary": (_text(item.find(f"{ATOM}summary")) or _text(item.find(f"{ATOM}content"))
                        or _media_description(item)),
            "link": _atom_link(item),
            "id": _text(item.find(f"{ATOM}id")).strip(),
            "published": published,
            "published_parsed": _date(published),
            "language": lang,
        })
    return {"feed": feed, "entries": entries, "version": "atom10", "bozo": 0}
