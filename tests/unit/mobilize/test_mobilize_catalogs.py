"""Members read their emails and pages in their language: the catalogs are complete, current and well formed, and
the emails speak the member's language and time zone with buttons (issue 15)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from mobilize import emails
from mobilize.i18n import LANGUAGES, LOCALE_DIR, direction, format_when, member_language

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def _catalog(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _template_ids() -> set[str]:
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_the_template_lists_every_string_the_code_and_pages_use(tmp_path):
    """Extracting the strings again gives exactly the committed messages.pot (run pybabel extract after a change)."""
    out = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(LOCALE_DIR / "babel.cfg"), "-o", str(out), "--no-location", "."],
                   cwd=LOCALE_DIR.parent.parent, check=True, capture_output=True)
    with out.open("rb") as handle:
        fresh = {m.id for m in read_po(handle) if m.id}
    assert fresh == _template_ids()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_has_a_translation(lang):
    """Each of the six languages translates every msgid, none fuzzy, with the same %(placeholders)s."""
    catalog = _catalog(lang)
    wanted = _template_ids()
    found = {m.id: m for m in catalog if m.id}
    assert set(found) >= wanted, f"{lang} misses {sorted(wanted - set(found))[:5]}"
    for msgid in wanted:
        message = found[msgid]
        assert message.string and not message.fuzzy, f"{lang}: {msgid!r} is not translated"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(msgid)), (lang, msgid)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_are_not_copies_of_the_english(lang):
    """A translated catalog is really translated: fewer than 5% of its longer strings equal the English."""
    catalog = _catalog(lang)
    long_ones = [m for m in catalog if m.id and len(m.id) > 25]
    same = [m.id for m in long_ones if m.string == m.id]
    assert len(same) <= len(long_ones) // 20, same


def test_the_preferred_language_is_the_first_one_with_a_catalog():
    """A member's first language with a catalog wins; unknown languages fall back to English; Arabic reads rtl."""
    assert member_language(["ar", "fr"]) == "ar"
    assert member_language(["sv", "tr", "en"]) == "tr"
    assert member_language(["zh"]) == "en" and member_language([]) == "en"
    assert member_language(["fr-CA"]) == "fr"
    assert direction("ar") == "rtl" and direction("fr") == "ltr"


def test_deadlines_are_written_in_the_members_language_and_time_zone():
    """14:00 UTC reads 15:00 in Paris, in French, with the zone named."""
    moment = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    paris = format_when(moment, "fr", "Europe/Paris")
    assert "lundi 30 novembre 2026" in paris and "15:00" in paris and "Europe centrale" in paris
    assert "17:00" in format_when(moment, "tr", "Europe/Istanbul")
    assert "UTC" in format_when(moment, "en", "Not/AZone")


def test_a_french_invitation_has_a_plain_text_part_and_buttons_in_french():
    """The invitation to a French-speaking member is in French, HTML with Accept/Decline buttons and a text part."""
    message = emails.invitation(
        to="claire@example.org", name="Claire", story_title="Incendie d'une mosquée", reason="",
        accept_url="https://rrm.example.org/m/answer/a", decline_url="https://rrm.example.org/m/answer/d",
        reply_to="reply+x@rrm.example.org", deadline=datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
        invitation_id="i1", lang="fr", timezone="Europe/Paris")
    assert message.subject == "Demande de tribune : Incendie d'une mosquée"
    assert "Bonjour Claire," in message.text and "15:00" in message.text
    assert "Accepter:\nhttps://rrm.example.org/m/answer/a" in message.text
    assert '<html lang="fr" dir="ltr">' in message.html
    assert re.search(r'<a href="https://rrm.example.org/m/answer/a"[^>]*>Accepter</a>', message.html)
    assert "<p" in message.html and "&lt;p&gt;" not in message.html


def test_an_arabic_email_reads_right_to_left():
    """An email to an Arabic-speaking member is in Arabic and marked dir=rtl."""
    message = emails.draft_open(to="amina@example.org", name="Amina", story_title="T", coauthors=["Daniel"],
                                draft_url="https://rrm.example.org/m/draft/t", due=datetime(2026, 11, 30, tzinfo=UTC),
                                invitation_id="i2", lang="ar", timezone="Africa/Casablanca")
    assert 'dir="rtl"' in message.html and "فتح المسودة المشتركة" in message.html
    assert "مسودتك المشتركة" in message.subject
