"""Who receives op-eds: editors (CSV import), hand-made lists, segments, and the do-not-contact list.

Each handler takes the caller's session; the caller (a route, the CLI, the demo seed) opens and commits the
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import utcnow

from . import model
from .model import DistributeError
from .tables import Editor, EditorList, ListMember, Outlet, Segment, Suppression

log = structlog.get_logger(__name__)


@dataclass
class ImportResult:
    """What an import did: counts and the rows it refused, each with a reason."""

    created: int = 0
    updated: int = 0
    suppressed: int = 0
    bad: list[model.BadRow] = field(default_factory=list)


def import_editors(session: Session, data: bytes | str, now: datetime | None = None) -> ImportResult:
    """Create or update editors from a CSV; bad rows are reported, never half-imported."""
    parsed = model.parse_editors_csv(data)
    result = ImportResult(bad=parsed.bad)
    at = now or utcnow()
    outlets = {o.name: o for o in session.scalars(select(Outlet))}
    existing = {e.email: e for e in session.scalars(
        select(Editor).where(Editor.email.in_([r.email for r in parsed.rows])))} if parsed.rows else {}
    suppressed = set(session.scalars(select(Suppression.email).where(
        Suppression.email.in_([r.email for r in parsed.rows])))) if parsed.rows else set()
    for row in parsed.rows:
        outlet = None
        if row.outlet:
            outlet = outlets.get(row.outlet)
            if outlet is None:
                outlet = Outlet(name=row.outlet, country=row.country, region=row.region, created_at=at)
                session.add(outlet)
                session.flush()
                outlets[row.outlet] = outlet
        editor = existing.get(row.email)
        if editor is None:
            session.add(Editor(email=row.email, name=row.name, outlet_id=outlet.id if outlet else None,
                               language=row.language, region=row.region, beat=row.beat,
                               opt_in_source=row.opt_in_source, created_at=at))
            result.created += 1
        else:
            editor.name, editor.language, editor.region = row.name, row.language, row.region
            editor.beat, editor.opt_in_source = row.beat, row.opt_in_source
            editor.outlet_id = outlet.id if outlet else editor.outlet_id
            result.updated += 1
        result.suppressed += row.email in suppressed
    log.info("distribute.imported", created=result.created, updated=result.updated, bad=len(result.bad))
    return result


def create_list(session: Session, name: str, emails: list[str]) -> int:
    """A named list of editors (by address); unknown addresses are an error naming them."""
    wanted = {model.normalize_email(e) for e in emails if e.strip()}
    editors = {e.email: e.id for e in session.scalars(select(Editor).where(Editor.email.in_(wanted)))}
    unknown = sorted(wanted - set(editors))
    if unknown:
        raise DistributeError(f"not in the editors registry: {', '.join(unknown[:10])}")
    lst = EditorList(name=name.strip(), created_at=utcnow())
    session.add(lst)
    session.flush()
    for editor_id in editors.values():
        session.add(ListMember(list_id=lst.id, editor_id=editor_id))
    return lst.id


def create_segment(session: Session, name: str, criteria: model.Criteria) -> int:
    """A saved selection of editors."""
    if not name.strip():
        raise DistributeError("a segment needs a name")
    if session.scalar(select(Segment.id).where(Segment.name == name.strip())) is not None:
        raise DistributeError(f"a segment named {name.strip()!r} exists already")
    segment = Segment(name=name.strip(), criteria=criteria.to_dict(), created_at=utcnow())
    session.add(segment)
    session.flush()
    return segment.id


def suppress(session: Session, email: str, reason: str, detail: str = "", now: datetime | None = None) -> bool:
    """Put an address on the do-not-contact list for good; False if it was there already."""
    email = model.normalize_email(email)
    if session.get(Suppression, email) is not None:
        return False
    session.add(Suppression(email=email, reason=reason, detail=detail[:2000], created_at=now or utcnow()))
    session.flush()
    return True


def add_to_do_not_contact(session: Session, email: str, detail: str = "") -> bool:
    """An officer puts an address on the do-not-contact list."""
    if not model.valid_email(model.normalize_email(email)):
        raise DistributeError(f"not an email address: {email!r}")
    return suppress(session, email, "manual", detail)


def unsubscribe(session: Session, secret: str, token: str) -> str:
    """One-click unsubscribe from a signed link; returns the address (suppressed for good)."""
    read = model.read_unsubscribe_token(secret, token)
    if read is None:
        raise DistributeError("this unsubscribe link is not valid")
    email, distribution_id = read
    if suppress(session, email, "unsubscribe", f"one-click link of distribution {distribution_id}"):
        log.info("distribute.unsubscribed", distribution_id=distribution_id)
    return email
