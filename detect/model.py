"""Scoring one article: pure, values in and values out (no clock, no I/O).

How a score is made (docs/detect.md tells the whole story):

1. The title and the summary (HTML stripped) are tokenized with a blank spaCy tokenizer of the article's language
   and cut into sentences; the title is always its own sentence.
2. Every token is normalized (lower case, accents and Arabic diacritics removed, Arabic proclitics tried off) and
   looked up in the lexicon (`patterns.py`): exact terms, multi-word phrases, stems; German compounds are split
   once (``Moscheeanschlag`` = MOSQUE + ATTACK). Chinese terms are found in the raw text.
3. Each sentence is judged on its own: an *act* next to a *target* it can hurt (BURN + QURAN, ATTACK + MOSQUE,
   BAN + DRESS) scores high; a charged term (Islamophobia, blasphemy) scores on its own; an extremist label
   scores with violence; an act alone or a group alone scores low. Ambiguous terms count only with a religious
   context in the sentence; acts under a negation cue do not count; sport, leisure and public-health contexts
   damp violent, mocking and banning words (a striker's "attack", a lockdown's "ban").
4. The article's score is its best sentence, a little more when several sentences agree, or a weaker score for an
   act and a target that only meet across sentences.

Every score comes with its reasons (which terms, which concepts, which rule) and categories.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import spacy

from . import patterns as P

# ---------------------------------------------------------------------------------------------------- normalization

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENT_END = frozenset({".", "!", "?", "؟", "。", "！", "？", "|", "||", ";", "…", "•"})
_CLAUSE_END = _SENT_END | frozenset({",", ":", "،", "，", "-", "–", "—", "(", ")"})
_AR_PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_FR_ELISION = ("l'", "d'", "qu'", "j'", "n'", "s'", "c'", "m'", "t'", "lorsqu'", "jusqu'")


def clean_text(text: str | None) -> str:
    """Text without HTML tags, entities or runs of spaces."""
    if not text:
        return ""
    text = html.unescape(_TAG.sub(" ", text))
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def normalize(token: str) -> str:
    """Lower case, no accents or Arabic diacritics, one apostrophe, Arabic letters folded (ة→ه, ى→ي)."""
    text = token.replace("’", "'").replace("‘", "'").replace("ـ", "")
    text = text.replace("İ", "i").lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.replace("ı", "i").replace("ة", "ه").replace("ى", "ي")


# ---------------------------------------------------------------------------------------------------- the lexicon


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


# ---------------------------------------------------------------------------------------------------- hits


@dataclass(frozen=True)
class Hit:
    """One matched term in one sentence."""

    concept: str
    kind: str
    text: str
    sentence: int
    position: int
    ambiguous: bool = False
    negated: bool = False
    anti: bool = False


@dataclass
class Sentence:
    """One sentence: its tokens (normalized) and the terms found in it."""

    index: int
    words: list[str]
    hits: list[Hit]
    is_title: bool = False


_KIND_OF_CONCEPT = {concept: kind for concept, (kind, _) in P.LEXICON.items()}


_TOKEN_INFO: dict[int, tuple[str, str, bool, bool]] = {}


def _sentences(title: str, summary: str, lang: str) -> list[Sentence]:
    table = table_for(lang)
    nlp = tokenizer_for(lang)
    sentences: list[Sentence] = []
    for part_index, text in enumerate((title, summary)):
        if not text:
            continue
        doc = nlp.make_doc(text)
        words: list[str] = []
        raws: list[str] = []
        current: list[tuple[list[str], list[str]]] = []

        strings = doc.vocab.strings
        for orth in doc.to_array("ORTH").tolist():  # plain strings: no Token objects (3x faster)
            info = _TOKEN_INFO.get(orth)
            if info is None:
                if len(_TOKEN_INFO) > 500_000:  # a long-running worker sees an open vocabulary
                    _TOKEN_INFO.clear()
                raw = strings[orth]
                ends = raw in _SENT_END or (raw.endswith(".") and len(raw) > 1 and raw[-2:] != ".."
                                            and not raw[:-1].replace(".", "").isupper())
                info = _TOKEN_INFO[orth] = (raw, normalize(raw), raw.isspace(), ends)
            raw, norm, space, ends = info
            if space:
                continue
            words.append(norm)
            raws.append(raw)
            if ends and (part_index == 1 or raw in _SENT_END):
                current.append((words, raws))
                words, raws = [], []
        if words:
            current.append((words, raws))
        for chunk_words, chunk_raws in current:
            sentence = Sentence(len(sentences), chunk_words, [], is_title=part_index == 0)
            _match(sentence, chunk_raws, table, lang)
            sentences.append(sentence)
    return sentences


def _match(sentence: Sentence, raws: list[str], table: Table, lang: str) -> None:
    words = sentence.words
    hits: list[Hit] = []
    covered: set[int] = set()
    phrases, cache = table.phrases, table.word_cache
    index = sentence.index
    for i, word in enumerate(words):
        candidates = phrases.get(word)
        if candidates:
            for phrase, term in candidates:
                n = len(phrase)
                if tuple(words[i:i + n]) == phrase:
                    hits.append(Hit(term.concept, term.kind, " ".join(raws[i:i + n]), index, i, term.ambiguous))
                    covered.update(range(i, i + n))
        terms = cache.get(word)
        if terms is None:
            terms = cache[word] = _lookup_word(lang, word) if len(word) >= 2 else ()
        if terms and i not in covered:
            for term in terms:
                hits.append(Hit(term.concept, term.kind, raws[i], index, i, term.ambiguous))
    if table.cjk is not None:
        text = "".join(raws)
        if _CJK.search(text):
            ends, total = [], 0
            for raw in raws:
                total += len(raw)
                ends.append(total)
            for m in table.cjk.finditer(text):
                position = next(k for k, end in enumerate(ends) if end > m.start())
                for term in table.cjk_terms[m.group(0)]:
                    hits.append(Hit(term.concept, term.kind, m.group(0), sentence.index, position, term.ambiguous))
    sentence.hits = _resolve(sentence, hits, raws, table)


_NAMEABLE = frozenset({"ISLAM", "OCCASION", "MUSLIM", "CHRISTIAN"})


def _resolve(sentence: Sentence, hits: list[Hit], raws: list[str], table: Table) -> list[Hit]:
    """Apply the context rules: names, ambiguity, anti-X, negation."""
    words = sentence.words
    hit_positions = {h.position for h in hits}
    kept: list[Hit] = []
    for h in hits:
        p = h.position
        if (h.concept in _NAMEABLE and " " not in h.text and p < len(raws) and raws[p][:1].isupper()
                and not raws[p].isupper()):
            # "Islam Makhachev", "Ramadan Sobhi", "Mohamed Ramadan": a capitalized neighbour that is no term is a name
            nxt = raws[p + 1] if p + 1 < len(raws) else ""
            prv = raws[p - 1] if p > 0 else ""
            if (nxt[:1].isupper() and nxt.isalpha() and p + 1 not in hit_positions) or (
                    p > 1 and prv[:1].isupper() and prv.isalpha() and p - 1 not in hit_positions
                    and words[p - 2] not in _CLAUSE_END):
                continue
        kept.append(h)
    # anti-X: "anti-Muslim", "anti Muslim", "anti-French" (tokenizers differ on hyphens)
    result: list[Hit] = []
    for h in kept:
        p = h.position
        anti = (p >= 2 and words[p - 1] == "-" and words[p - 2] == "anti") or (p >= 1 and words[p - 1] == "anti")
        if anti and h.kind in ("group", "faith", "nation"):
            result.append(Hit("ANTI_" + h.concept, "hate", f"anti-{h.text}", h.sentence, p, False, False, True))
            continue
        result.append(h)
    context = any(h.kind in P.RELIGIOUS_CONTEXT_KINDS and not h.ambiguous for h in result)
    # a name like "Muhammad" is the Prophet's when the sentence is about cartoons, insults or desecration
    figure_context = context or any(h.kind in ("mock", "desecrate", "blasphemy") and not h.ambiguous for h in result)
    final: list[Hit] = []
    for h in result:
        if h.ambiguous and not (figure_context if h.kind == "figure" else context):
            continue
        if h.kind == "nation":
            continue
        if h.concept == "ATTACK" and h.position > 0 and words[h.position - 1] in P.ATTACK_NOT_VIOLENT:
            continue
        if h.kind == "place" and _is_address(words, raws, h.position):
            continue
        if h.kind == "place" and _follows_into(words, h.position):  # "turned the museum into a mosque"
            final.append(Hit("CONVERT", "convert", f"into {h.text}", h.sentence, h.position - 1))
        if h.kind in P.ACT_KINDS and _negated(words, h.position, table.negations):
            h = Hit(h.concept, h.kind, h.text, h.sentence, h.position, h.ambiguous, True)
        final.append(h)
    return final


def _follows_into(words: list[str], position: int) -> bool:
    if position >= 1 and words[position - 1] == "into":
        return True
    return position >= 2 and words[position - 2] == "into" and words[position - 1] in ("a", "an", "the")


def _is_address(words: list[str], raws: list[str], position: int) -> bool:
    """A place-of-worship word that names a street, a station or a district ("Church Street", "station Basilique
    de Saint-Denis") is an address, not a place of worship."""
    near = words[max(0, position - 2):position] + words[position + 1:position + 3]
    return raws[position][:1].isupper() and any(w in P.ADDRESS_WORDS for w in near)


def _negated(words: list[str], position: int, cues: frozenset[str]) -> bool:
    start = max(0, position - 3)
    for j in range(position - 1, start - 1, -1):
        w = words[j]
        if w in _CLAUSE_END:
            return False
        if w in cues or (j > 0 and f"{words[j - 1]} {w}" in cues):
            return True
    return False


# ---------------------------------------------------------------------------------------------------- scoring

#: How strongly an act kind combines with a target kind (act weight x compatibility = sentence score).
COMPAT: dict[str, dict[str, float]] = {
    "violence": {"place": 0.95, "site": 0.95, "group": 0.85, "figure": 0.7, "object": 0.7, "dress": 0.8,
                 "faith": 0.45},
    "terror": {"place": 0.95, "site": 0.9, "group": 0.85, "faith": 0.8, "figure": 0.6},
    "desecrate": {"object": 0.95, "place": 0.9, "site": 0.9, "figure": 0.8, "group": 0.6, "faith": 0.6},
    "mock": {"figure": 0.9, "faith": 0.8, "object": 0.8, "group": 0.6, "site": 0.5},
    "ban": {"dress": 0.9, "place": 0.85, "group": 0.85, "faith": 0.7, "object": 0.7, "site": 0.7},
    "convert": {"place": 0.75, "site": 0.9},
    "remove": {"dress": 0.8},
    "hostility": {"group": 0.8, "faith": 0.75, "place": 0.85, "object": 0.8, "figure": 0.7, "dress": 0.75,
                  "site": 0.7},
    "harm": {"place": 0.65, "site": 0.6},
    "protest": {"figure": 0.35, "object": 0.35, "site": 0.35},
}

#: Context kinds that damp some act kinds (factor applied when the context is in the sentence).
DAMPING: dict[str, tuple[frozenset[str], float]] = {
    "sport": (frozenset({"violence", "harm", "desecrate", "terror", "mock"}), 0.3),
    "leisure": (frozenset({"mock", "protest", "harm", "ban", "desecrate"}), 0.5),
    "health": (frozenset({"ban", "convert"}), 0.4),
}

CATEGORY: dict[tuple[str, str], str] = {
    ("violence", "place"): "attack_on_place_of_worship", ("terror", "place"): "attack_on_place_of_worship",
    ("harm", "place"): "attack_on_place_of_worship", ("violence", "site"): "attack_on_place_of_worship",
    ("violence", "group"): "attack_on_community", ("terror", "group"): "attack_on_community",
    ("desecrate", "object"): "desecration", ("desecrate", "place"): "desecration",
    ("desecrate", "site"): "desecration", ("mock", "figure"): "blasphemy_row", ("mock", "faith"): "blasphemy_row",
    ("mock", "object"): "blasphemy_row", ("ban", "dress"): "religious_dress_ban",
    ("ban", "place"): "religious_building_ban", ("ban", "group"): "discriminatory_ban",
    ("ban", "faith"): "religious_practice_ban", ("ban", "occasion"): "religious_practice_ban",
    ("convert", "place"): "holy_site_conversion", ("convert", "site"): "holy_site_conversion",
    ("remove", "dress"): "religious_dress_violation",
}


@dataclass(frozen=True)
class Scored:
    """An article's judgement: score in [0, 1], whether it is polarizing, categories, reasons and the concepts and
    names that clustering uses."""

    score: float
    polarizing: bool
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    concepts: tuple[str, ...]
    names: tuple[str, ...]


@dataclass
class _Candidate:
    score: float
    category: str
    reason: str


def _best(cands: Iterable[_Candidate]) -> _Candidate | None:
    return max(cands, key=lambda c: c.score, default=None)


def _describe(h: Hit) -> str:
    return f"{h.concept} '{h.text}'"


def score_sentence(sentence: Sentence) -> list[_Candidate]:
    """Every rule that fires in one sentence, with its score."""
    live = [h for h in sentence.hits if not h.negated]
    kinds = {h.kind for h in live}
    acts = [h for h in live if h.kind in P.ACT_KINDS]
    targets = [h for h in live if h.kind in P.TARGET_KINDS or h.kind == "occasion" or h.kind == "worship"]
    charged = [h for h in live if h.kind in P.CHARGED_KINDS]
    out: list[_Candidate] = []

    negated_acts = any(h.negated for h in sentence.hits)
    concepts = {h.concept for h in live}

    def damp(act_kind: str) -> float:
        factor = 0.5 if negated_acts and act_kind == "harm" else 1.0
        for ctx, (affected, f) in DAMPING.items():
            if ctx in kinds and act_kind in affected:
                factor = min(factor, f)
        return factor

    where = "title" if sentence.is_title else f"sentence {sentence.index + 1}"
    for a in acts:
        for t in targets:
            kind_t = t.kind
            compat = COMPAT.get(a.kind, {}).get(kind_t, 0.0)
            if a.kind == "ban" and kind_t in ("occasion", "worship"):
                compat = 0.75
            if a.kind == "convert" and kind_t == "place" and (
                    sum(1 for x in targets if x.kind in ("place", "site")) >= 2 or "museum" in sentence.words):
                compat = 0.9
            if compat <= 0:
                continue
            if a.concept == "FIRE" or (a.kind == "harm" and "FIRE" in concepts and "violence" not in kinds):
                compat = min(compat, 0.45)  # most fires in places of worship are accidents: a fire alone never flags
            if t.concept == "MIGRANT":  # migration policy and migrants as perpetrators are everyday news
                compat = min(compat, P.MIGRANT_CAP.get(a.kind, compat))
            s = compat * damp(a.kind)
            cat = CATEGORY.get((a.kind, kind_t), "hate_crime" if a.kind == "hostility" else "attack_on_community")
            out.append(_Candidate(s, cat, f"{_describe(a)} + {_describe(t)} in {where}"))
    extremists = [h for h in charged if h.kind == "extremist"]
    # a violent act called racist or hateful is a hate crime even when the target is no term ("targeted Black
    # shoppers, racist manifesto")
    hostile = [h for h in acts if h.kind == "hostility" and normalize(h.text).startswith(P.HATE_MOTIVE)]
    violent = [h for h in acts if h.kind in ("violence", "terror")]
    if hostile and violent and not out:
        out.append(_Candidate(0.6 * damp(violent[0].kind), "hate_crime",
                              f"{_describe(hostile[0])} + {_describe(violent[0])} in {where}"))
    real_targets = [h for h in targets if h.kind in P.TARGET_KINDS]
    for h in charged:
        if h.kind == "hate":
            # anti-<faith or group> is hate speech; anti-<nationality> ("anti-French") only with violence
            s = 0.5 if h.anti and _KIND_OF_CONCEPT.get(h.concept[5:]) == "nation" else 0.85
            if h.anti and any(a.kind in ("violence", "hostility", "terror") for a in acts):
                s = 0.85
            out.append(_Candidate(s, "hate_speech", f"{_describe(h)} in {where}"))
        elif h.kind == "blasphemy":
            out.append(_Candidate(0.8 * damp("mock"), "blasphemy_row", f"{_describe(h)} in {where}"))
    for h in extremists:
        cat = "islamist_attack" if h.concept == "ISLAMIST" else "far_right_violence"
        violent = [a for a in acts if a.kind in ("violence", "terror", "hostility", "harm", "desecrate")]
        if violent:
            a = max(violent, key=lambda x: x.kind != "harm")
            s = (0.9 if a.kind != "harm" else 0.75) * damp(a.kind)
            out.append(_Candidate(s, cat, f"{_describe(h)} + {_describe(a)} in {where}"))
        elif real_targets:
            out.append(_Candidate(0.6, cat, f"{_describe(h)} + {_describe(real_targets[0])} in {where}"))
        else:
            out.append(_Candidate(0.4, cat, f"{_describe(h)} alone in {where}"))
    sites = [h for h in live if h.kind == "site"]
    if sites and any(h.kind in ("worship", "group", "place") for h in live):
        # a contested holy site changing hands ("first prayers in 86 years", "opens again to Muslim prayer")
        other = next(h for h in live if h.kind in ("worship", "group", "place"))
        change = next((w for w in sentence.words if w in P.CHANGE_WORDS), "")
        s = 0.6 if change else 0.4
        why = f"{_describe(sites[0])} + {_describe(other)}" + (f" + change '{change}'" if change else "")
        out.append(_Candidate(s, "holy_site_conversion", f"{why} in {where}"))
    if sentence.index >= 3:  # headlines and leads carry the story; deep mentions are background
        for c in out:
            c.score *= 0.8
    if not out:
        if acts:
            a = max(acts, key=lambda x: x.kind in ("violence", "terror"))
            out.append(_Candidate(0.3 if a.kind == "terror" else 0.2, "", f"act only: {_describe(a)} in {where}"))
        elif targets:
            out.append(_Candidate(0.05, "", f"target only: {_describe(targets[0])} in {where}"))
    return out


def names_in(sentences: list[Sentence], raw_by_sentence: list[list[str]] | None = None) -> tuple[str, ...]:
    """Concept ids of sites and the matched targets, for clustering (names come from `proper_names`)."""
    return tuple(sorted({h.concept for s in sentences for h in s.hits if h.kind == "site"}))


_STOP_CAPS = frozenset(normalize(w) for w in (  # noqa: SIM905 - a word list is easier to edit as text
    "the a an in on at of for to and or but with by from after before as is are was were be this that "
    "these those it its his her their our we you he she they i who what when where why how new says said "
    "will would could can may might has have had not no more most first last one two three mr mrs ms dr "
    "sir le la les un une des du de et en au aux el los las del por para con un una die der das den dem "
    "des und ein eine mit von zu im o os as um uma do da dos das bir ve ile icin bu da de live video "
    "watch update breaking news opinion analysis monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december police court "
    "judge president minister pm government "
).split())


def _stop_words() -> frozenset[str]:
    """spaCy's stop words of the Latin-script languages, folded: capitalized in a headline, they are no names."""
    import importlib

    words: set[str] = set(_STOP_CAPS)
    for code in ("en", "fr", "es", "de", "pt", "tr"):
        module = importlib.import_module(f"spacy.lang.{code}.stop_words")
        words.update(normalize(w) for w in module.STOP_WORDS)
    return frozenset(words)


_NOT_NAMES = _stop_words()


def proper_names(title: str, summary: str, lang: str = "en") -> tuple[str, ...]:
    """Capitalized words that are not sentence-initial function words: a cheap, language-independent stand-in for
    named entities (places, people, organizations) used to join articles about the same event."""
    found: set[str] = set()
    for text in (title, summary):
        for m in re.finditer(r"(?<![\w'’])([A-ZÀ-ÖØ-ÞİŞĞÇÜÖ][\w’'-]{2,})", text):
            full = normalize(m.group(1))
            word = full.split("'")[0]
            if len(word) < 3 or word in _NOT_NAMES or _lookup_word(lang, full) or _lookup_word(lang, word) \
                    or _lookup_word("en", word):
                continue  # a lexicon word (Quran, Coran, Kur'an, Muslim) is a concept, not a name
            found.add(word)
    return tuple(sorted(found))


#: How much of a summary is read: the lead carries the story; what follows is background (and costs time).
LEAD_CHARS = 700


def _lead(text: str) -> str:
    if len(text) <= LEAD_CHARS:
        return text
    cut = text[:LEAD_CHARS]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "), cut.rfind("。"), cut.rfind("؟ "))
    return cut[: end + 1] if end > LEAD_CHARS // 2 else cut[: cut.rfind(" ")] if " " in cut else cut


def score_article(title: str, summary: str = "", lang: str = "en", threshold: float = 0.5) -> Scored:
    """Score one article: the pure heart of detect/."""
    title_c, summary_c = clean_text(title), _lead(clean_text(summary))
    lang = (lang or "en").lower()[:2]
    sentences = _sentences(title_c, summary_c, lang)
    if not any(s.hits for s in sentences):  # most news: nothing to judge
        return Scored(0.0, False, (), (), (), ())
    per_sentence: list[_Candidate] = []
    all_cands: list[_Candidate] = []
    for s in sentences:
        cands = score_sentence(s)
        all_cands.extend(cands)
        best = _best(cands)
        if best:
            per_sentence.append(best)
    best = _best(per_sentence)
    score = best.score if best else 0.0
    # cross-sentence: an act and a target it can hurt that only meet across sentences
    live = [h for s in sentences for h in s.hits if not h.negated]
    cross: _Candidate | None = None
    if score < threshold:
        for a in (h for h in live if h.kind in ("violence", "terror", "desecrate", "ban", "mock")):
            for t in (h for h in live if h.kind in P.TARGET_KINDS and h.sentence != a.sentence
                      and abs(h.sentence - a.sentence) == 1 and max(h.sentence, a.sentence) <= 2):
                compat = COMPAT.get(a.kind, {}).get(t.kind, 0.0) * 0.6
                if compat > (cross.score if cross else 0.0):
                    cat = CATEGORY.get((a.kind, t.kind), "attack_on_community")
                    cross = _Candidate(compat, cat, f"{_describe(a)} + {_describe(t)} across sentences")
        if cross and cross.score > score:
            best, score = cross, cross.score
    strong = [c for c in per_sentence if c.score >= threshold]
    if len(strong) >= 2:
        score = min(1.0, score + 0.05 * (len(strong) - 1))
    polarizing = score >= threshold
    ranked = sorted((c for c in [*all_cands, *([cross] if cross else [])] if c.category),
                    key=lambda c: -c.score)
    categories = tuple(dict.fromkeys(c.category for c in ranked if c.score >= threshold * 0.8)) if polarizing else ()
    reasons = [f"{c.reason} -> {c.category or 'weak'} {c.score:.2f}" for c in ranked[:6]]
    if not reasons and best is not None:
        reasons = [f"{best.reason} -> weak {best.score:.2f}"]
    negated = [h for s in sentences for h in s.hits if h.negated]
    reasons.extend(f"negated: {_describe(h)}" for h in negated[:3])
    concepts = tuple(sorted({h.concept for h in live if h.kind in P.TARGET_KINDS | P.ACT_KINDS | P.CHARGED_KINDS}))
    # names only matter for clustering, and only polarizing articles are clustered
    names = proper_names(title_c, summary_c, lang) if polarizing else ()
    return Scored(round(score, 4), polarizing, categories, tuple(reasons), concepts, names)
