"""The electronic newsletter: double opt-in subscribers, issues composed from the registry's activity and released
op-eds, handed to distribute/ to send, one-click unsubscribe.

- `sign_up(session, links, email=..., name=..., lang=...)`: a `pending` subscriber and a confirmation email (mail
  ledger, purpose `newsletter.confirm`, at most one per address and hour). Nobody gets an issue before confirming.
- `confirm(session, subscriber_id)` (from the link in that email) and `unsubscribe(session, subscriber_id)` (from
  the one-click link in every issue: List-Unsubscribe + List-Unsubscribe-Post, RFC 8058).
- `compose(session, period_start, period_end, created_by=...)`: a draft issue listing what happened in the period
  (released op-eds, new Clearinghouse resources, fora outcomes, projects, upcoming fora), from registry's tables.
- `send_issue(session, issue_id, links, actor=...)`: a `NewsletterIssueReady` command on `newsletter.issues`
  (through the outbox) with every confirmed subscriber and their own unsubscribe link. registry never imports
  distribute: `distribute/newsletter.py` consumes the command and queues one email per subscriber in the mail
  ledger (purpose `newsletter`, the issue id as attempt key: never two copies).
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus.records import NewsletterIssueReady, utcnow
from db.outbox import add_to_outbox
from links import SignedLinks
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from . import fora
from . import tables as t
from . import tables_public as tp
from .programmes import record_step
from .publicforms import Field, PublicForm

CONFIRM_LINK = "newsletter-confirm"
UNSUBSCRIBE_LINK = "newsletter-unsubscribe"
CONFIRM_PURPOSE = "newsletter.confirm"
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "tr": "Türkçe", "de": "Deutsch"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONFIRM_FOR_S = 7 * 24 * 3600
UNSUBSCRIBE_FOR_S = 10 * 365 * 24 * 3600

SIGNUP = PublicForm("newsletter.signup", (
    Field("email", "Email", kind="email", required=True, hint="We send a message to confirm it is yours."),
    Field("name", "Your name", max_chars=200),
    Field("lang", "Language you prefer", kind="select", required=True, options=tuple(LANGUAGES.items())),
    Field("consent", "Send me the Alliance's newsletter; I can unsubscribe with one click in every issue",
          kind="checkbox", required=True),
))


class NewsletterError(ValueError):
    """A newsletter step that cannot be done; the message is a sentence for the person who tried."""


# --- subscribers -----------------------------------------------------------------------------------------------

def sign_up(session: Session, links: SignedLinks, *, email: str, name: str = "", lang: str = "en",
            from_address: str = "", from_name: str = "", now: datetime | None = None) -> str:
    """Add (or re-add) a pending subscriber and queue the confirmation email; returns the subscriber id.

    An address already confirmed stays as it is (and no email is sent: nobody learns whether it is subscribed).
    """
    now = now or utcnow()
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise NewsletterError("Give your email address, e.g. name@example.org.")
    lang = lang if lang in LANGUAGES else "en"
    row = session.scalar(select(tp.SubscriberRow).where(tp.SubscriberRow.email == email))
    if row is None:
        row = tp.SubscriberRow(id=f"sub-{uuid.uuid4().hex[:16]}", email=email[:254], status="pending",
                               created_at=now)
        session.add(row)
    elif row.status == "confirmed":
        return row.id
    row.name, row.lang = (name or "").strip()[:200], lang
    if row.status == "unsubscribed":
        row.status, row.unsubscribed_at = "pending", None
    session.flush()
    token = links.make_link(CONFIRM_LINK, row.id, max_age=CONFIRM_FOR_S)
    url = links.url("/newsletter/confirm/{token}", token)
    hello = f"Dear {row.name}," if row.name else "Hello,"
    text = (f"{hello}\n\nPlease confirm that you want to receive the newsletter of the Alliance of Civilizations:\n"
            f"{url}\n\nIf you did not ask for it, ignore this message: you will receive nothing.\n")
    message = OutgoingMessage(to=email, to_name=row.name, subject="Confirm your subscription to the AoC newsletter",
                              text=text, from_address=from_address, from_name=from_name,
                              categories=("newsletter-confirm",))
    hour = now.astimezone(UTC).strftime("%Y%m%d%H")
    queue_mail(session, message, purpose=CONFIRM_PURPOSE, attempt_key=f"{row.id}:{hour}", ref=row.id, now=now)
    return row.id


def confirm(session: Session, subscriber_id: str, now: datetime | None = None) -> dict:
    """Confirm a subscription (idempotent); returns the subscriber."""
    row = session.get(tp.SubscriberRow, subscriber_id)
    if row is None:
        raise NewsletterError("This subscription no longer exists: sign up again.")
    if row.status == "unsubscribed":
        raise NewsletterError("You unsubscribed after this link was sent: sign up again to receive the newsletter.")
    if row.status == "pending":
        row.status, row.confirmed_at = "confirmed", now or utcnow()
        record_step(session, "newsletter", row.id, "subscribed", text=row.lang, now=row.confirmed_at)
    return {"email": row.email, "status": row.status, "lang": row.lang}


def unsubscribe(session: Session, subscriber_id: str, now: datetime | None = None) -> bool:
    """One-click unsubscribe; False when already unsubscribed (or unknown: the page says the same)."""
    row = session.get(tp.SubscriberRow, subscriber_id)
    if row is None or row.status == "unsubscribed":
        return False
    row.status, row.unsubscribed_at = "unsubscribed", now or utcnow()
    record_step(session, "newsletter", row.id, "unsubscribed", now=row.unsubscribed_at)
    return True


def subscriber_counts(session: Session) -> dict[str, int]:
    """Subscribers per status."""
    S = tp.SubscriberRow
    counts = dict(session.execute(select(S.status, func.count()).group_by(S.status)).all())
    return {status: counts.get(status, 0) for status in ("pending", "confirmed", "unsubscribed")}


# --- issues ----------------------------------------------------------------------------------------------------

def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time(0), tzinfo=UTC), datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)


def activity(session: Session, period_start: date, period_end: date) -> list[dict]:
    """What happened in the period, as newsletter items: {section, title, text, link}."""
    if period_end < period_start:
        raise NewsletterError("The period ends before it starts.")
    start, end = _day_bounds(period_start, period_end)
    items: list[dict] = []
    for oped in session.scalars(select(t.OpEdRow).where(t.OpEdRow.released_at >= start, t.OpEdRow.released_at < end)
                                .order_by(t.OpEdRow.released_at)):
        items.append({"section": "Op-eds", "title": oped.title, "text": _first_words(oped.body),
                      "link": f"/clearinghouse/oped-{oped.oped_id}"[:80]})
    for res in session.scalars(select(t.ResourceRow).where(
            t.ResourceRow.status == "active", t.ResourceRow.kind != "oped", t.ResourceRow.created_at >= start,
            t.ResourceRow.created_at < end).order_by(t.ResourceRow.created_at)):
        items.append({"section": "New in the Clearinghouse", "title": res.title, "text": "",
                      "link": f"/clearinghouse/{res.id}"})
    for outcome in fora.outcomes(session):
        if period_start <= outcome["announced_on"] <= period_end:
            items.append({"section": "Fora", "title": f"{outcome['kind_label']}: {outcome['title']}",
                          "text": f"At {outcome['forum']}. {outcome['summary']}".strip(), "link": ""})
    for project in session.scalars(select(t.ProjectRow).where(
            t.ProjectRow.status == "active", t.ProjectRow.created_at >= start, t.ProjectRow.created_at < end)):
        items.append({"section": "Projects", "title": project.title, "text": project.data.get("summary", ""),
                      "link": ""})
    for forum in fora.fora(session, upcoming_only=True, now=end):
        if forum["starts_on"] <= period_end + timedelta(days=90):
            items.append({"section": "Coming up", "title": forum["name"],
                          "text": f"{forum['starts_on']:%d %B %Y}, {forum['city']}".strip(", "),
                          "link": f"/fora/{forum['id']}"})
    return items


def _first_words(body: str, limit: int = 300) -> str:
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body or "")).strip()
    return plain if len(plain) <= limit else plain[:limit].rsplit(" ", 1)[0] + "…"


def compose(session: Session, period_start: date, period_end: date, *, created_by: str, title: str = "",
            now: datetime | None = None) -> str:
    """A draft issue of the period's activity; returns its id (NewsletterError when nothing happened)."""
    now = now or utcnow()
    items = activity(session, period_start, period_end)
    if not items:
        raise NewsletterError("Nothing happened in this period: choose a longer one.")
    issue_id = f"nl-{uuid.uuid4().hex[:12]}"
    title = (title or "").strip() or f"Alliance of Civilizations newsletter, {period_end:%B %Y}"
    session.add(tp.NewsletterIssueRow(id=issue_id, title=title[:300], period_start=period_start,
                                      period_end=period_end, items=items, status="draft", recipients=0,
                                      created_by=created_by, created_at=now))
    record_step(session, "newsletter", issue_id, "composed", actor=created_by, text=title,
                data={"items": len(items)}, now=now)
    return issue_id


