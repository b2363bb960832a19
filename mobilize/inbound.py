"""Inbound mail: a member's email reply (SendGrid Inbound Parse) attached to its invitation by the reply address."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from .incident import Deps, note
from .tables import InboundReply, Invitation, Member


def attach_reply(session: Session, deps: Deps, fields: dict[str, str], *, attach: bool = True) -> InboundReply:
    """A reply from SendGrid Inbound Parse: attached to its invitation by the reply address, else kept rejected.

    `attach=False` (an unauthenticated or unreadable post) keeps it rejected whatever its address.
    """
    now = deps.now()
    to = (fields.get("to") or "")[:1000]
    envelope = fields.get("envelope") or ""
    reply = InboundReply(status="rejected", to=to, sender=(fields.get("from") or "")[:1000],
                         subject=(fields.get("subject") or "")[:1000], text=(fields.get("text") or "")[:100_000],
                         fields={k: v[:20_000] for k, v in fields.items() if isinstance(v, str)}, received_at=now)
    token = _reply_token(to + " " + envelope, deps.settings.mail.reply_domain)
    invitation = session.scalar(select(Invitation).where(Invitation.reply_token == token)) if token else None
    if not attach:
        reply.reason = "not attached"
    elif not to and not envelope:
        reply.reason = "no recipient: the post has no 'to' or 'envelope' field"
    elif invitation is None:
        reply.reason = f"no invitation has this reply address ({to[:200]})"
    else:
        member = session.get(Member, invitation.member_id)
        reply.status, reply.invitation_id = "attached", invitation.id
        note(session, invitation.mobilization_id, member.name, "reply",
             f"Email reply from {member.name}: {reply.subject or '(no subject)'}", now)
    session.add(reply)
    session.flush()
    return reply


def _reply_token(addresses: str, domain: str) -> str:
    match = re.search(r"reply\+([0-9a-f]{20})@" + re.escape(domain.lower()), addresses.lower())
    return match.group(1) if match else ""
