"""Pure translation logic: sentence-boundary chunking, reassembly, protected names, and the checks that keep
untranslated or invented text from passing as a translation. Values in, values out; no I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from bus.languages import LANGUAGE_NAMES, RTL_LANGUAGES, language_label, language_name, text_dir

__all__ = ["LANGUAGE_NAMES", "RTL_LANGUAGES", "language_label", "language_name", "text_dir"]

#: Status of one language of one op-ed, in the order a language usually moves through them.
QUEUED = "queued"  # waiting for the worker
TRANSLATING = "translating"  # a backend is working on it
REVIEW = "review"  # a machine draft waits for a reader of that language to correct and approve it
AWAITING_HUMAN = "awaiting_human"  # no machine translation: a human translator writes it in the console
DRAFTED = "drafted"  # a translator saved a translation: it waits for approval
APPROVED = "approved"  # released as `TranslationReady`
ORIGINAL = "original"  # the op-ed's own language, approved with the op-ed
STATUSES = (QUEUED, TRANSLATING, REVIEW, AWAITING_HUMAN, DRAFTED, APPROVED, ORIGINAL)
#: Statuses in which a translator may still write or correct the text.
EDITABLE = (REVIEW, AWAITING_HUMAN, DRAFTED)
STATUS_LABELS = {
    QUEUED: "queued",
    TRANSLATING: "translating",
    REVIEW: "machine draft: needs review",
    AWAITING_HUMAN: "awaiting human translation",
    DRAFTED: "translation saved: waiting for approval",
    APPROVED: "approved",
    ORIGINAL: "original (approved with the op-ed)",
}


# A sentence ends with . ! ? (or their CJK/Arabic forms), maybe followed by closing quotes or brackets, then space.
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f\u061f\u0964])[\"'\u00bb\u201d\u2019)\]]*\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")
_PLACEHOLDER = re.compile(r"\u27e6(\d+)\u27e7")
# Quoted spans: “…”, "…", «…», 《…》, „…“
_QUOTED = re.compile(r"(\u201c[^\u201d\n]{2,120}\u201d|\"[^\"\n]{2,120}\"|\u00ab[^\u00bb\n]{2,120}\u00bb|"
                     r"\u300a[^\u300b\n]{2,120}\u300b|\u201e[^\u201c\n]{2,120}\u201c)")
_SMALL_WORDS = frozenset(["a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to",
                          "with", "vs", "de", "du", "la", "le", "les", "et"])


def text_hash(text: str) -> str:
    """A stable hash of a chunk, for the cache key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, each with its end punctuation, whitespace trimmed."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph.strip()) if s.strip()]


