"""The email an editor receives: an article (title, byline with each author's name, title and affiliation, the
language, word count, a translation credit line, the embargo, republication rights, a reply address, a link to
say where it ran) as HTML with a plain-text part.

One version is rendered once per (distribution, language) with SendGrid substitution markers for what differs per
editor (`-placement_url-`, `-unsubscribe_url-`): 10,000 editors cost 8 renders, not 10,000. The body arrives as
sanitized HTML (`bus.body`): it is sanitized again here (a record is input) and turned into paragraphs for the
text part, so no tag is ever shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import css_inline
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bus import body as bodies
from bus.languages import language_name, text_dir

from . import model

PLACEMENT_MARK = "-placement_url-"
UNSUBSCRIBE_MARK = "-unsubscribe_url-"

_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class Version:
    """What an email is made of: one approved language version of an op-ed."""

    lang: str
    title: str
    body: str
    source_lang: str = ""
    authors: tuple[model.Author, ...] = ()
    credit: str = ""


@dataclass(frozen=True)
class EditorEmail:
    """Subject, HTML and plain text of one language version (with substitution markers)."""

    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Letterhead:
    """What every editor email says about who sends it and how to answer."""

    sender: str = "the UN Alliance of Civilizations' Rapid Response secretariat"
    reply_to: str = ""
    rights: str = ("Free to republish in full, in print and online, with the authors' names and this credit line, "
                   "from the release time; please tell us where it ran.")


def render(version: Version, *, release_at: datetime, mode: str, letterhead: Letterhead,
           wanted_lang: str = "", placement_url: str = PLACEMENT_MARK,
           unsubscribe_url: str = UNSUBSCRIBE_MARK) -> EditorEmail:
    """The email of one version. `wanted_lang` (the editors' language) differs from `version.lang` when the
    editors get the original because their language has no approved version: the email says so."""
    fallback = bool(wanted_lang) and wanted_lang != version.lang
    html_body = bodies.to_html(version.body)
    context = {
        "v": version, "lang_name": language_name(version.lang), "dir": text_dir(version.lang),
        "source_name": language_name(version.source_lang or version.lang),
        "words": bodies.word_count(html_body), "body_html": Markup(html_body),  # noqa: S704 - sanitized by bus.body.to_html (nh3) just above
        "body_text": bodies.to_text(html_body), "byline": model.names_line(version.authors),
        "advance": mode == model.ADVANCE_COPY, "release": f"{release_at:%d %B %Y, %H:%M} UTC",
        "fallback": fallback, "wanted_name": language_name(wanted_lang) if wanted_lang else "",
        "letterhead": letterhead, "placement_url": placement_url, "unsubscribe_url": unsubscribe_url,
    }
    # styles inline on each element: Gmail and several other clients drop a <style> block (in forwarded mail, on
    # mobile), and the email must still read as an article there
    html = _INLINER.inline(_env.get_template("editor_email.html").render(context))
    return EditorEmail(subject=model.subject_line(version.title, release_at, mode), html=html,
                       text=_env.get_template("editor_email.txt").render(context))
