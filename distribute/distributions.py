"""Approved translations as they arrive, and distributions: an op-ed, its languages, its segments, a release time.

Each handler takes the caller's session; the agent (via the worker kit) or the route opens and commits the
transaction. Handing a distribution over to the mail provider is `release.py`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bus import body as bodies
from bus.records import TranslationReady, TranslationSignedOff, utcnow
from db.idempotency import first_time

from . import model
from .model import DistributeError, RecordRefused
from .tables import Distribution, ReadyTranslation, Segment, SignOff

CONSUMER = "distribute"


def record_translation(session: Session, record: TranslationReady) -> bool:
    """Keep an approved language version of an op-ed (idempotent); False for a message already handled."""
    if not record.oped_id or not record.lang or not record.body.strip():
        raise RecordRefused("a TranslationReady needs an oped_id, a lang and a body")
    if not first_time(session, CONSUMER, record.message_id):
        return False
    row = session.get(ReadyTranslation, (record.oped_id, record.lang))
    body = bodies.normalize(record.body)
    if row is None:
        row = ReadyTranslation(oped_id=record.oped_id, lang=record.lang, received_at=utcnow())
        session.add(row)
    elif (row.title, row.body) != (record.title, body) and record.lang != (record.source_lang or "").lower():
        # a corrected translation: the authors signed off the old text, not this one; they are asked again
        session.execute(delete(SignOff).where(SignOff.oped_id == record.oped_id, SignOff.lang == record.lang))
    row.title, row.body, row.translator = record.title, body, record.translator
    row.source_lang = (record.source_lang or "").lower()
    row.authors = model.author_dicts(record.authors)
    row.credit = record.credit or ""
    return True


def record_signoff(session: Session, record: TranslationSignedOff) -> bool:
    """Keep that the authors let a language go out under their names (idempotent; the agent on
    `translations.signed_off`). The newest word for a language wins."""
    if not record.oped_id or not record.lang:
        raise RecordRefused("a TranslationSignedOff needs an oped_id and a lang")
    if record.how not in model.SIGNOFF_HOWS:
        raise RecordRefused(f"unknown sign-off {record.how!r}: expected one of {', '.join(model.SIGNOFF_HOWS)}")
    if not first_time(session, CONSUMER, record.message_id):
        return False
    row = session.get(SignOff, (record.oped_id, record.lang.lower()))
    if row is None:
        row = SignOff(oped_id=record.oped_id, lang=record.lang.lower())
        session.add(row)
    row.how, row.by, row.reason = record.how, record.by[:300], record.reason
    row.at = record.occurred_at or utcnow()
    return True


def signed_off(version: ReadyTranslation, signoffs: set[tuple[str, str]]) -> bool:
    """THE check before a version goes out under the authors' names: the original (the authors approved it before
    the op-ed was approved) or a language they signed off (`translations.signed_off`)."""
    original = version.source_lang == version.lang or (not version.source_lang and not version.credit
                                                        and version.translator == "original")
    return original or (version.oped_id, version.lang) in signoffs


def signoffs_of(session: Session, oped_id: str) -> set[tuple[str, str]]:
    """(oped id, lang) of every signed-off language of an op-ed."""
    return {(oped_id, lang) for lang in session.scalars(select(SignOff.lang).where(SignOff.oped_id == oped_id))}


def create_distribution(session: Session, *, oped_id: str, languages: list[str], segment_ids: list[int],
                        release_at: datetime, created_by: str, backend: str, now: datetime | None = None,
                        mode: str = model.SCHEDULED_RELEASE, send_original: bool = True) -> str:
    """Schedule an op-ed for some languages and segments at a release time (the embargo).

    `mode`: a scheduled release (editors receive it at the release time) or an advance copy (sent now, under
    embargo until the release time). `send_original`: editors whose language has no approved version get the
    original with a note (else nothing)."""
    now = now or utcnow()
    if mode not in model.MODES:
        raise DistributeError("choose a scheduled release or an advance copy under embargo")
    if release_at.tzinfo is None:
        raise DistributeError("the release time needs a time zone")
    if release_at < now - timedelta(minutes=1):
        raise DistributeError("the release time is in the past")
    if mode == model.ADVANCE_COPY and release_at < now + timedelta(minutes=30):
        raise DistributeError("an advance copy needs a release time at least 30 minutes ahead: editors need time "
                              "to prepare it")
    languages = [lang.strip().lower() for lang in languages if lang.strip()]
    if not languages:
        raise DistributeError("choose at least one language")
    if not segment_ids:
        raise DistributeError("choose at least one segment")
    found = set(session.scalars(select(Segment.id).where(Segment.id.in_(segment_ids))))
    if missing := sorted(set(segment_ids) - found):
        raise DistributeError(f"no segment with id {missing}")
    if session.scalar(select(func.count()).select_from(ReadyTranslation)
                      .where(ReadyTranslation.oped_id == oped_id)) == 0:
        raise DistributeError("this op-ed has no approved version yet")
    dist = Distribution(id=str(uuid.uuid4()), oped_id=oped_id, languages=languages, segment_ids=list(found),
                        release_at=release_at.astimezone(UTC), status=model.SCHEDULED, backend=backend,
                        created_by=created_by, created_at=now, mode=mode, send_original=send_original, note="")
    session.add(dist)
    return dist.id