def split_paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of a text (separated by a blank line)."""
    return [p.strip() for p in _PARAGRAPH.split(text.replace("\r\n", "\n")) if p.strip()]


def _split_long(sentence: str, limit: int) -> list[tuple[str, bool]]:
    """A sentence longer than `limit`, cut at word boundaries (and mid-word only for a word longer than `limit`).

    Each piece comes with `glued`: True when it continues the previous piece mid-word (no space between them).
    """
    pieces: list[tuple[str, bool]] = []
    current, current_glued = "", False
    for word in sentence.split(" "):
        glued = False
        while len(word) > limit:
            if current:
                pieces.append((current, current_glued))
                current, current_glued = "", False
            pieces.append((word[:limit], glued))
            word, glued = word[limit:], True
        if glued:  # the rest of a word cut mid-word starts a piece of its own, glued to the one before
            if current:
                pieces.append((current, current_glued))
            current, current_glued = word, True
            continue
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append((current, current_glued))
            current, current_glued = word, False
    if current:
        pieces.append((current, current_glued))
    return pieces


@dataclass(frozen=True)
class Chunk:
    """A piece of text sent to a translator in one request; `paragraph` says where it goes back."""

    paragraph: int
    index: int
    text: str
    glued: bool = False  # continues the previous chunk mid-word (a word longer than the limit): no space between


def chunk_text(text: str, limit: int) -> list[Chunk]:
    """Split a text into chunks of at most `limit` characters at sentence boundaries, never across paragraphs."""
    if limit < 20:
        raise ValueError("a chunk limit under 20 characters cannot hold a sentence")
    chunks: list[Chunk] = []
    for p, paragraph in enumerate(split_paragraphs(text)):
        current, current_glued = "", False
        index = 0
        sentences: list[tuple[str, bool]] = []
        for sentence in split_sentences(paragraph):
            sentences.extend(_split_long(sentence, limit) if len(sentence) > limit else [(sentence, False)])
        for sentence, glued in sentences:
            candidate = f"{current} {sentence}" if current else sentence
            if not glued and len(candidate) <= limit:
                current = candidate
                continue
            if current:
                chunks.append(Chunk(p, index, current, current_glued))
                index += 1
            current, current_glued = sentence, glued
        if current:
            chunks.append(Chunk(p, index, current, current_glued))
    return chunks


def reassemble(chunks: list[Chunk], translated: list[str], target: str) -> str:
    """Put translated chunks back in order: chunks of a paragraph joined by a space, paragraphs by a blank line."""
    if len(chunks) != len(translated):
        raise ValueError("every chunk needs exactly one translation")
    joiner = "" if target in ("zh", "ja") else " "
    paragraphs: dict[int, list[tuple[int, str, bool]]] = {}
    for chunk, text in zip(chunks, translated, strict=True):
        paragraphs.setdefault(chunk.paragraph, []).append((chunk.index, text.strip(), chunk.glued))
    return "\n\n".join("".join((joiner if i and not glued else "") + t
                                 for i, (_, t, glued) in enumerate(sorted(parts)))
                         for _, parts in sorted(paragraphs.items()))


@dataclass
class Protected:
    """A text with names and quoted titles replaced by placeholders ⟦0⟧, ⟦1⟧, ... and what they stand for."""

    text: str
    terms: list[str] = field(default_factory=list)


def _looks_like_title(quoted: str) -> bool:
    """A quoted span is a title when it is short and most of its words start with a capital letter."""
    inner = quoted[1:-1].strip()
    words = [w for w in re.split(r"\s+", inner) if w]
    if not words or len(words) > 10:
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitalized = [w for w in significant if w[:1].isupper() or not w[:1].isalpha()]
    return bool(significant) and len(capitalized) / len(significant) >= 0.75 and words[0][:1].isupper()


def protect(text: str, names: list[str] | tuple[str, ...] = ()) -> Protected:
    """Replace names (longest first) and quoted titles by placeholders that translators leave alone."""
    terms: list[str] = []

    def placeholder(term: str) -> str:
        if term not in terms:
            terms.append(term)
        return f"\u27e6{terms.index(term)}\u27e7"

    out = _QUOTED.sub(lambda m: placeholder(m.group(0)) if _looks_like_title(m.group(0)) else m.group(0), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", lambda _m, n=name: placeholder(n), out)
    return Protected(out, terms)


class DamagedTranslation(ValueError):
    """A translator's output lost, duplicated or invented protected names, or came back empty or untranslated."""


def restore(translated: str, terms: list[str]) -> str:
    """Put protected names back; a lost, duplicated or unknown placeholder makes the translation unusable."""
    found = [int(n) for n in _PLACEHOLDER.findall(translated)]
    expected_counts: dict[int, int] = {}
    for i in range(len(terms)):
        expected_counts[i] = 0
    for n in found:
        if n not in expected_counts:
            raise DamagedTranslation(f"the translator invented a placeholder \u27e6{n}\u27e7")
    missing = [terms[i] for i in range(len(terms)) if i not in found]
    if missing:
        raise DamagedTranslation(f"the translator dropped protected names: {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: terms[int(m.group(1))], translated)


def placeholders_in(text: str) -> set[int]:
    """The placeholder numbers that occur in a text."""
    return {int(n) for n in _PLACEHOLDER.findall(text)}


_LETTERS = re.compile(r"[^\W\d_]{2,}")


def check_translated(source: str, translated: str) -> None:
    """Refuse an empty answer or an echo of the source text (a translator failing quietly)."""
    if not translated or not translated.strip():
        raise DamagedTranslation("the translator returned nothing")
    words = _LETTERS.findall(_PLACEHOLDER.sub(" ", source))
    if len(words) >= 3 and translated.strip() == source.strip():
        raise DamagedTranslation("the translator returned the source text unchanged")
    if placeholders_in(source) != placeholders_in(translated):
        lost = placeholders_in(source) - placeholders_in(translated)
        extra = placeholders_in(translated) - placeholders_in(source)
        raise DamagedTranslation(f"protected names damaged (lost {sorted(lost)}, invented {sorted(extra)})")


def looks_untranslated(original: str, candidate: str) -> bool:
    """True when a reviewer's 'translation' is just the original text pasted back."""
    norm = lambda s: re.sub(r"\s+", " ", s).strip().lower()  # noqa: E731 - a one-line helper used only here
    return bool(candidate.strip()) and norm(original) == norm(candidate)


def author_names(authors: list | tuple | None) -> list[str]:
    """The names of a byline (`OpEdApproved.authors`: dicts {name, title, affiliation, member_id} or names)."""
    names = []
    for entry in authors or ():
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def credit_line(source_lang: str, reviewer: str, *, machine: bool) -> str:
    """The credit line editors read: "Translated from English by …" or "Machine translation reviewed by …"."""
    if machine:
        return f"Machine translation reviewed by {reviewer}"
    return f"Translated from {language_name(source_lang)} by {reviewer}"
