"""The network's members: create or update one (the CSV import and the console's form both call this)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import deterministic_id

from .incident import Deps
from .tables import Member


def upsert_member(session: Session, deps: Deps, data: dict) -> tuple[Member, bool]:
    """Create or update a member by email; returns (member, created). `data` is validated by `network.parse_row`."""
    now = deps.now()
    member = session.scalar(select(Member).where(Member.email == data["email"]))
    created = member is None
    if created:
        member = Member(id=deterministic_id("member", data["email"]), created_at=now, updated_at=now, **data)
        session.add(member)
    else:
        for key, value in data.items():
            setattr(member, key, value)
        member.updated_at = now
    session.flush()
    return member, created
