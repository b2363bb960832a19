"""Kept for callers of the first layout: scoring one article now lives in three modules.

- `lexicon.py`: the compiled lexicon (concepts and terms per language, `normalize`, `lookup_word`);
- `matching.py`: text to sentences with their hits (tokens, phrases, context rules, negation, `proper_names`);
- `scoring.py`: the judgement (`score_article`, `Scored`, `rule_features`).

New code imports from those modules.
"""

from __future__ import annotations

from .lexicon import lookup_word, normalize, table_for
from .lexicon import lookup_word as _lookup_word
from .matching import Hit, Sentence, clean_text, proper_names, sentences_of
from .matching import lead as _lead
from .scoring import CATEGORY, COMPAT, DAMPING, Scored, rule_features, score_article, score_sentence

__all__ = ["CATEGORY", "COMPAT", "DAMPING", "Hit", "Scored", "Sentence", "_lead", "_lookup_word", "clean_text",
           "lookup_word", "normalize", "proper_names", "rule_features", "score_article", "score_sentence",
           "sentences_of", "table_for"]
