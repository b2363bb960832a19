"""The compiled lexicon: every term of `patterns.py` in per-language lookup tables (pure, cached).

`patterns.py` holds the word lists (concept id -> kind -> terms per language); this module turns them into what the
matcher needs: normalized exact terms, multi-word phrases, stems with their exceptions, Chinese terms for the raw
text, negation cues; and `lookup_word(lang, word)`, one cached look-up per distinct normalized token (Arabic
proclitics tried off, French elisions, German compounds split once, hyphenated words split).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import spacy

from . import patterns as P

_AR_PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_FR_ELISION = ("l'", "d'", "qu'", "j'", "n'", "s'", "c'", "m'", "t'", "lorsqu'", "jusqu'")

#: The kind of every concept id (``MOSQUE`` -> ``place``).
KIND_OF_CONCEPT: dict[str, str] = {concept: kind for concept, (kind, _) in P.LEXICON.items()}

@lru_cache(maxsize=200_000)
def normalize(token: str) -> str:
    """Lower case, no accents or Arabic diacritics, one apostrophe, Arabic letters folded (ة→ه, ى→ي)."""
    if token.isascii():  # nothing to fold but the case (most tokens of the news)
        return token.lower()
    text = token.replace("’", "'").replace("‘", "'").replace("ـ", "")
    text = text.replace("İ", "i").lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.replace("ı", "i").replace("ة", "ه").replace("ى", "ي")



@dataclass(frozen=True)
class Term:
    """One lexicon entry: the concept it stands for, its kind, its surface form and whether it is ambiguous."""

    concept: str
    kind: str
    term: str
    ambiguous: bool


@dataclass
class Table:
    """The lookup tables of one language (its own terms plus English, which every news language borrows)."""

    exact: dict[str, list[Term]] = field(default_factory=dict)
    stems: dict[str, list[Term]] = field(default_factory=dict)
    exceptions: set[str] = field(default_factory=set)
    phrases: dict[str, list[tuple[tuple[str, ...], Term]]] = field(default_factory=dict)
    negations: frozenset[str] = frozenset()
    max_stem: int = 0
    cjk: re.Pattern[str] | None = None
    cjk_terms: dict[str, list[Term]] = field(default_factory=dict)
    word_cache: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    #: Words that may start a hit: every phrase's first word, and every word of `word_cache` with terms. A sentence
    #: none of whose words is here (once they are all in `word_cache`) has no hit (`matching._match`).
    hot: set[str] = field(default_factory=set)


_TOKENIZERS: dict[str, spacy.language.Language] = {}


def tokenizer_for(lang: str) -> spacy.language.Language:
    """A blank spaCy pipeline (tokenizer only) for a language; `xx` for languages without one (and for Chinese,
    whose terms are matched in the raw text)."""
    code = lang if lang in P.SPACY_LANGS and lang != "zh" else "xx"
    if code not in _TOKENIZERS:
        _TOKENIZERS[code] = spacy.blank(code)
    return _TOKENIZERS[code]


def _split_terms(spec: str) -> list[str]:
    return [t.strip() for t in spec.split("|") if t.strip()]


@lru_cache(maxsize=32)
def table_for(lang: str) -> Table:
    """Build (once) the lookup table of a language."""
    lang = (lang or "").lower()[:2]
    known = {lang_ for _, (_, by_lang) in P.LEXICON.items() for lang_ in by_lang}
    langs = [lang, "en"] if lang in known and lang != "en" else (["en"] if lang == "en" else sorted(known))
    nlp = tokenizer_for(lang if lang in known else "xx")
    table = Table()
    negs: set[str] = set()
    for code in langs:
        negs |= P.NEGATIONS.get(code, frozenset())
    table.negations = frozenset(normalize(n) for n in negs)
    for concept, (kind, by_lang) in P.LEXICON.items():
        for code in langs:
            for raw in _split_terms(by_lang.get(code, "")):
                ambiguous = raw in P.AMBIGUOUS
                if code == "zh":
                    term = Term(concept, kind, raw, ambiguous)
                    table.cjk_terms.setdefault(raw, []).append(term)
                    continue
                if raw.startswith("!"):
                    table.exceptions.add(normalize(raw[1:].rstrip("*")))
                    continue
                term = Term(concept, kind, raw.rstrip("*"), ambiguous)
                if raw.endswith("*"):
                    stem = normalize(raw[:-1])
                    table.stems.setdefault(stem, []).append(term)
                    table.max_stem = max(table.max_stem, len(stem))
                    continue
                words = tuple(normalize(t.text) for t in nlp.make_doc(raw) if not t.is_space)
                if len(words) == 1:
                    table.exact.setdefault(words[0], []).append(term)
                else:
                    table.phrases.setdefault(words[0], []).append((words, term))
                    joined = normalize(raw)
                    if " " not in joined:  # "anti-muslim" may also come as one token
                        table.exact.setdefault(joined, []).append(term)
    for first in table.phrases:
        table.phrases[first].sort(key=lambda entry: -len(entry[0]))
    table.hot.update(table.phrases)
    if table.cjk_terms:
        alternatives = sorted(table.cjk_terms, key=len, reverse=True)
        table.cjk = re.compile("|".join(re.escape(a) for a in alternatives))
    return table


def _stem_lookup(table: Table, word: str) -> list[Term]:
    for k in range(min(len(word), table.max_stem), 2, -1):
        found = table.stems.get(word[:k])
        if found:
            if any(word.startswith(e) for e in table.exceptions if len(e) > k):
                return []
            return found
    return []


@lru_cache(maxsize=400_000)
def _lookup_word(lang: str, word: str) -> tuple[Term, ...]:
    """Every lexicon term one normalized token stands for."""
    table = table_for(lang)
    found = table.exact.get(word) or _stem_lookup(table, word)
    if found:
        hits = list(found)
        if lang == "de" and table.stems:
            for stem_len in range(len(word) - 4, 2, -1):  # compounds: Moschee|anschlag, Koran|verbrennung
                head = word[:stem_len]
                if table.stems.get(head) or table.exact.get(head):
                    for skip in (0, 1, 2):
                        tail = word[stem_len + skip:]
                        more = table.exact.get(tail) or _stem_lookup(table, tail) if len(tail) >= 4 else []
                        if more:
                            hits.extend(t for t in more if t not in hits)
                            break
                    break
        return tuple(hits)
    if lang == "ar":
        for prefix in _AR_PROCLITICS:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                rest = word[len(prefix):]
                found = table.exact.get(rest) or table.exact.get("ال" + rest) or _stem_lookup(table, rest)
                if found:
                    return tuple(found)
        return ()
    if "'" in word:
        for elision in _FR_ELISION:
            if word.startswith(elision) and len(word) > len(elision) + 2:
                return _lookup_word(lang, word[len(elision):])
        head = word.split("'")[0]
        if len(head) >= 3 and word.endswith(("'s", "'")) or lang == "tr":
            return tuple(table.exact.get(head, ())) or tuple(_stem_lookup(table, head))
    if "-" in word and not word.startswith("-"):
        parts = [p for p in word.split("-") if p]
        if parts and parts[0] in ("anti", "anti'"):
            return ()  # handled as a prefix by the sentence rules
        return tuple(t for p in parts for t in _lookup_word(lang, p))
    return ()



#: Public name of the cached look-up (the matcher, names and entities use it).
lookup_word = _lookup_word
