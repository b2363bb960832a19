"""Use cases of registry/: apply a registry command, keep what the main stream says (answers, op-eds, releases).

Every handler takes an open session (the caller's transaction) and writes its processed marker in it
(`db.idempotency.first_time`), so a redelivered or replayed message changes nothing. Events implied by a change
(`registry.changed`) leave through the outbox in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import (
    InvitationAnswered,
    MobilizationStarted,
    OpEdApproved,
    OpEdReleased,
    RegistryChanged,
    RegistryCommand,
    TranslationReady,
    utcnow,
)
from db.idempotency import first_time
from db.outbox import add_to_outbox

from . import clearinghouse, model
from . import tables as t

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RegistryTable:
    """Where one registry keeps its entries, and the columns it fills from an entry for lists and filters."""

    table: type
    columns: Any  # Callable[[Entry], dict]


def _fund_columns(e: model.FundEntry) -> dict:
    return {"fund": e.fund, "kind": e.kind, "amount": Decimal(e.amount), "currency": e.currency,
            "year": e.on.year, "decision": e.decision}


def _resource_columns(e: model.Resource) -> dict:
    return {"kind": e.kind, "theme": e.theme, "subjects": " " + " ".join(e.subjects) + " "}


TABLES: dict[str, RegistryTable] = {
    "friends": RegistryTable(t.FriendRow, lambda e: {"kind": e.kind}),
    "ambassadors": RegistryTable(t.AmbassadorRow, lambda e: {"member_id": e.member_id, "role": e.role}),
    "partners": RegistryTable(t.PartnerRow, lambda e: {"kind": e.kind}),
    "projects": RegistryTable(t.ProjectRow, lambda e: {"category": e.category, "theme": e.theme, "role": e.role,
                                                     "project_status": e.status}),
    "clearinghouse": RegistryTable(t.ResourceRow, _resource_columns),
    "events": RegistryTable(t.EventRow, lambda e: {"kind": e.kind, "starts_on": e.starts_on}),
    "funds": RegistryTable(t.FundRow, _fund_columns),
}


def consumer_name(registry: str) -> str:
    """The name under which one registry's consumer marks the messages it handled."""
    return f"registry.{registry}"


# --- registry commands -----------------------------------------------------------------------------------------

def apply_command(session: Session, command: RegistryCommand, now: datetime | None = None) -> RegistryChanged | None:
    """Apply a create/update/retire command to its registry; return the event written to the outbox (None: no change).

    Raises `model.RegistryError` for a command that makes no sense (unknown registry or action, invalid data,
    creating what exists, updating what does not); the caller commits the marker first (see `refuse_once`).
    """
    now = now or utcnow()
    model.check_envelope(command.registry, command.action, command.entity_id, command.request_id)
    if not first_time(session, consumer_name(command.registry), command.message_id):
        return None
    spec = TABLES[command.registry]
    row = session.get(spec.table, command.entity_id)
    data = command.data if command.data is not None else {}
    if command.action == "create":
        if row is not None and row.status == "active":
            raise model.RegistryError(f"{command.registry}/{command.entity_id} already exists: send an update")
        entry = model.validate_entry(command.registry, data)
        if row is None:
            row = spec.table(id=command.entity_id, version=0, created_at=now)
            session.add(row)
        row.status, row.retired_at = "active", None
    elif command.action == "update":
        if row is None:
            raise model.RegistryError(f"{command.registry}/{command.entity_id} does not exist: send a create")
        if row.status != "active":
            raise model.RegistryError(f"{command.registry}/{command.entity_id} is retired: create it again")
        entry = model.validate_entry(command.registry, model.merged(row.data, data))
        if model.stored(entry) == row.data:
            return None
    else:
        if row is None:
            raise model.RegistryError(f"{command.registry}/{command.entity_id} does not exist")
        if row.status == "retired":
            return None
        entry = model.validate_entry(command.registry, row.data)
        row.status, row.retired_at = "retired", now
    _store(session, command.registry, row, entry, now)
    event = RegistryChanged(registry=command.registry, action=command.action, entity_id=command.entity_id,
                            version=row.version, data={**row.data, "_status": row.status, "_actor": command.actor},
                            occurred_at=now)
    add_to_outbox(session, "registry.changed", event)
    return event


def refuse_once(session: Session, command: RegistryCommand) -> bool:
    """Mark a refused command as handled; False if it was already refused once (a replay: reject nothing new)."""
    registry = command.registry if command.registry in model.MODELS else "unknown"
    return first_time(session, consumer_name(registry), command.message_id)


def _store(session: Session, registry: str, row: Any, entry: model.Entry, now: datetime) -> None:
    spec = TABLES[registry]
    row.data = model.stored(entry)
    row.title = entry.label()[:300]
    row.version = (row.version or 0) + 1
    row.updated_at = now
    for key, value in spec.columns(entry).items():
        setattr(row, key, value)
    if registry == "clearinghouse":
        _store_texts(session, row.id, entry)  # type: ignore[arg-type]
    session.flush()
    if registry == "clearinghouse":
        clearinghouse.index_resource(session, row.id)  # the full-text index follows the entry, same transaction


