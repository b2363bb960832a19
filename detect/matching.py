"""Sentence matching: text in, sentences with their lexicon hits out (pure).

1. The title and the summary (HTML stripped; only the lead of the summary) are tokenized with a blank spaCy
   tokenizer of the article's language and cut into sentences; the title is always its own sentence.
2. Every token is normalized and looked up in the compiled lexicon (`lexicon.py`); multi-word phrases are matched on
   the normalized tokens; Chinese terms are found in the raw text.
3. Context rules per sentence: a capitalized neighbour turns *Islam*, *Ramadan* into a name; ambiguous terms need a
   religious context; ``anti-X`` becomes a hate term; addresses ("Church Street") are no places of worship; acts
   under a negation cue are marked negated.

Also here: `proper_names`, capitalized words that stand in for named entities when joining articles into stories.
"""

from __future__ import annotations

import html
import itertools
import operator
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokenizer import Tokenizer

from . import patterns as P
from .lexicon import Table, lookup_word, normalize, table_for, tokenizer_for
from .splitter import ChunkSplitter

_TAG = re.compile(r"<[^>]+>")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENT_END = frozenset({".", "!", "?", "؟", "。", "！", "？", "|", "||", ";", "…", "•"})
CLAUSE_END = _SENT_END | frozenset({",", ":", "،", "，", "-", "–", "—", "(", ")"})


def clean_text(text: str | None) -> str:
    """Text without HTML tags, entities or runs of spaces."""
    if not text:
        return ""
    if "<" in text:
        text = _TAG.sub(" ", text)
    # str.split() cuts at the same whitespace as the expression `\s+` (the same 36,764 texts), four times faster
    return " ".join(html.unescape(text).split())



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



#: Per tokenizer: its memory (a whitespace-free chunk of text -> its tokens' (raw, normalized, ends a sentence)),
#: its special cases that hold a space ("EE. UU."), which only a whole text can match, and its rules in Python
#: (`splitter.ChunkSplitter`).
_MEMORY: dict[object, tuple[dict[str, tuple[tuple[str, str, bool], ...]], tuple[str, ...], ChunkSplitter]] = {}
_CHUNK_LIMIT = 500_000  # a long-running worker sees an open vocabulary


def _token_info(raw: str) -> tuple[str, str, bool]:
    ends = raw in _SENT_END or (raw.endswith(".") and len(raw) > 1 and raw[-2:] != ".."
                                and not raw[:-1].replace(".", "").isupper())
    return raw, normalize(raw), ends


def doc_tokens(text: str, nlp: Language) -> list[tuple[str, str, bool]]:
    """The tokens of `text` (no whitespace tokens) as spaCy's tokenizer makes them, from one Doc of the whole text."""
    return [_token_info(token.text) for token in nlp.make_doc(text) if not token.text.isspace()]


def text_tokens(text: str, nlp: Language) -> list[tuple[str, str, bool]]:
    """The same tokens as `doc_tokens`, made chunk by chunk and remembered.

    spaCy's tokenizer cuts a text at runs of whitespace first and splits each chunk between them on its own
    (prefixes, suffixes, infixes, special cases, URL and token matches all look at one chunk), so a text's tokens are
    its chunks' tokens in order. A chunk seen before ("the", "Mosque", "said.") costs a dictionary look-up instead of
    a Doc: news repeats most of its words, and building the Doc was a fifth of a detect worker's time. An unseen
    chunk is split by the tokenizer's own rules run in Python (`splitter.ChunkSplitter`: a few regular-expression
    calls instead of a Doc and new lexemes); the few it leaves to spaCy (special cases, and chunks whose tokens spell
    one) are tokenized together in one Doc, joined by spaces (`_learn`). A text that holds a special case with a space
    in it (Spanish "EE. UU."), or one longer than the pipeline's limit, goes through the whole-text Doc as before.
    `tests/unit/detect/test_detect_tokens.py` holds the two ways equal.
    """
    tokenizer = nlp.tokenizer
    memory = _MEMORY.get(tokenizer)
    if memory is None:
        memory = _MEMORY[tokenizer] = ({}, tuple(k for k in tokenizer.rules if " " in k and not k.isspace()),
                                       ChunkSplitter(tokenizer))
    cache, spaced, splitter = memory
    if len(text) > nlp.max_length or (spaced and any(k in text for k in spaced)):
        return doc_tokens(text, nlp)
    chunks = text.split()
    parts = list(map(cache.get, chunks))
    if None in parts:
        learned: dict[str, tuple[tuple[str, str, bool], ...]] = {}
        if len(cache) > _CHUNK_LIMIT:
            cache.clear()
        hard: list[str] = []  # special cases, and chunks whose tokens spell one: spaCy's own tokenizer
        for chunk, part in zip(chunks, parts, strict=True):
            if part is None and chunk not in learned and chunk not in hard:
                pieces = splitter.split(chunk)
                if pieces is None:
                    hard.append(chunk)
                else:
                    learned[chunk] = tuple(map(_token_info, pieces))
        if hard:
            learned.update(_learn(hard, tokenizer, spaced))
        cache.update(learned)
        parts = [part if part is not None else learned[chunk] for chunk, part in zip(chunks, parts, strict=True)]
    return list(itertools.chain.from_iterable(parts))


