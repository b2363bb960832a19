"""Members in their own language: gettext catalogs (Babel) for the emails and pages members see, and dates in their
time zone.

The catalogs are the committed `mobilize/locale/<lang>/LC_MESSAGES/messages.po` files, compiled in memory the first
time a language is asked for (a fresh clone needs no build step). Update them after changing a string:
`.venv/bin/pybabel extract -F mobilize/locale/babel.cfg -o mobilize/locale/messages.pot .` then
`.venv/bin/pybabel update -i mobilize/locale/messages.pot -d mobilize/locale` and translate the new entries
(tests/unit/mobilize/test_mobilize_catalogs.py fails on any entry left untranslated).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_timezone_name
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Languages members can read their emails and pages in (the first is the source language of the catalogs).
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar", "tr", "de")
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
DEFAULT = "en"


def supported(lang: str) -> str:
    """`lang` (or its base, "fr-CA" -> "fr") if members can be addressed in it, else English."""
    base = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT


def member_language(languages: list[str] | tuple[str, ...] | None) -> str:
    """The language to address a member in: the first of their languages that has a catalog (their list is in order
    of preference), else English."""
    for lang in languages or ():
        base = (lang or "").strip().lower().replace("_", "-").split("-")[0]
        if base in LANGUAGES:
            return base
    return DEFAULT


def direction(lang: str) -> str:
    """"rtl" for right-to-left scripts (Arabic), else "ltr"."""
    return "rtl" if supported(lang) in RTL_LANGUAGES else "ltr"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of a language (English: the msgids themselves)."""
    lang = supported(lang)
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def N_(message: str) -> str:  # the gettext convention (upper case) Babel's extractor looks for
    """Mark a member-facing message for the catalogs; it is translated where it is shown (`_(str(error))`)."""
    return message


def gettext_for(lang: str):
    """`_` for a language: `_("Dear %(name)s,") % {"name": ...}`."""
    return translations(lang).gettext


def zone(name: str) -> ZoneInfo:
    """A member's time zone (UTC when the stored name is unknown)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_when(moment: datetime | None, lang: str, timezone: str) -> str:
    """A date and time as the member reads it: in their language, in their time zone, with the zone named
    ("lundi 30 novembre 2026 à 15:00 (heure : Paris)")."""
    if moment is None:
        return ""
    lang = supported(lang)
    tz = zone(timezone)
    local = moment.astimezone(tz)
    locale = Locale.parse(lang)
    date_part = format_date(local, "full", locale=locale)
    time_part = format_time(local, "short", locale=locale)
    joined = get_datetime_format("long", locale=locale).replace("{1}", date_part).replace("{0}", time_part)
    zone_name = "UTC" if tz.key == "UTC" else get_timezone_name(tz, "long", locale=locale, return_zone=False)
    return f"{joined} ({zone_name})"
