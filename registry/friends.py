"""The Group of Friends as a process: focal points per member (a State or an organization of the `friends`
registry), consultations sent to them through mail/'s ledger, and their replies collected by a signed link.

- `add_focal_point(session, friend_id, name=..., email=...)`: a member must exist (and be active) in the registry.
- `create_consultation(session, title=..., body=..., deadline=..., created_by=...)`: a draft.
- `send_consultation(session, consultation_id, links, mail_settings)`: one email per focal point, queued in the
  mail ledger under purpose `friends.consultation` with the consultation's id as attempt key, so sending twice (or
  a retried transaction) never gives anyone a second copy. Each email carries the focal point's own reply link
  (valid until the deadline) and a one-click unsubscribe (List-Unsubscribe + List-Unsubscribe-Post). A focal point
  who unsubscribed gets nothing. The ledger rows leave with `mail.ledger.deliver_queued` (the web route and the
  registry worker call it).
- `reply(session, consultation_id, focal_point_id, position=..., text=...)`: saved; can be changed until the deadline.
Every step is a `programmes.stepped` event (programme "friends") through the outbox.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus.records import utcnow
from links import SignedLinks
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from . import tables as t
from . import tables_public as tp
from .programmes import record_step

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PURPOSE = "friends.consultation"
REPLY_LINK = "friends-reply"
UNSUBSCRIBE_LINK = "friends-unsubscribe"
POSITIONS = {"support": "We support it", "with_changes": "We support it with changes",
             "object": "We object", "no_position": "No position for now"}


class FriendsError(ValueError):
    """A Group of Friends step that cannot be done; the message is a sentence for the person who tried."""


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- focal points ----------------------------------------------------------------------------------------------

def add_focal_point(session: Session, friend_id: str, *, name: str, email: str, lang: str = "en",
                    now: datetime | None = None) -> str:
    """Add a focal point to a member of the Group of Friends; returns its id."""
    now = now or utcnow()
    friend = session.get(t.FriendRow, friend_id)
    if friend is None or friend.status != "active":
        raise FriendsError("Choose a member of the Group of Friends from the registry.")
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise FriendsError("Give the focal point's name.")
    if not EMAIL.match(email):
        raise FriendsError("Give the focal point's email address, e.g. name@example.org.")
    exists = session.scalar(select(tp.FocalPointRow.id).where(tp.FocalPointRow.friend_id == friend_id,
                                                            tp.FocalPointRow.email == email))
    if exists:
        raise FriendsError(f"{email} is already a focal point of {friend.title}.")
    focal_id = f"fp-{uuid.uuid4().hex[:12]}"
    session.add(tp.FocalPointRow(id=focal_id, friend_id=friend_id, name=name[:200], email=email[:254],
                                 lang=(lang or "en")[:8], active=True, created_at=now))
    record_step(session, "friends", friend_id, "focal_point_added", text=f"{name} <{email}>", now=now)
    return focal_id


def focal_points(session: Session, *, only_reachable: bool = False) -> list[dict]:
    """Focal points with their member's name, by member."""
    stmt = (select(tp.FocalPointRow, t.FriendRow.title, t.FriendRow.kind)
            .join(t.FriendRow, t.FriendRow.id == tp.FocalPointRow.friend_id)
            .where(t.FriendRow.status == "active").order_by(t.FriendRow.title, tp.FocalPointRow.name))
    if only_reachable:
        stmt = stmt.where(tp.FocalPointRow.active.is_(True), tp.FocalPointRow.unsubscribed_at.is_(None))
    return [{"id": fp.id, "friend_id": fp.friend_id, "member": title, "kind": kind, "name": fp.name,
             "email": fp.email, "lang": fp.lang, "unsubscribed": fp.unsubscribed_at is not None}
            for fp, title, kind in session.execute(stmt)]