def _learn(chunks: list[str], tokenizer: Tokenizer,
           spaced: tuple[str, ...]) -> dict[str, tuple[tuple[str, str, bool], ...]]:
    """The tokens of each unseen chunk, tokenized in one Doc (a Doc's own set-up is most of the cost of a short one);
    chunks that would join into a special case with a space are tokenized one by one."""
    joined = " ".join(chunks)
    if spaced and any(k in joined for k in spaced):
        return {chunk: tuple(_token_info(t.text) for t in tokenizer(chunk) if not t.text.isspace())
                for chunk in chunks}
    doc = tokenizer(joined)
    strings = doc.vocab.strings
    ends = list(itertools.accumulate(len(chunk) + 1 for chunk in chunks))  # each chunk's end, and its space
    parts: list[list[tuple[str, str, bool]]] = [[] for _ in chunks]
    j = 0
    for orth, idx in doc.to_array(["ORTH", "IDX"]).tolist():  # plain numbers: no Token objects
        while idx >= ends[j]:
            j += 1
        parts[j].append(_token_info(strings[orth]))
    return {chunk: tuple(part) for chunk, part in zip(chunks, parts, strict=True)}


def sentences_of(title: str, summary: str, lang: str) -> list[Sentence]:
    table = table_for(lang)
    nlp = tokenizer_for(lang)
    sentences: list[Sentence] = []
    for part_index, text in enumerate((title, summary)):
        if not text:
            continue
        tokens = text_tokens(text, nlp)
        if not tokens:
            continue
        raws = list(map(_RAW, tokens))
        words = list(map(_NORM, tokens))
        # a sentence ends after a token that ends one; in the title, only after sentence-ending punctuation
        cuts = [i + 1 for i in itertools.compress(range(len(tokens)), map(_ENDS, tokens))
                if part_index == 1 or raws[i] in _SENT_END]
        if not cuts or cuts[-1] != len(tokens):
            cuts.append(len(tokens))
        start = 0
        for end in cuts:
            sentence = Sentence(len(sentences), words[start:end], [], is_title=part_index == 0)
            _match(sentence, raws[start:end], table, lang)
            sentences.append(sentence)
            start = end
    return sentences


_RAW, _NORM, _ENDS = operator.itemgetter(0), operator.itemgetter(1), operator.itemgetter(2)
_WORD_LIMIT = 400_000  # a table's memory of words looked up (an open vocabulary)


