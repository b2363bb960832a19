"""Approved translations as they arrive, and distributions: an op-ed, its languages, its segments, a release time.

Each handler takes the caller's session; the agent (via the worker kit) or the route opens and commits the
transaction. Handing a distribution over to the mail provider is `release.py`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bus.records import TranslationReady, utcnow
from db.idempotency import first_time

from . import model
from .model import DistributeError, RecordRefused
from .tables import Distribution, ReadyTranslation, Segment

CONSUMER = "distribute"


def record_translation(session: Session, record: TranslationReady) -> bool:
    """Keep an approved language version of an op-ed (idempotent); False for a message already handled."""
    if not record.oped_id or not record.lang or not record.body.strip():
        raise RecordRefused("a TranslationReady needs an oped_id, a lang and a body")
    if not first_time(session, CONSUMER, record.message_id):
        return False
    row = session.get(ReadyTranslation, (record.oped_id, record.lang))
    if row is None:
        session.add(ReadyTranslation(oped_id=record.oped_id, lang=record.lang, title=record.title,
                                     body=record.body, translator=record.translator, received_at=utcnow()))
    else:
        row.title, row.body, row.translator = record.title, record.body, record.translator
    return True


def create_distribution(session: Session, *, oped_id: str, languages: list[str], segment_ids: list[int],
                        release_at: datetime, created_by: str, backend: str, now: datetime | None = None) -> str:
    """Schedule an op-ed for some languages and segments at a release time (the embargo)."""
    now = now or utcnow()
    if release_at.tzinfo is None:
        raise DistributeError("the release time needs a time zone")
    if release_at < now - timedelta(minutes=1):
        raise DistributeError("the release time is in the past")
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
                        created_by=created_by, created_at=now)
    session.add(dist)
    return dist.id
