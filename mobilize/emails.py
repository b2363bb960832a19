"""The emails mobilize/ sends to members and officers, as `OutgoingMessage` values: HTML with a plain-text part,
in the member's language (mobilize/i18n.py), deadlines in the member's time zone, actions as buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from mail.ports import OutgoingMessage

from .i18n import direction, format_when, gettext_for, supported

#: Link purposes (the links package): one token per action, each usable once.
ACCEPT, DECLINE, DRAFT = "mobilize.accept", "mobilize.decline", "mobilize.draft"
#: Authors' sign-off links (final text after an officer's edits, and each translation): reusable until expiry.
SIGNOFF = "mobilize.signoff"
#: Paths of the member pages (web/routes/members.py).
ANSWER_PATH = "/m/answer/{token}"
DRAFT_PATH = "/m/draft/{token}"
SIGNOFF_PATH = "/m/signoff/{token}"


@dataclass(frozen=True)
class Button:
    """An action in an email: a button in the HTML part, a labelled link in the text part."""

    label: str
    url: str
    kind: str = "primary"  # "primary" | "secondary"


_COLOURS = {"primary": ("#1d4f91", "#ffffff"), "secondary": ("#ffffff", "#1d4f91")}


def _button_html(button: Button) -> str:
    background, colour = _COLOURS.get(button.kind, _COLOURS["primary"])
    return (
        '<table role="presentation" cellspacing="0" cellpadding="0" border="0" style="display:inline-block;'
        'margin:0 8px 8px 0"><tr><td style="border-radius:6px;border:2px solid #1d4f91;'
        f'background:{background}"><a href="{escape(button.url)}" style="display:inline-block;padding:12px 22px;'
        f'font:bold 16px/1.2 Arial,sans-serif;color:{colour};text-decoration:none;border-radius:6px">'
        f"{escape(button.label)}</a></td></tr></table>")


def render_html(paragraphs: list[str], buttons: list[Button], lang: str = "en", footer: str = "") -> str:
    """An HTML email: paragraphs (escaped), a row of buttons, a small footer; `dir` and `lang` set for the reader."""
    lang = supported(lang)
    body = "".join(f'<p style="margin:0 0 14px">{escape(p)}</p>' for p in paragraphs)
    if buttons:
        body += f'<div style="margin:18px 0">{"".join(_button_html(b) for b in buttons)}</div>'
    if footer:
        body += f'<p style="margin:18px 0 0;color:#555;font-size:13px">{escape(footer)}</p>'
    return (f'<!doctype html><html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8"></head>'
            f'<body style="margin:0;padding:0;background:#f4f5f7"><div dir="{direction(lang)}" style="max-width:600px;'
            'margin:0 auto;padding:24px;background:#ffffff;font:16px/1.5 Arial,sans-serif;color:#1b1b1b">'
            f"{body}</div></body></html>")


def render_text(paragraphs: list[str], buttons: list[Button], footer: str = "") -> str:
    """The plain-text part: the same paragraphs, each button as its label and its link on the next line."""
    parts = paragraphs + [f"{b.label}:\n{b.url}" for b in buttons] + ([footer] if footer else [])
    return "\n\n".join(parts) + "\n"


def _message(*, to: str, name: str, subject: str, paragraphs: list[str], buttons: list[Button], lang: str,
             categories: tuple[str, ...], reply_to: str = "", custom_args: dict[str, str] | None = None,
             footer: str = "") -> OutgoingMessage:
    return OutgoingMessage(to=to, to_name=name, reply_to=reply_to, subject=subject,
                           text=render_text(paragraphs, buttons, footer),
                           html=render_html(paragraphs, buttons, lang, footer),
                           categories=categories, custom_args=custom_args or {})


def _when(deadline: str | datetime | None, lang: str, timezone: str) -> str:
    return format_when(deadline, lang, timezone) if isinstance(deadline, datetime) else (deadline or "")


def invitation(*, to: str, name: str, story_title: str, reason: str, accept_url: str, decline_url: str,
               reply_to: str, deadline: str | datetime, invitation_id: str, reminder: bool = False,
               lang: str = "en", timezone: str = "UTC") -> OutgoingMessage:
    """The page to a member, in their language: Accept / Decline buttons, the deadline in their time zone, and a
    reply address that reaches the secretariat."""
    _ = gettext_for(lang)
    lead = (_("Reminder: we still need your answer.") if reminder else
            _("The Alliance of Civilizations' secretariat would like you to co-author an op-ed, quickly, on a story "
              "that risks polarizing communities."))
    paragraphs = [
        _("Dear %(name)s,") % {"name": name},
        lead,
        _("Story: %(title)s") % {"title": story_title},
        *([_("Why you: %(reason)s") % {"reason": reason}] if reason else []),
        _("Please answer by %(deadline)s. If you accept, you will get a link to a shared draft with your "
          "co-author.") % {"deadline": _when(deadline, lang, timezone)},
        _("You can also reply to this email with a question."),
    ]
    subject = (_("Reminder: op-ed request: %(title)s") if reminder else _("Op-ed request: %(title)s")) % {
        "title": story_title}
    return _message(to=to, name=name, subject=subject, paragraphs=paragraphs, lang=lang, reply_to=reply_to,
                    buttons=[Button(_("Accept"), accept_url), Button(_("Decline"), decline_url, "secondary")],
                    categories=("mobilize", "reminder" if reminder else "invitation"),
                    custom_args={"invitation_id": invitation_id})


def draft_open(*, to: str, name: str, story_title: str, coauthors: list[str], draft_url: str, due: str | datetime,
               invitation_id: str, lang: str = "en", timezone: str = "UTC") -> OutgoingMessage:
    """To each co-author once the quorum is reached: the button to the shared draft."""
    _ = gettext_for(lang)
    others = ", ".join(coauthors)
    paragraphs = [_("Dear %(name)s,") % {"name": name},
                  (_("Thank you for accepting. You are writing with %(names)s.") % {"names": others} if others
                   else _("Thank you for accepting. You are writing this op-ed on your own.")),
                  _("Story: %(title)s") % {"title": story_title},
                  _("The secretariat hopes to review a draft by %(due)s.") % {"due": _when(due, lang, timezone)}]
    return _message(to=to, name=name, subject=_("Your shared draft: %(title)s") % {"title": story_title},
                    paragraphs=paragraphs, buttons=[Button(_("Open the shared draft"), draft_url)], lang=lang,
                    categories=("mobilize", "draft"), custom_args={"invitation_id": invitation_id})


def draft_notice(*, to: str, name: str, subject: str, lines: list[str], draft_url: str = "",
                 category: str = "notice", lang: str = "en", button: str = "") -> OutgoingMessage:
    """A short notice to a co-author or the duty officer (changes requested, approved, overdue, submitted).
    `subject` and `lines` come already translated (the caller knows what it says); the greeting and the button
    are in `lang`."""
    _ = gettext_for(lang)
    paragraphs = [_("Dear %(name)s,") % {"name": name} if name else _("Hello,"), *lines]
    buttons = [Button(button or _("Open the draft"), draft_url)] if draft_url else []
    return _message(to=to, name=name, subject=subject, paragraphs=paragraphs, buttons=buttons, lang=lang,
                    categories=("mobilize", category))