def _match(sentence: Sentence, raws: list[str], table: Table, lang: str) -> None:
    words = sentence.words
    hits: list[Hit] = []
    if len(table.word_cache) > _WORD_LIMIT:  # a new pair, not cleared: a call reading the old pair stays right
        table.word_cache, table.hot = {}, set(table.phrases)
    phrases, cache, hot = table.phrases, table.word_cache, table.hot
    for word in set(words).difference(cache):
        terms = cache[word] = lookup_word(lang, word) if len(word) >= 2 else ()
        if terms:
            hot.add(word)
    if not hot.isdisjoint(words):  # else no word of the sentence starts a phrase or has terms (most sentences)
        covered: set[int] = set()
        index = sentence.index
        for i, word in enumerate(words):
            if word not in hot:
                continue
            candidates = phrases.get(word)
            if candidates:
                for phrase, term in candidates:
                    n = len(phrase)
                    if tuple(words[i:i + n]) == phrase:
                        hits.append(Hit(term.concept, term.kind, " ".join(raws[i:i + n]), index, i, term.ambiguous))
                        covered.update(range(i, i + n))
            terms = cache[word]
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
    sentence.hits = _resolve(sentence, hits, raws, table) if hits else []


_NAMEABLE = frozenset({"ISLAM", "OCCASION", "MUSLIM", "CHRISTIAN"})
#: Words before "police" that make its raid or assault a law-enforcement operation.
_LAW_ENFORCEMENT = ("anti-terror", "counter-terror", "counterterrorism", "counter-terrorism", "swat", "drug", "drugs")
#: Two words that are no act although the first one alone would be ("tear gas", "kicked out" of a home).
_NOT_AN_ACT = frozenset({("tear", "gas"), ("tear", "gassed"), ("tear-gassed", ""), ("kicked", "out"),
                         ("rips", "through"), ("ripped", "through"), ("tore", "through"), ("tears", "through"),
                         ("tearing", "through"), ("ripping", "through")})  # "an explosion rips through a crowd"


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
                    and words[p - 2] not in CLAUSE_END):
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
    # migrants are a community, not a religious context: a storm near refugees is weather
    context = any(h.kind in P.RELIGIOUS_CONTEXT_KINDS and not h.ambiguous and h.concept != "MIGRANT" for h in result)
    # a name like "Muhammad" is the Prophet's when the sentence is about cartoons, insults or desecration
    figure_context = context or any(h.kind in ("mock", "desecrate", "blasphemy") and not h.ambiguous for h in result)
    final: list[Hit] = []
    for h in result:
        if h.ambiguous and not (figure_context if h.kind == "figure" else context):
            continue
        if h.kind == "nation":
            continue
        if h.concept == "ATTACK" and h.position + 1 < len(words) and words[h.position + 1] in P.ATTACK_CLAIMED \
                and " " not in h.text:
            continue  # "cover up assault allegations": a legal claim about a person, not an attack on a place
        if h.concept == "ATTACK" and h.position > 0 and (words[h.position - 1] in P.ATTACK_NOT_VIOLENT or (
                h.position > 2 and words[h.position - 2] in ("and", "or", ",")
                and words[h.position - 3] in P.ATTACK_NOT_VIOLENT) or (  # "sexual abuse and assault"
                h.position > 1 and words[h.position - 1] in ("police", "officers")
                and "".join(words[max(0, h.position - 4):h.position - 1]).endswith(_LAW_ENFORCEMENT))):
            continue  # "anti-terror police raid": law enforcement, not an attack
        if h.kind in P.ACT_KINDS:
            nxt = words[h.position + 1] if h.position + 1 < len(words) else ""
            if nxt == "-" and h.position + 2 < len(words):
                nxt = words[h.position + 2]
            if (words[h.position], nxt) in _NOT_AN_ACT:  # "tear gas", "kicked out": the words, not the act
                continue
            if (h.ambiguous and not sentence.is_title and h.position > 0 and " " not in h.text
                    and raws[h.position][:1].isupper() and not raws[h.position].isupper()):
                continue  # "called to the Bar": a capitalized ambiguous act word inside a sentence is a name
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
        if w in CLAUSE_END:
            return False
        if w in cues or (j > 0 and f"{words[j - 1]} {w}" in cues):
            return True
    return False



_STOP_CAPS = frozenset(normalize(w) for w in (  # noqa: SIM905 - a word list is easier to edit as text
    "the a an in on at of for to and or but with by from after before as is are was were be this that "
    "these those it its his her their our we you he she they i who what when where why how new says said "
    "will would could can may might has have had not no more most first last one two three mr mrs ms dr "
    "sir le la les un une des du de et en au aux el los las del por para con un una die der das den dem "
    "des und ein eine mit von zu im o os as um uma do da dos das bir ve ile icin bu da de live video "
    "watch update breaking news opinion analysis monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december police court "
    "judge president minister pm government old young big great little continue reading read more click "
    "here full story speaking photo photos picture pictures gallery "
).split())


