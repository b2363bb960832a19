"""distribute/'s side of the newsletter: registry/ composes an issue and publishes `newsletter.issues`
(NewsletterIssueReady) with its confirmed subscribers; this consumer queues one email per subscriber in the mail
ledger (purpose `newsletter`, the issue id as attempt key: a redelivered command or a second hand-over never sends a
second copy), each with its own one-click unsubscribe (List-Unsubscribe + List-Unsubscribe-Post, RFC 8058). The
ledger's deliverer sends them with the configured mailer (`mail.ledger.deliver_queued`, run by the workers' ticks).

Addresses on distribute's suppression list (unsubscribed editors, bounces, complaints) are skipped as well.
"""

from __future__ import annotations

import html

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import NewsletterIssueReady
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from .model import RecordRefused
from .tables import Suppression

log = structlog.get_logger(__name__)

PURPOSE = "newsletter"


def _suppressed(session: Session, emails: list[str]) -> set[str]:
    if not emails:
        return set()
    return {e.lower() for e in session.scalars(select(Suppression.email).where(Suppression.email.in_(emails)))}


def queue_issue(session: Session, record: NewsletterIssueReady, *, from_address: str = "",
                from_name: str = "") -> int:
    """Queue the issue's email for each recipient (in the caller's transaction); returns how many were queued."""
    if not record.issue_id or not record.subject or not (record.text or record.html):
        raise RecordRefused("newsletter issue without issue_id, subject or content")
    recipients = [r for r in (record.recipients or []) if isinstance(r, dict) and r.get("email")]
    skip = _suppressed(session, [r["email"].strip().lower() for r in recipients])
    queued = 0
    for r in recipients:
        email = r["email"].strip().lower()
        if email in skip:
            continue
        url = str(r.get("unsubscribe_url") or "")
        text = record.text + (f"\n--\nUnsubscribe with one click: {url}\n" if url else "")
        body = record.html + (f'<hr><p><a href="{html.escape(url)}">Unsubscribe</a> with one click.</p>'
                              if url else "")
        headers = ({"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
                   if url else {})
        message = OutgoingMessage(to=email, to_name=str(r.get("name") or ""), subject=record.subject, text=text,
                                  html=body, from_address=from_address, from_name=from_name, headers=headers,
                                  categories=("newsletter",), custom_args={"issue_id": record.issue_id})
        if queue_mail(session, message, purpose=PURPOSE, attempt_key=record.issue_id, ref=record.issue_id) is not None:
            queued += 1
    log.info("distribute.newsletter_queued", issue_id=record.issue_id, queued=queued, suppressed=len(skip))
    return queued
