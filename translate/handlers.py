"""Use cases of translate/: register an approved op-ed, claim and store machine drafts, review and approve.

Each handler takes the caller's session (the caller opens and commits the transaction) and its other dependencies
as arguments (the clock, an `on_approve` hook). An approval and the `TranslationReady` it implies leave together
through the outbox, in that session. The job that works through the queue (the translator runs outside any
transaction) is `queue.py`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bus import body as bodies
from bus.records import MAX_TEXT_CHARS, OpEdApproved, TranslationReady, utcnow
from db.idempotency import first_time
from db.outbox import add_to_outbox
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from . import model
from .chain import Outcome
from .tables import TranslationEvent, TranslationJob, TranslationVersion

log = structlog.get_logger(__name__)

CONSUMER = "translate"


class ReviewRefused(ValueError):
    """A review that cannot be saved; the message says why, in words a reviewer understands."""


class RecordRefused(ValueError):
    """A record from the bus that makes no sense; the agent sends it to `rejected` with this reason."""


@dataclass(frozen=True)
class Claim:
    """One language taken from the queue: what the translator needs, readable after the claim's commit."""

    oped_id: str
    lang: str
    title: str
    body: str
    source_lang: str
    authors: tuple[str, ...]


def _timeline(session: Session, oped_id: str, lang: str, what: str, actor: str = "", at: datetime | None = None):
    session.add(TranslationEvent(oped_id=oped_id, lang=lang, what=what, actor=actor, at=at or utcnow()))


def _ready(job: TranslationJob, version: TranslationVersion, translator: str, credit: str = "") -> TranslationReady:
    return TranslationReady(oped_id=job.oped_id, lang=version.lang, title=version.title,
                            body=bodies.normalize(version.body), translator=translator, source_lang=job.source_lang,
                            authors=list(job.authors or []), credit=credit)