def _stop_words() -> frozenset[str]:
    """spaCy's stop words of the Latin-script languages, folded: capitalized in a headline, they are no names.

    Each `stop_words.py` is loaded as a file: importing it as `spacy.lang.fr.stop_words` would first run the language
    package, whose tokenizer exceptions take seconds to build (the web console imports this module at start).
    """
    import importlib.util
    from pathlib import Path

    words: set[str] = set(_STOP_CAPS)
    lang_dir = Path(importlib.util.find_spec("spacy").submodule_search_locations[0]) / "lang"
    for code in ("en", "fr", "es", "de", "pt", "tr"):
        spec = importlib.util.spec_from_file_location(f"_rrm_stop_words_{code}", lang_dir / code / "stop_words.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        words.update(normalize(w) for w in module.STOP_WORDS)
    return frozenset(words)


_NOT_NAMES = _stop_words()


#: A capital not preceded by a letter, digit or apostrophe, then two or more word characters. The look-behind comes
#: after the capital (over it and the character before) so that the engine can skip ahead to the next capital: the
#: same matches as a look-behind in front (every text of the dev stream), found twice as fast.
_CAPITALIZED = re.compile(r"([A-ZÀ-ÖØ-ÞİŞĞÇÜÖ](?<![\w'’].)[\w’'-]{2,})")
_NAME_CACHE: dict[tuple[str, str], str] = {}
_OPENERS = frozenset(" \"'‘“«(")


def _name_of(raw: str, lang: str) -> str:
    """The folded name a capitalized word stands for, or '' (cached: news repeats its names)."""
    key = (raw, lang)
    name = _NAME_CACHE.get(key)
    if name is None:
        if len(_NAME_CACHE) > 300_000:
            _NAME_CACHE.clear()
        full = normalize(raw)
        word = full.split("'")[0]
        name = "" if (len(word) < 3 or word in _NOT_NAMES or lookup_word(lang, full) or lookup_word(lang, word)
                      or lookup_word("en", word)) else word  # a lexicon word (Quran, Muslim) is a concept
        _NAME_CACHE[key] = name
    return name


def proper_names(title: str, summary: str, lang: str = "en") -> tuple[str, ...]:
    """Capitalized words that are not sentence-initial function words: a cheap, language-independent stand-in for
    named entities (places, people, organizations) used to join articles about the same event."""
    found: set[str] = set()
    first: set[str] = set()  # names seen only at the start of a sentence ("Continue reading", "Speaking to...")
    for text in (title, summary):
        for m in _CAPITALIZED.finditer(text):
            name = _name_of(m.group(1), lang)
            if not name:
                continue
            j = m.start() - 1  # the character before the word, past spaces and opening quotes
            while j >= 0 and text[j] in _OPENERS:
                j -= 1
            if j < 0 or text[j] in ".!?:;|–—-…":
                first.add(name)
            else:
                found.add(name)
    if len(found) < 2:  # a short headline: its first word may be the only name it has ("Orlando gunman ...")
        found |= first
    return tuple(sorted(found))


#: How much of a summary is read: the lead carries the story; what follows is background (and costs time).
LEAD_CHARS = 700


def lead(text: str) -> str:
    if len(text) <= LEAD_CHARS:
        return text
    cut = text[:LEAD_CHARS]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "), cut.rfind("。"), cut.rfind("؟ "))
    return cut[: end + 1] if end > LEAD_CHARS // 2 else cut[: cut.rfind(" ")] if " " in cut else cut



#: Nouns that name a violent event, its perpetrator or its victims: "the Orlando shooting", "l'attentat de Nice".
EVENT_NOUNS = frozenset(normalize(w) for w in (  # noqa: SIM905 - a word list is easier to edit as text
    "shooting shootings attack attacks massacre bomb bombing bombings blast gunman gunmen shooter shooters attacker "
    "attackers bomber bombers killer killers stabbing stabbings riot riots rampage atrocity killings victims "
    "survivors siege attentat attentats attaque attaques tuerie fusillade assaillant tireur victimes emeutes "
    "atentado atentados ataque ataques matanza masacre tiroteo victimas anschlag anschlags anschlage attentats "
    "massaker amoklauf opfer massacre atirador"
).split())
#: The event nouns as they are written (lower case, accents kept), for the cheap first look.
_EVENT_HINTS = EVENT_NOUNS | frozenset({"tirador"})
#: Words that put a place after the event noun: "attack in Orlando", "attentat de Nice", "Anschlag von Hanau".
_EVENT_OF = frozenset({"in", "at", "on", "of", "de", "d", "du", "des", "a", "en", "em", "no", "na", "von", "im",
                       "bei", "auf"})
_ARTICLES = frozenset({"the", "la", "le", "les", "der", "die", "das", "dem", "el", "l", "a", "o"})
#: Words that may stand between the name and the event noun ("Orlando nightclub shooting", "Christchurch mosque
#: attacks", "Reading 'terror attack'"); any other lower-case word ends the name's reach.
_EVENT_BETWEEN_MAX = 2
_EVENT_TOKEN = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)
#: A cheap first look (most articles name no violent event): the words of a text, lower-cased, as a set.
_WORD = re.compile(r"\w+")
#: Accented Latin letters folded as `normalize` folds them, in one C-level `str.translate`.
_FOLD_LATIN = str.maketrans({chr(c): normalize(chr(c)) for c in range(0xC0, 0x250)
                             if normalize(chr(c)) != chr(c).lower() and chr(c).lower() == chr(c)})