def unsubscribe(session: Session, focal_point_id: str, now: datetime | None = None) -> bool:
    """Stop consultations to this focal point; False if they had already unsubscribed."""
    row = session.get(tp.FocalPointRow, focal_point_id)
    if row is None:
        raise FriendsError("This focal point is no longer on our list.")
    if row.unsubscribed_at is not None:
        return False
    row.unsubscribed_at = now or utcnow()
    record_step(session, "friends", row.friend_id, "focal_point_unsubscribed", text=row.email, now=row.unsubscribed_at)
    return True


# --- consultations ---------------------------------------------------------------------------------------------

def create_consultation(session: Session, *, title: str, body: str, deadline: datetime, created_by: str,
                        now: datetime | None = None) -> str:
    """A draft consultation; returns its id."""
    now = now or utcnow()
    title, body = (title or "").strip(), (body or "").strip()
    errors = []
    if not title:
        errors.append("Give the consultation a title.")
    if not body:
        errors.append("Write the question or text the focal points are consulted on.")
    if _aware(deadline) <= now:
        errors.append("The deadline must be in the future.")
    if errors:
        raise FriendsError(" ".join(errors))
    consultation_id = f"cons-{uuid.uuid4().hex[:12]}"
    session.add(tp.ConsultationRow(id=consultation_id, title=title[:300], body=body[:20_000], deadline=deadline,
                                   status="draft", created_by=created_by, created_at=now))
    record_step(session, "friends", consultation_id, "consultation_drafted", actor=created_by, text=title, now=now)
    return consultation_id


