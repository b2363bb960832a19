"""The one format of an op-ed's text on the bus: sanitized HTML (`<p>`, lists, quotes, emphasis, links).

Records that carry a body (`OpEdApproved.body`, `TranslationReady.body`) carry it in this format; every page and
email renders it with `to_html` (sanitized again: a record is input) and every plain-text part uses `to_text`.
A body written as plain text (a translator's textarea, an older record) becomes paragraphs at its blank lines, so
the paragraphs survive whichever way a text was typed.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "blockquote", "ul", "ol", "li", "h2", "h3", "a", "q"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_BLOCK = ("p", "blockquote", "ul", "ol", "li", "h2", "h3", "div", "br")
_LOOKS_HTML = re.compile(r"<\s*/?\s*(?:p|br|ul|ol|li|blockquote|h[1-6]|div|strong|em|b|i|u|a|q)\b[^>]*>", re.I)
_PARAGRAPH = re.compile(r"\n\s*\n")
_BLOCK_TAG = re.compile(r"<\s*(?:p|div|ul|ol|li|blockquote|h[1-6]|br)\b", re.I)
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def is_html(body: str) -> bool:
    """Whether a body is written in HTML (it has at least one formatting tag)."""
    return bool(_LOOKS_HTML.search(body or ""))


def sanitize(fragment: str) -> str:
    """HTML with only harmless formatting kept (no scripts, styles, event handlers, images or foreign schemes)."""
    return nh3.clean(fragment or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def from_text(text: str) -> str:
    """Plain text as HTML paragraphs: a blank line starts a paragraph, a single line break stays a line break."""
    paragraphs = [p.strip() for p in _PARAGRAPH.split((text or "").replace("\r\n", "\n")) if p.strip()]
    return "".join("<p>" + "<br>".join(html.escape(line.strip()) for line in p.split("\n")) + "</p>"
                   for p in paragraphs)


def to_html(body: str) -> str:
    """Any body (HTML or plain text) as sanitized HTML, ready to put in a page or an email. Text with only inline
    markup (`<em>`, `<a>`) keeps its blank-line paragraphs."""
    if not is_html(body):
        return from_text(body)
    if _BLOCK_TAG.search(body):
        return sanitize(body)
    paragraphs = [p.strip() for p in _PARAGRAPH.split(body.replace("\r\n", "\n")) if p.strip()]
    return "".join(sanitize("<p>" + "<br>".join(p.split("\n")) + "</p>") for p in paragraphs)


def normalize(body: str) -> str:
    """What to store and publish: sanitized HTML (plain text becomes paragraphs)."""
    return to_html(body)


class _TextWriter(HTMLParser):
    """Collects the text of sanitized HTML, one paragraph per block, links as `text (url)`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.href = ""
        self.link_text: list[str] = []
        self.list_depth = 0

    def _end_block(self) -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self.current)).strip()
        text = re.sub(r" *\n *", "\n", text)
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.current.append("\n")
        elif tag in ("ul", "ol"):
            self._end_block()
            self.list_depth += 1
        elif tag == "li":
            self._end_block()
            self.current.append("- ")
        elif tag in _BLOCK:
            self._end_block()
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.link_text = []
        elif tag == "q":
            self.current.append("“")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self._end_block()
            self.list_depth = max(0, self.list_depth - 1)
        elif tag in _BLOCK and tag != "br":
            self._end_block()
        elif tag == "a":
            shown = "".join(self.link_text).strip()
            if self.href and self.href not in shown:
                self.current.append(f" ({self.href})")
            self.href = ""
        elif tag == "q":
            self.current.append("”")

    def handle_data(self, data: str) -> None:
        self.current.append(data.replace("\n", " "))
        if self.href:
            self.link_text.append(data)

    def text(self) -> str:
        self._end_block()
        return "\n\n".join(self.blocks)


def to_text(body: str) -> str:
    """Any body as plain text: paragraphs separated by a blank line, no tags, entities decoded."""
    writer = _TextWriter()
    writer.feed(to_html(body))
    writer.close()
    return writer.text()


def paragraphs(body: str) -> list[str]:
    """The plain-text paragraphs of a body."""
    return [p for p in to_text(body).split("\n\n") if p.strip()]


def word_count(body: str) -> int:
    """Words in a body, tags not counted (letters of any script; a hyphenated word counts once)."""
    return len(_WORD.findall(to_text(body)))
