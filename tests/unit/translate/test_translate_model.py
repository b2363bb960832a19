"""Pure translation logic: chunking at sentence boundaries, protected names, refusing damaged output."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.adapters import retry_after_seconds
from translate.model import (
    DamagedTranslation,
    check_translated,
    chunk_text,
    looks_untranslated,
    protect,
    reassemble,
    restore,
)


def test_chunks_stay_under_the_limit_and_end_on_sentences():
    """Each chunk holds whole sentences and stays under the limit."""
    text = " ".join(f"This is sentence number {i}." for i in range(100))
    chunks = chunk_text(text, 200)
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)
    assert " ".join(c.text for c in chunks) == text


def test_paragraphs_survive_the_round_trip():
    """Paragraph breaks come back where they were."""
    text = "First paragraph. Two sentences.\n\nSecond one!\n\nThird? Yes."
    chunks = chunk_text(text, 50)
    assert reassemble(chunks, [c.text for c in chunks], "fr") == text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghij .!?", min_size=1, max_size=120), min_size=1, max_size=20),
       st.integers(min_value=20, max_value=300))
def test_any_text_reassembles_to_its_words_in_order(paragraphs, limit):
    """Whatever the text, chunking then reassembling keeps every word in order and respects the limit."""
    text = "\n\n".join(paragraphs)
    chunks = chunk_text(text, limit)
    assert all(len(c.text) <= limit for c in chunks)
    assert reassemble(chunks, [c.text for c in chunks], "fr").split() == text.split()


def test_names_and_titles_become_placeholders_and_come_back():
    """Names and a quoted title are replaced, then restored exactly."""
    p = protect("Amina Diallo quotes “The Clash Of Civilizations” and “a quiet word”.", ["Amina Diallo"])
    assert "Amina" not in p.text and "Clash" not in p.text and "“a quiet word”" in p.text
    assert restore(p.text.upper(), p.terms) == ("Amina Diallo QUOTES “The Clash Of Civilizations” AND "
                                                "“A QUIET WORD”.")


def test_lost_placeholder_is_a_damaged_translation():
    """A translator that drops a protected name produces no translation."""
    p = protect("Amina Diallo spoke.", ["Amina Diallo"])
    with pytest.raises(DamagedTranslation):
        restore("Elle a parlé.", p.terms)


def test_echo_and_empty_answers_are_refused():
    """The source sent back unchanged, or nothing, is not a translation."""
    with pytest.raises(DamagedTranslation):
        check_translated("This stays in English.", "This stays in English.")
    with pytest.raises(DamagedTranslation):
        check_translated("Some text here.", "   ")
    check_translated("OK.", "OK.")  # too short to tell: accepted


def test_original_pasted_back_is_recognized():
    """A reviewer pasting the original is told it is not a translation."""
    assert looks_untranslated("Hello  world.\n", "hello world.")
    assert not looks_untranslated("Hello world.", "Bonjour le monde.")


def test_retry_after_in_seconds_and_as_a_date():
    """Retry-After is read both as seconds and as an HTTP date."""
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Sat, 28 Nov 2026 12:00:05 GMT", now=now) == 5.0
    assert retry_after_seconds("soon") is None