def render(issue: tp.NewsletterIssueRow, base_url: str) -> tuple[str, str]:
    """(text, html) of an issue (without the unsubscribe line, which distribute adds per subscriber)."""
    sections: dict[str, list[dict]] = {}
    for item in issue.items:
        sections.setdefault(item["section"], []).append(item)
    lines = [issue.title, "=" * min(len(issue.title), 70), ""]
    parts = [f"<h1>{html.escape(issue.title)}</h1>"]
    for section, items in sections.items():
        lines += [section, "-" * len(section)]
        parts.append(f"<h2>{html.escape(section)}</h2><ul>")
        for item in items:
            link = f"{base_url}{item['link']}" if item["link"] else ""
            lines.append(f"* {item['title']}" + (f"\n  {item['text']}" if item["text"] else "")
                         + (f"\n  {link}" if link else ""))
            title = html.escape(item["title"])
            title = f'<a href="{html.escape(link)}">{title}</a>' if link else title
            parts.append(f"<li><strong>{title}</strong>"
                         + (f"<br>{html.escape(item['text'])}" if item["text"] else "") + "</li>")
        lines.append("")
        parts.append("</ul>")
    return "\n".join(lines), "\n".join(parts)


def send_issue(session: Session, issue_id: str, links: SignedLinks, *, actor: str,
               now: datetime | None = None) -> int:
    """Hand a draft issue to distribute/ for every confirmed subscriber; returns how many."""
    now = now or utcnow()
    issue = session.get(tp.NewsletterIssueRow, issue_id)
    if issue is None:
        raise NewsletterError("There is no such issue.")
    if issue.status != "draft":
        raise NewsletterError("This issue was already sent.")
    subscribers = list(session.scalars(select(tp.SubscriberRow).where(tp.SubscriberRow.status == "confirmed")
                                       .order_by(tp.SubscriberRow.created_at)))
    if not subscribers:
        raise NewsletterError("Nobody has confirmed a subscription yet: there is no one to send it to.")
    recipients = [{"email": s.email, "name": s.name,
                   "unsubscribe_url": links.url("/newsletter/unsubscribe/{token}",
                                                links.make_link(UNSUBSCRIBE_LINK, s.id, max_age=UNSUBSCRIBE_FOR_S))}
                  for s in subscribers]
    text, body = render(issue, links.url("", ""))
    add_to_outbox(session, "newsletter.issues", NewsletterIssueReady(
        issue_id=issue.id, subject=issue.title, text=text, html=body, recipients=recipients, occurred_at=now))
    issue.status, issue.sent_at, issue.recipients = "sent", now, len(recipients)
    record_step(session, "newsletter", issue_id, "handed_to_distribute", actor=actor,
                text=f"{len(recipients)} subscribers", data={"recipients": len(recipients)}, now=now)
    return len(recipients)


def issues(session: Session) -> list[dict]:
    """Every issue, newest first."""
    return [{"id": i.id, "title": i.title, "period_start": i.period_start, "period_end": i.period_end,
             "items": len(i.items or []), "status": i.status, "recipients": i.recipients, "sent_at": i.sent_at}
            for i in session.scalars(select(tp.NewsletterIssueRow).order_by(tp.NewsletterIssueRow.created_at.desc()))]


def issue(session: Session, issue_id: str) -> tp.NewsletterIssueRow | None:
    """One issue row (for its page)."""
    return session.get(tp.NewsletterIssueRow, issue_id)