def _store_texts(session: Session, resource_id: str, entry: model.Resource) -> None:
    existing = {r.lang: r for r in session.scalars(select(t.ResourceTextRow)
                                                   .where(t.ResourceTextRow.resource_id == resource_id))}
    for lang, text in entry.texts.items():
        row = existing.pop(lang, None)
        if row is None:
            row = t.ResourceTextRow(resource_id=resource_id, lang=lang)
            session.add(row)
        row.title, row.summary, row.body = text.title[:300], text.summary, text.body
        row.search_text = model.normalize(" ".join([text.title, text.summary, model.summary_of(text.body, 50_000),
                                                    entry.organization, entry.contact]))
    for row in existing.values():
        session.delete(row)


# --- the main stream -------------------------------------------------------------------------------------------

ACTIVITY = "registry.activity"


def _activity(session: Session, member_id: str, now: datetime) -> t.MemberActivityRow:
    row = session.get(t.MemberActivityRow, member_id)
    if row is None:
        row = t.MemberActivityRow(member_id=member_id, invitations_answered=0, invitations_accepted=0,
                                  opeds_written=0, opeds_published=0, updated_at=now)
        session.add(row)
    row.updated_at = now
    return row


def record_mobilization(session: Session, record: MobilizationStarted) -> bool:
    """Keep a started mobilization (for the report's counts and response times)."""
    if not first_time(session, ACTIVITY, record.message_id):
        return False
    if session.get(t.MobilizationRow, record.mobilization_id) is None:
        session.add(t.MobilizationRow(mobilization_id=record.mobilization_id, story_id=record.story_id,
                                      title=record.title[:500], urgent=bool(record.urgent),
                                      started_at=record.occurred_at))
    return True


def record_answer(session: Session, record: InvitationAnswered) -> bool:
    """Count an answered invitation for its member (accepted and declined count as answered; expired does not)."""
    if not first_time(session, ACTIVITY, record.message_id):
        return False
    if not record.invitation_id or not record.member_id or record.answer not in ("accepted", "declined", "expired"):
        raise model.RegistryError("invitation answer without invitation_id, member_id or a known answer")
    if session.get(t.AnswerRow, record.invitation_id) is not None:
        return False
    session.add(t.AnswerRow(invitation_id=record.invitation_id, mobilization_id=record.mobilization_id,
                            member_id=record.member_id, answer=record.answer, answered_at=record.occurred_at))
    if record.answer in ("accepted", "declined"):
        row = _activity(session, record.member_id, record.occurred_at)
        row.invitations_answered += 1
        row.invitations_accepted += 1 if record.answer == "accepted" else 0
    return True


def _authors(session: Session, mobilization_id: str) -> list[str]:
    return list(session.scalars(select(t.AnswerRow.member_id).where(
        t.AnswerRow.mobilization_id == mobilization_id, t.AnswerRow.answer == "accepted")))


def record_approved(session: Session, record: OpEdApproved) -> bool:
    """Keep an approved op-ed; its co-authors (members who accepted the mobilization) wrote one more."""
    if not first_time(session, ACTIVITY, record.message_id):
        return False
    if not record.oped_id:
        raise model.RegistryError("approved op-ed without oped_id")
    if session.get(t.OpEdRow, record.oped_id) is not None:
        return False
    session.add(t.OpEdRow(oped_id=record.oped_id, mobilization_id=record.mobilization_id, title=record.title[:500],
                          body=record.body, lang=(record.lang or "en")[:8], authors=list(record.authors or []),
                          approved_at=record.occurred_at))
    for member_id in _authors(session, record.mobilization_id):
        _activity(session, member_id, record.occurred_at).opeds_written += 1
    session.flush()
    _log_ambassadors_oped(session, record)
    if _released(session, record.oped_id):  # released before this approval was read: the original joins now
        _oped_resource(session, record.oped_id, [record.lang or "en"], record.occurred_at)
    return True


def _log_ambassadors_oped(session: Session, record: OpEdApproved) -> None:
    """An Ambassador who is a network member co-wrote this op-ed: it goes into their activity log by itself."""
    from . import ambassadors

    member_ids = [d.get("member_id") for d in (record.author_details or []) if isinstance(d, dict)]
    for candidate_id in ambassadors.appointed_for_members(session, [m for m in member_ids if m]):
        ambassadors.log_activity(
            session, candidate_id, kind="oped", title=record.title[:300] or "Op-ed",
            happened_on=(record.occurred_at or utcnow()).date(), actor="Rapid Response (automatic)",
            notes="Co-authored op-ed approved by the Secretariat for distribution; logged from the bus.")