def hint_words(title: str, summary: str) -> frozenset[str]:
    """The words of a title and lead, lower-cased and folded like names (`normalize`, only for the few words with
    accents), for cheap checks: `event_handles`, `role_names`, `clustering.StoryClusterer.may_name_an_event`."""
    return frozenset(_WORD.findall(f"{title} {summary}".replace("İ", "i").lower().translate(_FOLD_LATIN)))


def event_handles(title: str, summary: str, lang: str = "en", words: frozenset[str] | None = None) -> tuple[str, ...]:
    """The names an article uses as the *name of an event*: a proper name right before an event noun ("Orlando
    shooting", "Christchurch mosque attacks", "Manchester Arena bombing") or right after one and a preposition
    ("attack in Reading", "l'attentat de Nice", "Anschlag von Hanau"). A follow-up calls the event by the same name
    ("the Orlando gunman", "Orlando victims"), so a shared handle ties it to the story (`clustering.link_target`)."""
    found: list[str] = []
    if _EVENT_HINTS.isdisjoint(words if words is not None else hint_words(title, summary)):
        return ()  # most news names no violent event
    for text in (title, summary):
        tokens = [(m.group(0), m.start()) for m in _EVENT_TOKEN.finditer(text)]
        words = [normalize(t).replace("’", "'").split("'")[-1] if "'" in t[:3] else normalize(t) for t, _ in tokens]
        for i, w in enumerate(words):
            if w not in EVENT_NOUNS:
                continue
            # before: up to two lower-case words, then the capitalized name(s)
            j, between = i - 1, 0
            while j >= 0 and between < _EVENT_BETWEEN_MAX and not tokens[j][0][:1].isupper() \
                    and words[j] not in _NOT_NAMES and not _gap(text, tokens[j], tokens[j + 1]):
                j, between = j - 1, between + 1
            while j >= 0 and tokens[j][0][:1].isupper() and not _gap(text, tokens[j], tokens[j + 1]):
                name = _name_of(tokens[j][0], lang)
                if name:
                    found.append(name)
                j -= 1
            # after: within five words of the same phrase, a capitalized name right after a preposition ("attack
            # in Vellmoor", "attack on a mosque in Vellmoor", "l'attentat de la mosquée de Brévanne")
            for k in range(i + 1, min(i + 6, len(words))):
                if _gap(text, tokens[k - 1], tokens[k]):
                    break
                if tokens[k][0][:1].isupper():
                    name = _name_of(tokens[k][0], lang)
                    if not name:
                        continue  # a capitalized common noun (German "Synagoge") or a lexicon term: read on
                    if words[k - 1] in _EVENT_OF or (words[k - 1] in _ARTICLES and words[k - 2] in _EVENT_OF):
                        found.append(name)
                    break
    return tuple(dict.fromkeys(found))