def register_oped(session: Session, record: OpEdApproved, languages: list[str],
                  now: Callable[[], datetime] = utcnow) -> bool:
    """Open a translation job: the original language is released as it was approved, every other one queued.

    Returns False for a message already handled (redelivery changes nothing).
    """
    if not record.oped_id or not record.body.strip() or not record.title.strip():
        raise RecordRefused("an approved op-ed needs an oped_id, a title and a body")
    source = (record.lang or "en").lower()
    if not first_time(session, CONSUMER, record.message_id):
        return False
    at = now()
    body = bodies.normalize(record.body)  # one format end to end: sanitized HTML
    job = TranslationJob(oped_id=record.oped_id, mobilization_id=record.mobilization_id, title=record.title,
                         body=body, source_lang=source, authors=list(record.author_details or record.authors or []),
                         officer=record.officer, created_at=at)
    session.add(job)
    original = TranslationVersion(oped_id=record.oped_id, lang=source, status=model.ORIGINAL,
                                  title=record.title, body=body, notes=[], reviewer=record.officer,
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


def requeue_stalled(session: Session) -> int:
    """Languages left `translating` by a worker that died go back to the queue (call at worker start)."""
    result = session.execute(update(TranslationVersion).where(TranslationVersion.status == model.TRANSLATING)
                             .values(status=model.QUEUED))
    return result.rowcount or 0


def claim_next(session: Session) -> Claim | None:
    """Take one queued language (an atomic compare-and-set, so that two workers never take the same one).

    Commit the claim before translating: the translator is slow and runs outside any transaction.
    """
    candidates = session.execute(select(TranslationVersion.oped_id, TranslationVersion.lang)
                                 .where(TranslationVersion.status == model.QUEUED)
                                 .order_by(TranslationVersion.updated_at).limit(10)).all()
    for oped_id, lang in candidates:
        claimed = session.execute(
            update(TranslationVersion)
            .where(TranslationVersion.oped_id == oped_id, TranslationVersion.lang == lang,
                   TranslationVersion.status == model.QUEUED)
            .values(status=model.TRANSLATING, updated_at=utcnow())).rowcount
        if claimed:
            job = session.get(TranslationJob, oped_id)
            return Claim(oped_id=oped_id, lang=lang, title=job.title, body=bodies.to_text(job.body),
                         source_lang=job.source_lang, authors=tuple(model.author_names(job.authors)))
    return None


def store_outcome(session: Session, claim: Claim, outcome: Outcome, now: Callable[[], datetime] = utcnow) -> str:
    """Keep what the translators answered for a claimed language: a draft to review, or a wait for a human."""
    row = session.get(TranslationVersion, (claim.oped_id, claim.lang))
    at = now()
    row.notes = outcome.notes
    row.updated_at = at
    if outcome.machine:
        row.status = model.REVIEW
        row.backend = outcome.backend
        row.machine_title = row.title = outcome.title
        row.machine_body = row.body = bodies.from_text(outcome.body)  # paragraphs kept, stored as HTML
        _timeline(session, claim.oped_id, claim.lang,
                  f"machine draft by {outcome.backend} ({outcome.chunks} chunks, {outcome.cached} from cache); "
                  "waiting for review", at=at)
    else:
        row.status = model.AWAITING_HUMAN
        row.backend = ""
        _timeline(session, claim.oped_id, claim.lang,
                  "no machine translation: awaiting a human translation (" + "; ".join(outcome.notes) + ")", at=at)
    log.info("translate.done", oped_id=claim.oped_id, lang=claim.lang, machine=outcome.machine,
             backend=outcome.backend)
    return f"{claim.oped_id}/{claim.lang}"


def save_review(session: Session, oped_id: str, lang: str, *, title: str, body: str, reviewer: str,
                approve: bool, now: Callable[[], datetime] = utcnow,
                on_approve: Callable[[Session], object] | None = None) -> TranslationVersion:
    """Save a reviewer's corrected text; with `approve`, release it (`TranslationReady` through the outbox).

    Refused: an empty text, the original pasted back as a 'translation', a language already released.
    `on_approve(session)` runs inside the approval's transaction (a reviewer's link is used up there): if it
    raises, the caller's transaction rolls back and nothing is approved.
    """
    title, reviewer = title.strip(), reviewer.strip()
    body = bodies.normalize(body.strip()) if body.strip() else ""  # typed as text or HTML: stored as HTML
    if not reviewer:
        raise ReviewRefused("a review needs the reviewer's name")
    if len(body) > MAX_TEXT_CHARS or len(title) > MAX_TEXT_CHARS:
        raise ReviewRefused(f"the translation is {len(body):,} characters long; the limit is {MAX_TEXT_CHARS:,}: "
                            "shorten it and save again")
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
    if body and model.looks_untranslated(bodies.to_text(job.body), bodies.to_text(body)):
        raise ReviewRefused(f"this is the original {model.language_name(job.source_lang)} text, not a "
                            f"{model.language_name(lang)} translation")
    at = now()
    edited = bodies.to_text(body) != bodies.to_text(row.machine_body) or title != row.machine_title
    row.title, row.body, row.reviewer, row.updated_at = title, body, reviewer, at
    if row.status in (model.QUEUED, model.TRANSLATING, model.AWAITING_HUMAN) and body:
        row.status = model.DRAFTED
    if not approve:
        _timeline(session, oped_id, lang, "correction saved", actor=reviewer, at=at)
        return row
    if row.backend and not edited:
        translator = f"machine ({row.backend}), checked by {reviewer}"
    elif row.backend:
        translator = f"machine ({row.backend}), corrected by {reviewer}"
    else:
        translator = f"human translation by {reviewer}"
    credit = model.credit_line(job.source_lang, reviewer.removesuffix(" (network member)"), machine=bool(row.backend))
    row.status = model.APPROVED
    row.approved_at = at
    _timeline(session, oped_id, lang, f"approved for release: {translator}", actor=reviewer, at=at)
    add_to_outbox(session, "translations.ready", _ready(job, row, translator, credit))
    if on_approve is not None:
        on_approve(session)
    log.info("translate.approved", oped_id=oped_id, lang=lang, reviewer=reviewer)
    return row


def retry_machine(session: Session, oped_id: str, lang: str, actor: str) -> None:
    """Queue a language for machine translation again (say, once a translator is reachable)."""
    row = session.get(TranslationVersion, (oped_id, lang))
    if row is None:
        raise ReviewRefused(f"no {model.language_name(lang)} version of this op-ed")
    if row.status not in model.EDITABLE:
        raise ReviewRefused(f"the {model.language_name(lang)} version is {model.STATUS_LABELS[row.status]}")
    row.status = model.QUEUED
    row.updated_at = utcnow()
    _timeline(session, oped_id, lang, "machine translation asked again", actor=actor)


_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def send_review_link(session: Session, oped_id: str, lang: str, *, email: str, name: str, url: str, officer: str,
                     valid_days: int = 3, now: Callable[[], datetime] = utcnow) -> str:
    """Email a reviewer the signed link to review and approve one language (queued in the mail ledger in the
    caller's transaction; the workers' mail tick sends it). Returns the address."""
    email, name = email.strip().lower(), " ".join(name.split())
    if not _EMAIL.match(email) or len(email) > 320:
        raise ReviewRefused("give the reviewer's email address, such as name@example.org")
    job = session.get(TranslationJob, oped_id)
    row = session.get(TranslationVersion, (oped_id, lang))
    if job is None or row is None:
        raise ReviewRefused(f"no {model.language_name(lang)} version of this op-ed")
    if row.status not in model.EDITABLE:
        raise ReviewRefused(f"the {model.language_name(lang)} version is {model.STATUS_LABELS[row.status]}: "
                            "there is nothing to review yet" if row.status in (model.QUEUED, model.TRANSLATING)
                            else f"the {model.language_name(lang)} version is already released")
    language = model.language_name(lang)
    greeting = f"Dear {name}," if name else "Hello,"
    draft = "a machine translation to check" if row.status == model.REVIEW else "a translation to write or check"
    text = (f"{greeting}\n\nThe op-ed “{job.title}” needs a reader of {language}: {draft} against the "
            f"{model.language_name(job.source_lang)} original, then approve it for release.\n\n"
            f"Open the review page (valid {valid_days} days; one approval):\n{url}\n\n"
            "Nothing is sent to editors until you approve it and the authors have signed it off.\n\n"
            "Rapid Response, UN Alliance of Civilizations secretariat\n")
    html_part = (f"<p>{html.escape(greeting)}</p><p>The op-ed “{html.escape(job.title)}” needs a reader of "
                 f"{html.escape(language)}: {draft} against the {html.escape(model.language_name(job.source_lang))} "
                 f"original, then approve it for release.</p><p><a href=\"{html.escape(url)}\" "
                 f"style=\"display:inline-block;padding:10px 16px;background:#0b5cad;color:#ffffff;"
                 f"text-decoration:none;border-radius:4px\">Review the {html.escape(language)} translation</a></p>"
                 f"<p>The link is valid {valid_days} days, for one approval. Nothing is sent to editors until you "
                 "approve it and the authors have signed it off.</p><p>Rapid Response, UN Alliance of Civilizations "
                 "secretariat</p>")
    at = now()
    queued = queue_mail(session, OutgoingMessage(to=email, to_name=name, subject=f"Review the {language} "
                                                 f"translation: {job.title}", text=text, html=html_part),
                        purpose="translation-review", attempt_key=f"{oped_id}/{lang}/{at.isoformat()}",
                        ref=f"{oped_id}/{lang}", now=at)
    if queued is not None:
        _timeline(session, oped_id, lang, f"review link emailed to {name + ' ' if name else ''}<{email}>",
                  actor=officer, at=at)
    return email
