"""The emails mobilize/ sends, as `OutgoingMessage` values (text and a small HTML alternative)."""

from __future__ import annotations

from html import escape

from mail.ports import OutgoingMessage

#: Link purposes (the links package): one token per action, each usable once.
ACCEPT, DECLINE, DRAFT = "mobilize.accept", "mobilize.decline", "mobilize.draft"
#: Paths of the member pages (web/routes/mobilize.py).
ANSWER_PATH = "/m/answer/{token}"
DRAFT_PATH = "/m/draft/{token}"


def _html(paragraphs: list[str], links: list[tuple[str, str]]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    body += "".join(f'<p><a href="{escape(url)}">{escape(label)}</a></p>' for label, url in links)
    return f"<!doctype html><html><body>{body}</body></html>"


def _text(paragraphs: list[str], links: list[tuple[str, str]]) -> str:
    return "\n\n".join(paragraphs + [f"{label}:\n{url}" for label, url in links]) + "\n"


def invitation(*, to: str, name: str, story_title: str, reason: str, accept_url: str, decline_url: str,
               reply_to: str, deadline: str, invitation_id: str, reminder: bool = False) -> OutgoingMessage:
    """The page to a member: accept or decline links, and a reply address that reaches the secretariat."""
    lead = "Reminder: we still need your answer." if reminder else "The Alliance of Civilizations' secretariat " \
        "would like you to co-author an op-ed, quickly, on a story that risks polarizing communities."
    paragraphs = [
        f"Dear {name},",
        lead,
        f"Story: {story_title}",
        *([f"Why you: {reason}"] if reason else []),
        f"Please answer by {deadline}. If you accept, you will get a link to a shared draft with your co-author.",
        "You can also reply to this email with a question.",
    ]
    links = [("Accept", accept_url), ("Decline", decline_url)]
    return OutgoingMessage(
        to=to, to_name=name, reply_to=reply_to,
        subject=("Reminder: " if reminder else "") + f"Op-ed request: {story_title}",
        text=_text(paragraphs, links), html=_html(paragraphs, links),
        categories=("mobilize", "reminder" if reminder else "invitation"),
        custom_args={"invitation_id": invitation_id},
    )


def draft_open(*, to: str, name: str, story_title: str, coauthors: list[str], draft_url: str, due: str,
               invitation_id: str) -> OutgoingMessage:
    """To each co-author once the quorum is reached: the link to the shared draft."""
    others = ", ".join(coauthors) or "the secretariat"
    paragraphs = [f"Dear {name},", f"Thank you for accepting. You are writing with {others}.",
                  f"Story: {story_title}", f"The secretariat hopes to review a draft by {due}."]
    links = [("Open the shared draft", draft_url)]
    return OutgoingMessage(to=to, to_name=name, subject=f"Your shared draft: {story_title}",
                           text=_text(paragraphs, links), html=_html(paragraphs, links),
                           categories=("mobilize", "draft"), custom_args={"invitation_id": invitation_id})


def draft_notice(*, to: str, name: str, subject: str, lines: list[str], draft_url: str = "",
                 category: str = "notice") -> OutgoingMessage:
    """A short notice to a co-author or the duty officer (changes requested, approved, overdue, submitted)."""
    paragraphs = [f"Dear {name}," if name else "Hello,", *lines]
    links = [("Open the draft", draft_url)] if draft_url else []
    return OutgoingMessage(to=to, to_name=name, subject=subject, text=_text(paragraphs, links),
                           html=_html(paragraphs, links), categories=("mobilize", category))