def _gap(text: str, left: tuple[str, int], right: tuple[str, int]) -> bool:
    """Whether punctuation that ends a phrase (a full stop, a comma, a colon, a dash) stands between two tokens."""
    between = text[left[1] + len(left[0]):right[1]]
    return any(c in between for c in ".,:;!?|–—()\"")


#: Roles in a violent event; a full name right after one is one of the event's people ("gunman Omar Mateen").
ROLE_NOUNS = frozenset(normalize(w) for w in (  # noqa: SIM905 - a word list is easier to edit as text
    "gunman shooter attacker attackers bomber killer murderer suspect accused terrorist extremist jihadist "
    "assailant perpetrator victim survivor widow widower tireur assaillant terroriste suspect accuse victime "
    "survivant attentater tater verdachtige opfer atacante terrorista sospechoso acusado victima superviviente "
    "atirador"
).split())


#: The role nouns as they are written (lower case, accents kept), for the cheap first look.
_ROLE_HINTS = ROLE_NOUNS | frozenset({"accusee", "verdachtigen", "survivante"})


def role_names(title: str, summary: str, lang: str = "en", words: frozenset[str] | None = None) -> tuple[str, ...]:
    """Full names (two or three capitalized words) in apposition to an event role: "gunman Omar Mateen", "the
    accused, Khairi Saadallah" — the people a follow-up names again (`clustering`'s person tie)."""
    found: list[str] = []
    if _ROLE_HINTS.isdisjoint(words if words is not None else hint_words(title, summary)):
        return ()
    for text in (title, summary):
        tokens = [(m.group(0), m.start()) for m in _EVENT_TOKEN.finditer(text)]
        for i, (raw, _) in enumerate(tokens):
            if raw[:1].isupper() or normalize(raw) not in ROLE_NOUNS:
                continue
            parts: list[str] = []
            k = i + 1
            while k < len(tokens) and len(parts) < 3 and tokens[k][0][:1].isupper() and (
                    k == i + 1 or not _gap(text, tokens[k - 1], tokens[k])):
                name = _name_of(tokens[k][0].removesuffix("'s").removesuffix("’s"), lang)
                if not name:
                    break
                parts.append(name)
                k += 1
            if len(parts) >= 2:
                found.append(" ".join(parts))
    return tuple(dict.fromkeys(found))


def full_names(title: str, summary: str, lang: str = "en") -> tuple[str, ...]:
    """Runs of two or three adjacent capitalized words that are names ("Idris Vantarro", also at the start of a
    headline, where `proper_names` distrusts a lone capital): the candidates a story's people are looked up among."""
    found: list[str] = []
    for text in (title, summary):
        run: list[str] = []
        end = -1
        for m in _CAPITALIZED.finditer(text):
            name = _name_of(m.group(1).removesuffix("'s").removesuffix("’s"), lang)
            if name and run and text[end:m.start()] == " ":
                run.append(name)
            else:
                if 2 <= len(run) <= 3:
                    found.append(" ".join(run))
                run = [name] if name else []
            end = m.end()
        if 2 <= len(run) <= 3:
            found.append(" ".join(run))
    return tuple(dict.fromkeys(found))


def opening_names(title: str, summary: str, lang: str = "en") -> tuple[str, ...]:
    """The folded first word of the title and of the summary when it is a name (`proper_names` leaves a
    sentence-initial capital out when it has others): with an article's names, the cheap first look of
    `clustering.StoryClusterer.may_name_an_event` / `may_name_a_person`."""
    found = []
    for text in (title, summary):
        m = _CAPITALIZED.search(text[:60].lstrip(" \"'‘“«("))
        if m is not None and m.start() == 0:
            name = _name_of(m.group(1).removesuffix("'s").removesuffix("’s"), lang)
            if name:
                found.append(name)
    return tuple(found)
