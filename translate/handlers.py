"""Use cases of translate/: register an approved op-ed, translate queued languages, review and approve.

Dependencies come in as arguments (a session factory, a `TranslatorChain`, the clock). An approval and the
`TranslationReady` it implies leave together through the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bus.app import InvalidMessage
from bus.records import MAX_TEXT_CHARS, OpEdApproved, TranslationReady, utcnow
from db.idempotency import first_time
from db.outbox import add_to_outbox

from . import model
from .chain import TranslatorChain
from .tables import TranslationEvent, TranslationJob, TranslationVersion

log = structlog.get_logger(__name__)

CONSUMER = "translate"


class ReviewRefused(ValueError):
    """A review that cannot be saved; the message says why, in words a reviewer understands."""


def _timeline(session: Session, oped_id: str, lang: str, what: str, actor: str = "", at: datetime | None = None):
    session.add(TranslationEvent(oped_id=oped_id, lang=lang, what=what, actor=actor, at=at or utcnow()))


def _ready(job: TranslationJob, version: TranslationVersion, translator: str) -> TranslationReady:
    return TranslationReady(oped_id=job.oped_id, lang=version.lang, title=version.title, body=version.body,
                            translator=translator)


def register_oped(sessions: sessionmaker[Session], record: OpEdApproved, languages: list[str],
                  now: Callable[[], datetime] = utcnow) -> bool:
    """Open a translation job: the original language is released as it was approved, every other one queued.

    Returns False for a message already handled (redelivery changes nothing).
    """
    if not record.oped_id or not record.body.strip() or not record.title.strip():
        raise InvalidMessage("an approved op-ed needs an oped_id, a title and a body")
    source = (record.lang or "en").lower()
    with sessions() as session, session.begin():
        if not first_time(session, CONSUMER, record.message_id):
            return False
        at = now()
        job = TranslationJob(oped_id=record.oped_id, mobilization_id=record.mobilization_id, title=record.title,
                             body=record.body, source_lang=source, authors=list(record.authors or []),
                             officer=record.officer, created_at=at)
        session.add(job)
        original = TranslationVersion(oped_id=record.oped_id, lang=source, status=model.ORIGINAL,
                                      title=record.title, body=record.body, notes=[], reviewer=record.officer,
                                      updated_at=at, approved_at=at)
        session.add(original)
        _timeline(session, record.oped_id, "", f"op-ed approved by {record.officer or 'a duty officer'}; "
                  f"translation into {len([lang for lang in languages if lang != source])} languages queued", at=at)
        for lang in dict.fromkeys(languages):
            if lang == source:
                continue
            session.add(TranslationVersion(oped_id=record.oped_id, lang=lang, status=model.QUEUED, notes=[],
                                           updated_at=at))
        add_to_outbox(session, "translations.ready", _ready(job, original, "original"))
    log.info("translate.registered", oped_id=record.oped_id, languages=languages)
    return True


def requeue_stalled(sessions: sessionmaker[Session]) -> int:
    """Languages left `translating` by a worker that died go back to the queue (call at worker start)."""
    with sessions() as session, session.begin():
        result = session.execute(update(TranslationVersion).where(TranslationVersion.status == model.TRANSLATING)
                                 .values(status=model.QUEUED))
        return result.rowcount or 0


def _claim(sessions: sessionmaker[Session]) -> tuple[TranslationJob, TranslationVersion] | None:
    """Take one queued language (an atomic compare-and-set, so that two workers never take the same one)."""
    with sessions() as session:
        candidates = session.execute(select(TranslationVersion.oped_id, TranslationVersion.lang)
                                     .where(TranslationVersion.status == model.QUEUED)
                                     .order_by(TranslationVersion.updated_at).limit(10)).all()
    for oped_id, lang in candidates:
        with sessions() as session, session.begin():
            claimed = session.execute(
                update(TranslationVersion)
                .where(TranslationVersion.oped_id == oped_id, TranslationVersion.lang == lang,
                       TranslationVersion.status == model.QUEUED)
                .values(status=model.TRANSLATING, updated_at=utcnow())).rowcount
            if claimed:
                return session.get(TranslationJob, oped_id), session.get(TranslationVersion, (oped_id, lang))
    return None


def translate_next(sessions: sessionmaker[Session], chain: TranslatorChain,
                   now: Callable[[], datetime] = utcnow) -> str | None:
    """Translate one queued language; returns `oped_id/lang`, or None when the queue is empty."""
    claimed = _claim(sessions)
    if claimed is None:
        return None
    job, version = claimed
    outcome = chain.translate_document(job.title, job.body, job.source_lang, version.lang, job.authors or [])
    with sessions() as session, session.begin():
        row = session.get(TranslationVersion, (job.oped_id, version.lang))
        at = now()
        row.notes = outcome.notes
        row.updated_at = at
        if outcome.machine:
            row.status = model.REVIEW
            row.backend = outcome.backend
            row.machine_title = row.title = outcome.title
            row.machine_body = row.body = outcome.body
            _timeline(session, job.oped_id, version.lang,
                      f"machine draft by {outcome.backend} ({outcome.chunks} chunks, {outcome.cached} from cache); "
                      "waiting for review", at=at)
        else:
            row.status = model.AWAITING_HUMAN
            row.backend = ""
            _timeline(session, job.oped_id, version.lang,
                      "no machine translation: awaiting a human translation (" + "; ".join(outcome.notes) + ")",
                      at=at)
    log.info("translate.done", oped_id=job.oped_id, lang=version.lang, machine=outcome.machine,
             backend=outcome.backend)
    return f"{job.oped_id}/{version.lang}"


def translate_pending(sessions: sessionmaker[Session], chain: TranslatorChain, limit: int = 1000,
                      parallel: int = 4) -> int:
    """Translate queued languages until none is left (or `limit`), `parallel` languages at a time (the chain's
    rate limits are shared); returns how many were done."""
    from concurrent.futures import ThreadPoolExecutor

    def worker(_: int) -> int:
        done = 0
        while done < limit and translate_next(sessions, chain) is not None:
            done += 1
        return done

    if parallel <= 1:
        return worker(0)
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="translate") as pool:
        return min(sum(pool.map(worker, range(parallel))), limit * parallel)


def save_review(sessions: sessionmaker[Session], oped_id: str, lang: str, *, title: str, body: str,
                reviewer: str, approve: bool, now: Callable[[], datetime] = utcnow,
                on_approve: Callable[[Session], object] | None = None) -> TranslationVersion:
    """Save a reviewer's corrected text; with `approve`, release it (`TranslationReady` through the outbox).

    Refused: an empty text, the original pasted back as a 'translation', a language already released.
    `on_approve(session)` runs inside the approval's transaction (a reviewer's link is used up there): if it
    raises, nothing is approved.
    """
    title, body, reviewer = title.strip(), body.strip(), reviewer.strip()
    if not reviewer:
        raise ReviewRefused("a review needs the reviewer's name")
    if len(body) > MAX_TEXT_CHARS or len(title) > MAX_TEXT_CHARS:
        raise ReviewRefused(f"the translation is {len(body):,} characters long; the limit is {MAX_TEXT_CHARS:,}: "
                            "shorten it and save again")
    with sessions() as session, session.begin():
        job = session.get(TranslationJob, oped_id)
        row = session.get(TranslationVersion, (oped_id, lang))
        if job is None or row is None:
            raise ReviewRefused(f"no {model.language_name(lang)} version of this op-ed")
        if row.status in (model.APPROVED, model.ORIGINAL):
            raise ReviewRefused(f"the {model.language_name(lang)} version is already released and can no longer "
                                "change")
        if row.status in (model.QUEUED, model.TRANSLATING) and not body:
            raise ReviewRefused("the machine translation is still running; write a translation or wait")
        if approve and (not title or not body):
            raise ReviewRefused("an approved translation needs a title and a body")
        if body and model.looks_untranslated(job.body, body):
            raise ReviewRefused(f"this is the original {model.language_name(job.source_lang)} text, not a "
                                f"{model.language_name(lang)} translation")
        at = now()
        edited = body != row.machine_body or title != row.machine_title
        row.title, row.body, row.reviewer, row.updated_at = title, body, reviewer, at
        if row.status in (model.QUEUED, model.TRANSLATING):
            row.status = model.AWAITING_HUMAN
        if not approve:
            _timeline(session, oped_id, lang, "correction saved", actor=reviewer, at=at)
            return row
        if row.backend and not edited:
            translator = f"machine ({row.backend}), checked by {reviewer}"
        elif row.backend:
            translator = f"machine ({row.backend}), corrected by {reviewer}"
        else:
            translator = f"human translation by {reviewer}"
        row.status = model.APPROVED
        row.approved_at = at
        _timeline(session, oped_id, lang, f"approved for release: {translator}", actor=reviewer, at=at)
        add_to_outbox(session, "translations.ready", _ready(job, row, translator))
        if on_approve is not None:
            on_approve(session)
    log.info("translate.approved", oped_id=oped_id, lang=lang, reviewer=reviewer)
    return row


def retry_machine(sessions: sessionmaker[Session], oped_id: str, lang: str, actor: str) -> None:
    """Queue a language for machine translation again (say, once a translator is reachable)."""
    with sessions() as session, session.begin():
        row = session.get(TranslationVersion, (oped_id, lang))
        if row is None:
            raise ReviewRefused(f"no {model.language_name(lang)} version of this op-ed")
        if row.status not in (model.AWAITING_HUMAN, model.REVIEW):
            raise ReviewRefused(f"the {model.language_name(lang)} version is {model.STATUS_LABELS[row.status]}")
        row.status = model.QUEUED
        row.updated_at = utcnow()
        _timeline(session, oped_id, lang, "machine translation asked again", actor=actor)