def send_consultation(session: Session, consultation_id: str, links: SignedLinks, *, actor: str = "",
                      from_address: str = "", from_name: str = "", now: datetime | None = None) -> int:
    """Queue the consultation's email to every reachable focal point (once each); returns how many were queued."""
    now = now or utcnow()
    consultation = session.get(tp.ConsultationRow, consultation_id)
    if consultation is None:
        raise FriendsError("There is no such consultation.")
    if _aware(consultation.deadline) <= now:
        raise FriendsError("The deadline of this consultation has passed: it can no longer be sent.")
    max_age = int((_aware(consultation.deadline) - now).total_seconds()) + 60
    queued = 0
    for fp in focal_points(session, only_reachable=True):
        reply_token = links.make_link(REPLY_LINK, f"{consultation_id}:{fp['id']}", max_age=max_age)
        stop_token = links.make_link(UNSUBSCRIBE_LINK, fp["id"], max_age=5 * 365 * 24 * 3600)
        reply_url = links.url("/friends/reply/{token}", reply_token)
        stop_url = links.url("/friends/unsubscribe/{token}", stop_token)
        deadline = _aware(consultation.deadline).strftime("%d %B %Y, %H:%M UTC")
        text = (f"Dear {fp['name']},\n\nThe Secretariat of the Alliance of Civilizations consults the Group of Friends"
                f" ({fp['member']}):\n\n{consultation.title}\n\n{consultation.body}\n\nPlease reply by {deadline} at"
                f"\n{reply_url}\n(you can change your reply until then).\n\nTo receive no more consultations: "
                f"{stop_url}\n")
        message = OutgoingMessage(to=fp["email"], to_name=fp["name"], subject=f"Consultation: {consultation.title}",
                                  text=text, from_address=from_address, from_name=from_name,
                                  headers={"List-Unsubscribe": f"<{stop_url}>",
                                           "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                                  categories=("friends-consultation",))
        if queue_mail(session, message, purpose=PURPOSE, attempt_key=consultation_id, ref=consultation_id,
                      now=now) is None:
            continue
        if session.get(tp.ConsultationRecipientRow, (consultation_id, fp["id"])) is None:
            session.add(tp.ConsultationRecipientRow(consultation_id=consultation_id, focal_point_id=fp["id"],
                                                    sent_at=now))
        queued += 1
    if consultation.status == "draft":
        consultation.status, consultation.sent_at = "sent", now
    record_step(session, "friends", consultation_id, "consultation_sent", actor=actor,
                text=f"sent to {queued} focal points", data={"recipients": queued}, now=now)
    return queued


def reply_subject(links: SignedLinks, token: str) -> tuple[str, str]:
    """(consultation_id, focal_point_id) of a reply link (raises links' LinkError when forged or expired)."""
    consultation_id, _, focal_point_id = links.subject_of(token, REPLY_LINK).partition(":")
    return consultation_id, focal_point_id


def reply(session: Session, consultation_id: str, focal_point_id: str, *, position: str, text: str,
          now: datetime | None = None) -> None:
    """Save (or change) a focal point's reply before the deadline."""
    now = now or utcnow()
    consultation = session.get(tp.ConsultationRow, consultation_id)
    row = session.get(tp.ConsultationRecipientRow, (consultation_id, focal_point_id))
    if consultation is None or row is None:
        raise FriendsError("This consultation was not sent to you.")
    if _aware(consultation.deadline) <= now:
        raise FriendsError("The deadline of this consultation has passed: replies are closed.")
    if position not in POSITIONS:
        raise FriendsError("Choose your position.")
    first = row.replied_at is None
    row.position, row.reply, row.replied_at = position, (text or "").strip()[:20_000], now
    record_step(session, "friends", consultation_id, "reply_received" if first else "reply_changed",
                actor=focal_point_id, text=POSITIONS[position], now=now)


def consultations(session: Session) -> list[dict]:
    """Every consultation with its counts of recipients and replies, newest first."""
    R = tp.ConsultationRecipientRow
    counts = {cid: (n, r) for cid, n, r in session.execute(
        select(R.consultation_id, func.count(), func.count(R.replied_at)).group_by(R.consultation_id))}
    return [{"id": c.id, "title": c.title, "status": c.status, "deadline": _aware(c.deadline), "sent_at": c.sent_at,
             "recipients": counts.get(c.id, (0, 0))[0], "replies": counts.get(c.id, (0, 0))[1]}
            for c in session.scalars(select(tp.ConsultationRow).order_by(tp.ConsultationRow.created_at.desc()))]


def consultation(session: Session, consultation_id: str) -> dict | None:
    """One consultation with each recipient and reply."""
    c = session.get(tp.ConsultationRow, consultation_id)
    if c is None:
        return None
    R, F = tp.ConsultationRecipientRow, tp.FocalPointRow
    rows = session.execute(select(R, F.name, F.email, t.FriendRow.title)
                           .join(F, F.id == R.focal_point_id).join(t.FriendRow, t.FriendRow.id == F.friend_id)
                           .where(R.consultation_id == consultation_id).order_by(t.FriendRow.title, F.name))
    recipients = [{"focal_point_id": r.focal_point_id, "name": name, "email": email, "member": member,
                   "position": POSITIONS.get(r.position, ""), "reply": r.reply, "replied_at": r.replied_at}
                  for r, name, email, member in rows]
    return {"id": c.id, "title": c.title, "body": c.body, "status": c.status, "deadline": _aware(c.deadline),
            "sent_at": c.sent_at, "created_by": c.created_by, "recipients": recipients,
            "open": _aware(c.deadline) > utcnow()}


def reply_of(session: Session, consultation_id: str, focal_point_id: str) -> dict | None:
    """What a focal point sees on their reply page."""
    c = session.get(tp.ConsultationRow, consultation_id)
    r = session.get(tp.ConsultationRecipientRow, (consultation_id, focal_point_id))
    fp = session.get(tp.FocalPointRow, focal_point_id)
    if c is None or r is None or fp is None:
        return None
    return {"title": c.title, "body": c.body, "deadline": _aware(c.deadline), "name": fp.name,
            "position": r.position, "reply": r.reply, "replied_at": r.replied_at,
            "open": _aware(c.deadline) > utcnow()}


def default_deadline(now: datetime | None = None) -> datetime:
    """Two weeks from now, at noon UTC."""
    when = (now or utcnow()) + timedelta(days=14)
    return when.replace(hour=12, minute=0, second=0, microsecond=0)
