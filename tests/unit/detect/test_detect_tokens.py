"""The remembered chunk-by-chunk tokens of `detect.matching.text_tokens` are exactly those of spaCy's tokenizer run on
the whole text (`doc_tokens`), in every news language, on the texts where spaCy's rules are most intricate."""

from __future__ import annotations

import re

import pytest
import spacy

from detect.affixes import letters_stay_whole, never_matches_letters
from detect.lexicon import tokenizer_for
from detect.matching import doc_tokens, sentences_of, text_tokens

TEXTS = [
    "Mayor of Eastfield can't say whether the U.S. envoy'll attend the mosque's open day.",
    "Police: \"We don't know who did it\" (statement at 10:30 a.m.) — see https://example.org/a?b=1&c=2 #Eastfield",
    "Rock-throwing youths hit a synagogue's windows; 3.5% of residents, e.g. Dr. Okafor, signed the petition!!",
    "Los EE. UU. condenan el ataque contra la mezquita de Valdoria, según el Sr. Ruiz.",
    "Las autoridades de EE. UU. y de la UE se reunieron en la ciudad de Ee. Uu. hoy.",
    "L'imam d'Orvanne a dénoncé l'attaque : « C'est inacceptable », a-t-il dit aujourd'hui.",
    "Die Synagoge in Nordhafen wurde z. B. am 3. Oktober beschmiert, so die Polizei u.a. heute.",
    "أدان إمام المسجد في مدينة الوادي الهجوم. ب. م قال: «هذا عمل مرفوض»!",
    "Valdoria'daki camiye saldırı: Belediye başkanı \"kabul edilemez\" dedi.",
    "Spaces  twice,\ttabs,\nnew lines,\u00a0no-break spaces and a trailing one ",
    "  leading spaces, emoji 🙏🕌 and ellipsis… and dashes – and — and quotes ‘like’ “these”",
    "email imam@example.org, handle @EastfieldPolice, price $1,000.50, 1st-ever 24/7 vigil",
    "",
    " ",
    "\n\n",
]
LANGS = ["en", "fr", "de", "es", "ar", "tr", "it", "nl", "pt", "xx"]


@pytest.mark.parametrize("lang", LANGS)
def test_remembered_tokens_equal_spacys_on_the_whole_text(lang):
    nlp = tokenizer_for(lang)
    for text in TEXTS:
        assert text_tokens(text, nlp) == doc_tokens(text, nlp), text
        assert text_tokens(text, nlp) == doc_tokens(text, nlp), text  # the second time from memory


def test_a_special_case_with_a_space_stays_one_token():
    nlp = tokenizer_for("es")
    raws = [raw for raw, _, _ in text_tokens("Los EE. UU. condenan el ataque.", nlp)]
    assert "EE. UU." in raws


def test_sentences_are_cut_as_before():
    sentences = sentences_of("Mosque attacked in Eastfield", "Windows were smashed. The imam called for calm.", "en")
    assert [s.is_title for s in sentences] == [True, False, False]
    assert sentences[2].words[:3] == ["the", "imam", "called"]


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_new_words_among_remembered_ones_give_the_same_tokens(lang):
    """A text with one unseen chunk among remembered ones, and a text of unseen chunks with intricate punctuation,
    give spaCy's tokens, the first time and from memory."""
    nlp = tokenizer_for(lang)
    base = "The council of Qorvath met (again) on Monday, said the mayor's office."
    few = base.replace("Monday,", "Zentober-4th,")  # one new chunk
    many = "Xylo-phrase (Brinmoor), d'Ulvane's «quoted» 'Wrenfield'... U.N.-led Qx.Yz #Tag99 okay?!"
    for text in (base, few, many, few, many):
        assert text_tokens(text, nlp) == doc_tokens(text, nlp), text


def test_new_chunks_that_would_join_into_a_special_case_are_not_joined():
    """Unseen chunks are tokenized together; "EE." and "UU." apart in a text must not become Spanish "EE. UU."."""
    nlp = tokenizer_for("es")
    text_tokens("y los de", nlp)  # remembered: only "EE." and "UU." are new below
    text = "EE. y los de UU."
    assert text_tokens(text, nlp) == doc_tokens(text, nlp)
    assert [raw for raw, _, _ in text_tokens(text, nlp)].count("EE. UU.") == 0


@pytest.mark.parametrize(("pattern", "letters_safe"), [
    (r"\.$|,$", True),  # a full stop or a comma at the end
    (r"(?<=[0-9])km$", True),  # a unit after a digit
    (r"(?:'s|’s)$", True),  # the possessive needs its apostrophe
    (r"^[\[\(\"']", True),
    (r"ing$|\.$", False),  # a suffix of letters
    (r"(?:a|\.)$", False),
    (r"[^\.]$", False),  # a negated class holds letters
    (r"(?:\.|,)*x$", False),  # the punctuation is optional
    (r"(?<![0-9])x", False),  # a negative lookbehind does not need a digit
])
def test_affix_rules_that_can_split_letters_are_recognized(pattern, letters_safe):
    assert never_matches_letters(re.compile(pattern)) is letters_safe


def test_every_news_language_keeps_words_of_letters_whole():
    """The fast path is on for every tokenizer the detector uses (half the unseen words of real news skip spaCy)."""
    for lang in LANGS:
        assert letters_stay_whole(tokenizer_for(lang).tokenizer), lang


def test_a_tokenizer_whose_suffixes_split_letters_goes_through_spacy():
    """A tokenizer that cuts "-ing" off words is recognized, and its words still get spaCy's tokens."""
    nlp = spacy.blank("en")
    nlp.tokenizer.suffix_search = re.compile(r"(?<=[a-z])ing$|\.$").search
    assert not letters_stay_whole(nlp.tokenizer)
    text = "Walking home singing and talking."
    assert text_tokens(text, nlp) == doc_tokens(text, nlp)
    assert [raw for raw, _, _ in text_tokens(text, nlp)][:2] == ["Walk", "ing"]


def test_special_cases_of_letters_are_still_split():
    """"cannot" and "gonna" are letters only, but English special cases: spaCy's split is kept."""
    nlp = tokenizer_for("en")
    for text in ("Officials cannot say", "they gonna march", "Officials cannot say"):
        assert text_tokens(text, nlp) == doc_tokens(text, nlp), text
    assert [raw for raw, _, _ in text_tokens("cannot", nlp)] == ["can", "not"]
