"""Where an op-ed ran: an editor says "we will run it" or "it ran at <URL>" through the signed link in the email
(`/placements/{token}`) or by replying to the email (SendGrid Inbound Parse). Each placement is kept once per
(op-ed, editor), updated as the editor says more, and leaves as `OpEdPlaced` through the outbox (the authors are
told; the yearly report counts outlets from `queries.outlet_placements`). Handlers take the caller's session.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import OpEdPlaced, utcnow
from db.outbox import add_to_outbox

from . import model
from .model import DistributeError
from .tables import Distribution, DistributionSend, Editor, EditorReply, Outlet, Placement, ReadyTranslation

_PLUS_ID = re.compile(r"\+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@", re.I)


def reply_address(base: str, distribution_id: str) -> str:
    """`desk@x` -> `desk+<distribution id>@x`: a reply names the distribution it answers."""
    local, at, domain = base.partition("@")
    return f"{local}+{distribution_id}@{domain}" if at and distribution_id else base


def send_context(session: Session, send_id: int) -> tuple[DistributionSend, Distribution, str, str]:
    """The ledger row behind a placement link, its distribution, the outlet's name and the op-ed's title."""
    send = session.get(DistributionSend, send_id)
    if send is None:
        raise DistributeError("this link belongs to an email that no longer exists")
    dist = session.get(Distribution, send.distribution_id)
    outlet = session.scalar(select(Outlet.name).join(Editor, Editor.outlet_id == Outlet.id)
                            .where(Editor.id == send.editor_id)) or ""
    title = session.scalar(select(ReadyTranslation.title).where(
        ReadyTranslation.oped_id == dist.oped_id, ReadyTranslation.lang == (send.version_lang or send.lang))) or ""
    return send, dist, outlet, title


def record_placement(session: Session, send_id: int, status: str, url: str = "", *, via: str = "link",
                     note: str = "", now: datetime | None = None) -> Placement:
    """Keep what an editor said about an op-ed (the newest word wins; "ran" is never downgraded to "will run")."""
    now = now or utcnow()
    if status not in model.PLACEMENT_LABELS:
        raise DistributeError("say whether you will run it or where it ran")
    url = model.valid_placement_url(url) if status == model.RAN else ""
    send, dist, outlet, title = send_context(session, send_id)
    placement = session.scalar(select(Placement).where(Placement.oped_id == dist.oped_id,
                                                       Placement.editor_email == send.email))
    if placement is None:
        placement = Placement(id=str(uuid.uuid4()), oped_id=dist.oped_id, distribution_id=dist.id,
                              editor_email=send.email, outlet=outlet or send.email.split("@")[-1],
                              lang=send.version_lang or send.lang, status=status, url=url, via=via, note=note[:2000],
                              created_at=now, updated_at=now)
        session.add(placement)
    elif placement.status == model.RAN and status == model.WILL_RUN:
        return placement  # it already ran: a late "we will run it" changes nothing
    else:
        placement.status, placement.url, placement.via, placement.updated_at = status, url, via, now
        placement.note = note[:2000] or placement.note
    session.flush()
    authors = session.scalar(select(ReadyTranslation.authors).where(ReadyTranslation.oped_id == dist.oped_id)
                             .order_by(ReadyTranslation.lang != ReadyTranslation.source_lang).limit(1))
    add_to_outbox(session, "opeds.placed", OpEdPlaced(
        placement_id=placement.id, oped_id=dist.oped_id, distribution_id=dist.id, outlet=placement.outlet,
        lang=placement.lang, status=status, url=url, via=via, title=title, authors=list(authors or [])))
    return placement


def receive_reply(session: Session, fields: dict[str, str], *, own_hosts: tuple[str, ...] = (),
                  now: datetime | None = None) -> EditorReply:
    """An editor's email reply (Inbound Parse fields): matched to their email by the sender and the
    `+<distribution id>` of the reply address; a link to the article or "we will run it" records a placement.
    Anything else is kept, with the reason, for officers to read."""
    now = now or utcnow()
    sender = (fields.get("from") or "")[:1000]
    addresses = [model.normalize_email(a) for _, a in getaddresses([sender]) if a]
    text = (fields.get("text") or "")[:100_000]
    reply = EditorReply(sender=sender, subject=(fields.get("subject") or "")[:1000], text=text, status="unmatched",
                        reason="", placement_id="", received_at=now)
    session.add(reply)
    found = _PLUS_ID.search((fields.get("to") or "") + " " + (fields.get("envelope") or ""))
    query = select(DistributionSend).where(DistributionSend.email.in_(addresses or [""]),
                                           DistributionSend.status == "sent")
    if found:
        query = query.where(DistributionSend.distribution_id == found.group(1).lower())
    send = session.scalar(query.order_by(DistributionSend.updated_at.desc()).limit(1))
    if send is None:
        reply.reason = ("no op-ed was sent to " + (", ".join(addresses) or "this sender")
                        + (" in the distribution this reply answers" if found else ""))
        session.flush()
        return reply
    reply.distribution_id = send.distribution_id
    said = model.placement_from_reply(text, own_hosts)
    if said is None:
        reply.status, reply.reason = "matched", "the reply gives no link and does not say the outlet will run it"
        session.flush()
        return reply
    status, url = said
    placement = record_placement(session, send.id, status, url, via="reply", note=reply.subject, now=now)
    reply.status, reply.placement_id = "placed", placement.id
    reply.reason = model.PLACEMENT_LABELS[status] + (f" at {url}" if url else "")
    session.flush()
    return reply
