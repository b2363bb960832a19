"""Read side of translate/ for the console pages; each query reads through the caller's session."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import model
from .tables import TranslationEvent, TranslationJob, TranslationVersion


@dataclass(frozen=True)
class JobSummary:
    """One op-ed in the translation list."""

    oped_id: str
    title: str
    source_lang: str
    created_at: object
    counts: dict[str, int]


def list_jobs(session: Session, limit: int = 100) -> list[JobSummary]:
    """The newest op-eds with how many languages are in each status."""
    jobs = session.scalars(select(TranslationJob).order_by(TranslationJob.created_at.desc()).limit(limit)).all()
    ids = [j.oped_id for j in jobs]
    counts: dict[str, dict[str, int]] = {i: {} for i in ids}
    if ids:
        for oped_id, status in session.execute(select(TranslationVersion.oped_id, TranslationVersion.status)
                                               .where(TranslationVersion.oped_id.in_(ids))):
            counts[oped_id][status] = counts[oped_id].get(status, 0) + 1
    return [JobSummary(j.oped_id, j.title, j.source_lang, j.created_at, counts[j.oped_id]) for j in jobs]


def job(session: Session, oped_id: str) -> TranslationJob | None:
    """One op-ed's original."""
    return session.get(TranslationJob, oped_id)


def versions(session: Session, oped_id: str) -> list[TranslationVersion]:
    """Every language of one op-ed, original first, then by language code."""
    rows = session.scalars(select(TranslationVersion).where(TranslationVersion.oped_id == oped_id)).all()
    return sorted(rows, key=lambda v: (v.status != model.ORIGINAL, v.lang))


def version(session: Session, oped_id: str, lang: str) -> TranslationVersion | None:
    """One language of one op-ed."""
    return session.get(TranslationVersion, (oped_id, lang))


def timeline(session: Session, oped_id: str) -> list[TranslationEvent]:
    """What happened to an op-ed's translations, oldest first."""
    return list(session.scalars(select(TranslationEvent).where(TranslationEvent.oped_id == oped_id)
                                .order_by(TranslationEvent.id)).all())