def record_translation(session: Session, record: TranslationReady) -> bool:
    """Keep an approved translation; if the op-ed is already in the Clearinghouse, add the language there.

    A translation revised after review keeps its message id (oped_id, lang): the marker includes a digest of the
    text, so a replay changes nothing while a revised text replaces the old one.
    """
    digest = hashlib.sha256(f"{record.title}\x1f{record.body}".encode()).hexdigest()[:16]
    if not first_time(session, ACTIVITY, f"{record.message_id}:{digest}"):
        return False
    if not record.oped_id or not record.lang:
        raise model.RegistryError("translation without oped_id or lang")
    row = session.get(t.OpEdTextRow, (record.oped_id, record.lang))
    if row is None:
        row = t.OpEdTextRow(oped_id=record.oped_id, lang=record.lang[:8])
        session.add(row)
    row.title, row.body, row.ready_at = record.title[:500], record.body, record.occurred_at
    session.flush()
    if _released(session, record.oped_id):  # the release may have been read first (separate topics, any order)
        _oped_resource(session, record.oped_id, [record.lang], record.occurred_at)
    return True


def _released(session: Session, oped_id: str) -> bool:
    """Whether a release of this op-ed has been seen (its Clearinghouse resource exists or is due)."""
    return (session.get(t.ResourceRow, oped_resource_id(oped_id)) is not None
            or session.scalar(select(t.ReleaseRow.distribution_id).where(t.ReleaseRow.oped_id == oped_id).limit(1))
            is not None)


def record_release(session: Session, record: OpEdReleased) -> bool:
    """Keep a release; the first release of an op-ed counts as published for its co-authors and puts it, in all its
    languages, in the Clearinghouse (media theme)."""
    if not first_time(session, ACTIVITY, record.message_id):
        return False
    if not record.distribution_id or not record.oped_id:
        raise model.RegistryError("release without distribution_id or oped_id")
    released_at = record.released_at or record.occurred_at
    languages = [lang for lang in (record.languages or []) if lang]
    if session.get(t.ReleaseRow, record.distribution_id) is None:
        outlets = getattr(record, "outlets", None) or []
        session.add(t.ReleaseRow(distribution_id=record.distribution_id, oped_id=record.oped_id,
                                 languages=languages, outlets=list(outlets), recipients=int(record.recipients or 0),
                                 released_at=released_at))
    oped = session.get(t.OpEdRow, record.oped_id)
    if oped is not None and oped.released_at is None:
        oped.released_at = released_at
        for member_id in _authors(session, oped.mobilization_id):
            _activity(session, member_id, released_at).opeds_published += 1
    _oped_resource(session, record.oped_id, languages, released_at)
    return True


def oped_resource_id(oped_id: str) -> str:
    """The Clearinghouse id of a released op-ed."""
    return f"oped-{oped_id}"[:64]


def _oped_resource(session: Session, oped_id: str, languages: list[str], now: datetime) -> None:
    """Create or extend the Clearinghouse resource of a released op-ed with the texts known in `languages`."""
    oped = session.get(t.OpEdRow, oped_id)
    texts: dict[str, dict] = {}
    known = {r.lang: r for r in session.scalars(select(t.OpEdTextRow).where(t.OpEdTextRow.oped_id == oped_id))}
    if oped is not None:
        known.setdefault(oped.lang, oped)  # the original
    for lang in languages or list(known):
        source = known.get(lang)
        if source is not None and source.title:
            texts[lang] = {"title": source.title[:200], "summary": model.summary_of(source.body),
                           "body": source.body[:200_000]}
    if not texts:
        log.info("registry.oped_without_text", oped_id=oped_id, languages=languages)
        return
    resource_id = oped_resource_id(oped_id)
    row = session.get(t.ResourceRow, resource_id)
    if row is None:
        data = {"kind": "oped", "theme": "media", "subjects": [], "organization": "AoC Rapid Response",
                "texts": texts}
        row = t.ResourceRow(id=resource_id, version=0, created_at=now, status="active", oped_id=oped_id)
        session.add(row)
        action = "create"
    else:
        data = {**row.data, "texts": {**row.data.get("texts", {}), **texts}}
        if data == row.data:
            return
        action = "update"
    entry = model.validate_entry("clearinghouse", data)
    _store(session, "clearinghouse", row, entry, now)
    add_to_outbox(session, "registry.changed",
                  RegistryChanged(registry="clearinghouse", action=action, entity_id=resource_id,
                                  version=row.version, data={**row.data, "_status": row.status}, occurred_at=now))


# --- requests from people (console pages, CSV upload) ----------------------------------------------------------

def request_change(session: Session, command: RegistryCommand) -> None:
    """Check a command from the console and queue it on `registry.commands` (through the outbox).

    The data is validated here too, so a person sees a mistake at once instead of finding it on `rejected`; for an
    update it is checked merged over the entry as it stands.
    """
    model.check_envelope(command.registry, command.action, command.entity_id, command.request_id)
    row = session.get(TABLES[command.registry].table, command.entity_id)
    if command.action == "create":
        if row is not None and row.status == "active":
            raise model.RegistryError(f"{command.entity_id} already exists in {command.registry}")
        model.validate_entry(command.registry, command.data or {})
    elif row is None:
        raise model.RegistryError(f"{command.registry}/{command.entity_id} does not exist")
    elif command.action == "update":
        model.validate_entry(command.registry, model.merged(row.data, command.data))
    add_to_outbox(session, "registry.commands", command)
