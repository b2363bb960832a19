"""The read side of registry/ for pages, the CSV import and the report: plain dicts, no ORM objects leak out.

The Clearinghouse search runs a LIKE per word over text normalized the same way as the query (accents and case
folded), so it behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import model
from . import tables as t
from .handlers import TABLES


def counts(session: Session) -> dict[str, int]:
    """Active entries per registry."""
    return {name: session.scalar(select(func.count()).select_from(spec.table)
                                 .where(spec.table.status == "active")) or 0
            for name, spec in TABLES.items()}


def entries(session: Session, registry: str, *, include_retired: bool = False, limit: int = 500) -> list[dict]:
    """A registry's entries, newest first."""
    table = TABLES[registry].table
    query = select(table).order_by(table.updated_at.desc()).limit(limit)
    if not include_retired:
        query = query.where(table.status == "active")
    return [_row(r) for r in session.scalars(query)]


def entry(session: Session, registry: str, entity_id: str) -> dict | None:
    """One entry (with its status and version), or None."""
    row = session.get(TABLES[registry].table, entity_id)
    return _row(row) if row is not None else None


def exists(session: Session, registry: str, entity_id: str) -> bool:
    """Whether an active entry has this id (the CSV import sends an update for it rather than a create)."""
    row = session.get(TABLES[registry].table, entity_id)
    return row is not None and row.status == "active"


def _row(row) -> dict:
    return {"id": row.id, "title": row.title, "status": row.status, "version": row.version, "data": row.data,
            "updated_at": row.updated_at}


def member_activity(session: Session, member_ids: list[str]) -> dict[str, dict]:
    """Activity counts per network member id."""
    if not member_ids:
        return {}
    rows = session.scalars(select(t.MemberActivityRow).where(t.MemberActivityRow.member_id.in_(member_ids)))
    return {r.member_id: {"invitations_answered": r.invitations_answered,
                          "invitations_accepted": r.invitations_accepted,
                          "opeds_written": r.opeds_written, "opeds_published": r.opeds_published} for r in rows}


def ambassadors_with_activity(session: Session) -> list[dict]:
    """Active ambassadors and personalities with their activity drawn from the bus."""
    rows = entries(session, "ambassadors")
    activity = member_activity(session, [r["data"].get("member_id") for r in rows if r["data"].get("member_id")])
    empty = {"invitations_answered": 0, "invitations_accepted": 0, "opeds_written": 0, "opeds_published": 0}
    for r in rows:
        r["activity"] = activity.get(r["data"].get("member_id") or "", empty)
    return rows


# --- Clearinghouse search --------------------------------------------------------------------------------------

@dataclass
class SearchResult:
    """One resource in one language."""

    resource_id: str
    lang: str
    title: str
    summary: str
    theme: str
    subjects: list[str]
    kind: str
    organization: str
    contact: str
    url: str
    languages: list[str] = field(default_factory=list)


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(session: Session, query: str = "", *, theme: str = "", subject: str = "", lang: str = "",
           limit: int = 50) -> list[SearchResult]:
    """Active Clearinghouse resources whose text has every word of `query`, filtered by theme, subject, language.

    Each resource appears once, in the requested language or else in English or else its first language.
    """
    T, R = t.ResourceTextRow, t.ResourceRow
    stmt = select(T, R).join(R, R.id == T.resource_id).where(R.status == "active")
    for term in model.search_terms(query):
        stmt = stmt.where(T.search_text.like(f"%{_like_escape(term)}%", escape="\\"))
    if theme:
        stmt = stmt.where(R.theme == theme)
    if subject:
        stmt = stmt.where(R.subjects.like(f"% {_like_escape(subject)} %", escape="\\"))
    if lang:
        stmt = stmt.where(T.lang == lang)
    stmt = stmt.order_by(R.updated_at.desc(), R.id, T.lang).limit(limit * 8)
    by_resource: dict[str, list] = {}
    for text, resource in session.execute(stmt):
        by_resource.setdefault(resource.id, []).append((text, resource))
    results = []
    for pairs in list(by_resource.values())[:limit]:
        pairs.sort(key=lambda p: (p[0].lang != (lang or "en"), p[0].lang))
        text, resource = pairs[0]
        data = resource.data
        results.append(SearchResult(
            resource_id=resource.id, lang=text.lang, title=text.title, summary=text.summary, theme=resource.theme,
            subjects=list(data.get("subjects", [])), kind=resource.kind, organization=data.get("organization", ""),
            contact=data.get("contact", ""), url=data.get("url", ""), languages=sorted(data.get("texts", {}))))
    return results


def resource(session: Session, resource_id: str) -> dict | None:
    """A public resource with all its texts, or None if unknown or retired."""
    row = session.get(t.ResourceRow, resource_id)
    if row is None or row.status != "active":
        return None
    partner = None
    organization = row.data.get("organization", "")
    if organization:
        found = session.scalars(select(t.PartnerRow).where(t.PartnerRow.status == "active",
                                                           t.PartnerRow.title == organization).limit(1)).first()
        if found is not None:
            partner = {"name": found.title, "website": found.data.get("website", ""),
                       "country": found.data.get("country", ""), "contact_name": found.data.get("contact_name", "")}
    return {"id": row.id, "data": row.data, "theme": row.theme, "kind": row.kind, "partner": partner}


def languages(session: Session) -> list[str]:
    """Languages the Clearinghouse has texts in."""
    T, R = t.ResourceTextRow, t.ResourceRow
    return sorted(session.scalars(select(T.lang).join(R, R.id == T.resource_id)
                                  .where(R.status == "active").distinct()))


def fund_totals(session: Session) -> list[dict]:
    """Totals per year, fund, kind and currency (declined entries left out; currencies never converted)."""
    F = t.FundRow
    rows = session.execute(select(F.year, F.fund, F.kind, F.currency, func.sum(F.amount), func.count())
                           .where(F.status == "active", F.decision != "declined")
                           .group_by(F.year, F.fund, F.kind, F.currency)
                           .order_by(F.year.desc(), F.fund, F.kind, F.currency)).all()
    return [{"year": y, "fund": fund.replace("_", " "), "kind": f"{kind}s", "currency": cur,
             "total": f"{total:,.2f}", "entries": n} for y, fund, kind, cur, total, n in rows]
