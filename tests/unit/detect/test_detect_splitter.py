"""`detect.splitter.ChunkSplitter` gives the tokens spaCy's tokenizer gives a chunk, or leaves the chunk to spaCy."""

from __future__ import annotations

import re

import pytest
import spacy

from detect.lexicon import tokenizer_for
from detect.splitter import ChunkSplitter

from .test_detect_tokens import LANGS, TEXTS

#: Chunks where spaCy's rules are intricate: affixes on both sides, nested quotes and brackets, infixes, URLs,
#: e-mail addresses, numbers with units, abbreviations with and without affixes, emoticons, elisions.
CHUNKS = [
    "years,", "dying?", "(Reuters)", "“Quoted,”", "'Captain", "boy\".", "good!)", "($310,000)", "(KCDC).",
    "19-year-old.", "state-of-the-art", "Biden's", "Biden’s", "nation’s", "patients'", "'90s", "U.S.", "U.S.,",
    "F.D.A.", "Fla.,", "Mr.", "(Mr.", "Ex-Sen.", "1200m.", "$50m.", "£2,000-a-day", "10:30", "a.m.)", "3.5%",
    "e.g.", "https://example.org/a?b=1&c=2", "imam@example.org,", "@EastfieldPolice", "#Tag99", "24/7", "1st-ever",
    ":)", "(:", ":-)", "^_^", "can't", "cannot", "gonna", "Walking", "...", "…and", "!!", "?!", "«quoted»",
    "l'imam", "d'Orvanne", "aujourd'hui", "a-t-il", "z.", "B.", "u.a.", "EE.", "UU.", "Valdoria'daki", "«هذا",
    "مرفوض»!", "ب.", "js,ijs=d.getElementsByTagName(s)[0];if(d)return;js", "s***.'", "’", "'", "''when", "crap''",
]


@pytest.mark.parametrize("lang", LANGS)
def test_the_splitter_gives_spacys_tokens_or_leaves_the_chunk_to_spacy(lang):
    tokenizer = tokenizer_for(lang).tokenizer
    splitter = ChunkSplitter(tokenizer)
    chunks = {chunk for text in TEXTS for chunk in text.split()} | set(CHUNKS)
    split = 0
    for chunk in sorted(chunks):
        tokens = splitter.split(chunk)
        if tokens is not None:
            split += 1
            assert tokens == [token.text for token in tokenizer(chunk)], chunk
    assert split > len(chunks) * 0.8  # the splitter does the work, spaCy only the exceptions


def test_special_cases_and_chunks_that_spell_one_are_left_to_spacy():
    splitter = ChunkSplitter(tokenizer_for("en").tokenizer)
    assert splitter.split("can't") is None  # a special case
    assert splitter.split("1200m.") is None  # "m." is spelt by the tokens "1200", "m", "."
    assert splitter.split("years,") == ["years", ","]


def test_a_tokenizer_with_other_rules_is_followed_too():
    """Rules that split letters, a token match, no fast heuristics: the splitter follows whatever the tokenizer has."""
    nlp = spacy.blank("en")
    tokenizer = nlp.tokenizer
    tokenizer.suffix_search = re.compile(r"(?<=[a-z])ing$|\.$|,$").search
    tokenizer.token_match = re.compile(r"^#\w+$").match
    tokenizer.faster_heuristics = False
    tokenizer.add_special_case("Qx.", [{"ORTH": "Qx."}])
    splitter = ChunkSplitter(tokenizer)
    for chunk in ("Walking,", "#Tagging", "Qx.", "(Qx.", "singing.", "ing", "going-going"):
        tokens = splitter.split(chunk)
        assert tokens is None or tokens == [token.text for token in tokenizer(chunk)], chunk
    assert splitter.split("Walking,") == ["Walk", "ing", ","]
    assert splitter.split("#Tagging") == ["#Tagging"]
