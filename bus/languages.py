"""Language codes as people read them: names, writing direction, and the label pickers show ("Arabic (ar)").

Shared by every stage and the web, so that a language is named the same way on every page and in every email.
"""

from __future__ import annotations

LANGUAGE_NAMES = {
    "ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish",
    "tr": "Turkish", "ur": "Urdu", "fa": "Persian", "id": "Indonesian", "de": "German", "pt": "Portuguese",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "hi": "Hindi", "bn": "Bengali", "sw": "Swahili",
    "he": "Hebrew", "nl": "Dutch", "pl": "Polish", "uk": "Ukrainian", "ms": "Malay",
}
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he"})


def language_name(code: str) -> str:
    """`ar` -> `Arabic` (the code itself when unknown)."""
    return LANGUAGE_NAMES.get((code or "").lower(), code)


def language_label(code: str) -> str:
    """`ar` -> `Arabic (ar)`: what a language picker shows."""
    name = language_name(code)
    return f"{name} ({code})" if name != code else code


def text_dir(code: str) -> str:
    """`rtl` for a right-to-left script (Arabic, Persian, Urdu, Hebrew), else `ltr`."""
    return "rtl" if (code or "").lower().split("-")[0] in RTL_LANGUAGES else "ltr"
