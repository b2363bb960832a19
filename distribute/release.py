"""The release: the send ledger, handing distributions over to the mail provider, and settling what is in doubt.

Exactly one email per editor and distribution: the ledger row (`distribution_sends`) exists before anything is
sent, and a request leaves only after its rows are committed `pending` with the request's batch id. After a crash,
`recover_in_doubt` cancels every batch whose outcome is unknown (SendGrid holds it until the release time) and sends
those editors again; where the release is too close to cancel reliably, they become `uncertain` and are shown to
officers instead of being mailed twice.

The steps (`plan_sends`, `claim_pending`, `record_outcome`, `finish`) take the caller's session like every handler.
The jobs that talk to the provider between those steps (`release_due`, `send_planned`, `recover_in_doubt`,
`cancel_distribution`) take the session factory: a ledger change must be committed before the request it guards
leaves, so one job spans several transactions. The scheduler and the cancel route call them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bus.records import OpEdReleased, utcnow
from db.engine import transaction
from db.outbox import add_to_outbox
from mail.ports import BatchMessage, BatchRecipient, Mailer, MailError, OutgoingMessage

from . import model
from .distributions import signed_off, signoffs_of
from .editor_email import PLACEMENT_MARK, UNSUBSCRIBE_MARK, EditorEmail, Letterhead, Version
from .editor_email import render as render_email
from .model import DistributeError
from .placements import reply_address
from .ports import ScheduledBatchSender
from .tables import Distribution, DistributionSend, Editor, ListMember, ReadyTranslation, Segment, Suppression

log = structlog.get_logger(__name__)



def _recipients(session: Session, dist: Distribution, languages: list[str]) -> list[tuple[int, str, str]]:
    """(editor id, email, language) of every editor in the segments and languages, minus the do-not-contact list."""
    segments = [model.Criteria.from_dict(s.criteria) for s in session.scalars(
        select(Segment).where(Segment.id.in_(dist.segment_ids)))]
    editors = session.execute(select(Editor.id, Editor.email, Editor.language, Editor.region, Editor.beat)
                              .where(Editor.language.in_(languages)).order_by(Editor.id)).all()
    memberships: dict[int, set[int]] = defaultdict(set)
    for list_id, editor_id in session.execute(select(ListMember.list_id, ListMember.editor_id)):
        memberships[editor_id].add(list_id)
    suppressed = set(session.scalars(select(Suppression.email)))
    return [(e.id, e.email, e.language) for e in editors if e.email not in suppressed
            and any(c.matches(e.language, e.region, e.beat, memberships[e.id]) for c in segments)]


def _ready_languages(session: Session, dist: Distribution) -> dict[str, ReadyTranslation]:
    """The versions that may go out under the authors' names: approved, and the original or signed off by them."""
    signoffs = signoffs_of(session, dist.oped_id)
    rows = session.scalars(select(ReadyTranslation).where(ReadyTranslation.oped_id == dist.oped_id)).all()
    return {r.lang: r for r in rows if signed_off(r, signoffs)}


def _original(ready: dict[str, ReadyTranslation]) -> ReadyTranslation | None:
    return next((r for r in ready.values() if r.source_lang == r.lang or r.translator == "original"), None)


def version_for(dist: Distribution, ready: dict[str, ReadyTranslation], lang: str) -> str | None:
    """Which version an editor of `lang` gets: their language, else (when the distribution allows it) the
    original with a note, else none."""
    if lang in ready:
        return lang
    original = _original(ready)
    return original.lang if original is not None and dist.send_original else None


def plan_sends(session: Session, distribution_id: str, now: datetime) -> int:
    """Write one `planned` ledger row per recipient (with the version each gets); returns rows added."""
    dist = session.get(Distribution, distribution_id)
    ready = _ready_languages(session, dist)
    editors = _recipients(session, dist, list(dist.languages))
    already = set(session.scalars(select(DistributionSend.editor_id).where(
        DistributionSend.distribution_id == distribution_id)))
    new = [(editor_id, email, lang, version_for(dist, ready, lang)) for editor_id, email, lang in editors
           if editor_id not in already]
    session.bulk_insert_mappings(DistributionSend, [  # type: ignore[arg-type]
        {"distribution_id": distribution_id, "editor_id": editor_id, "email": email, "lang": lang,
         "version_lang": version, "status": "planned", "batch_id": "", "attempts": 0, "provider_id": "",
         "last_event": "", "error": "", "updated_at": now} for editor_id, email, lang, version in new if version])
    missing = [lang for lang in dist.languages if lang not in ready]
    dist.status = model.SENDING
    dist.handed_over_at = dist.handed_over_at or now
    if missing:
        original = _original(ready)
        dist.note = ("no approved version signed off by the authors at hand-over for: " + ", ".join(missing)
                     + ("; editors in those languages got the original with a note"
                        if dist.send_original and original is not None else
                        "; editors in those languages were not mailed"))
    return len([n for n in new if n[3]])


@dataclass
class Composer:
    """Builds each version's email (HTML and text, with substitution markers), the per-editor links (one-click
    unsubscribe, the signed placement link) and the unsubscribe headers."""

    secret: str
    base_url: str
    unsubscribe_mailto: str = ""
    reply_to: str = ""
    placement_ttl_s: int = 180 * 24 * 3600
    _expires: datetime | None = None

    @classmethod
    def from_settings(cls, settings) -> Composer:
        """Links on the public base URL, signed with the secret key; Reply-To from `RRM_DISTRIBUTE__REPLY_TO`."""
        return cls(secret=settings.secret_key, base_url=settings.web.base_url,
                   unsubscribe_mailto=settings.distribute.unsubscribe_mailto, reply_to=settings.distribute.reply_to,
                   placement_ttl_s=settings.distribute.placement_link_days * 24 * 3600)

    def unsubscribe_url(self, email: str, distribution_id: str) -> str:
        """The signed one-click unsubscribe link of one editor."""
        return f"{self.base_url}/unsubscribe/{model.unsubscribe_token(self.secret, email, distribution_id)}"

    def placement_url(self, send_id: int) -> str:
        """The signed link an editor opens to say "we will run it" / "it ran at <URL>" (reusable until it expires:
        an editor says first that they will run it, then where it ran)."""
        if self._expires is None:
            self._expires = utcnow() + timedelta(seconds=self.placement_ttl_s)
        return f"{self.base_url}/placements/{model.placement_token(self.secret, send_id, self._expires)}"

    def reply_address(self, distribution_id: str) -> str:
        """The Reply-To of a distribution's emails (`desk+<distribution id>@…`; "" when none is configured)."""
        return reply_address(self.reply_to, distribution_id) if self.reply_to else ""

    def headers(self, url: str) -> dict[str, str]:
        """RFC 8058 one-click unsubscribe headers."""
        target = f"<{url}>" + (f", <mailto:{self.unsubscribe_mailto}>" if self.unsubscribe_mailto else "")
        return {"List-Unsubscribe": target, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}

    def email(self, version: ReadyTranslation, dist: Distribution, wanted_lang: str, **urls) -> EditorEmail:
        """The email of one version for editors of `wanted_lang` (markers unless `urls` gives the links)."""
        return render_email(Version(lang=version.lang, title=version.title, body=version.body,
                                    source_lang=version.source_lang,
                                    authors=tuple(model.authors_of(version.authors)),
                                    credit=version.credit if version.lang != version.source_lang else ""),
                            release_at=dist.release_at, mode=dist.mode or model.SCHEDULED_RELEASE,
                            letterhead=Letterhead(reply_to=self.reply_address(dist.id)), wanted_lang=wanted_lang,
                            **urls)


def _fill(content: str, unsubscribe: str, placement: str) -> str:
    return content.replace(UNSUBSCRIBE_MARK, unsubscribe).replace(PLACEMENT_MARK, placement)


def record_outcome(session: Session, ids: list[int], **values) -> None:
    """Record a request's outcome on rows still `pending` (a cancellation meanwhile is kept)."""
    session.execute(update(DistributionSend).where(DistributionSend.id.in_(ids),
                                                   DistributionSend.status == "pending").values(
        updated_at=utcnow(), **values))


def _mark(sessions: sessionmaker[Session], ids: list[int], **values) -> None:
    with transaction(sessions) as session:
        record_outcome(session, ids, **values)


def claim_pending(session: Session, ids: list[int], batch_id: str) -> list[int]:
    """Mark rows `pending` with their batch id (commit before the request leaves); returns the rows claimed."""
    session.execute(update(DistributionSend).where(DistributionSend.id.in_(ids),
                                                   DistributionSend.status == "planned")
                    .values(status="pending", batch_id=batch_id, attempts=DistributionSend.attempts + 1,
                            updated_at=utcnow()))
    return list(session.scalars(select(DistributionSend.id).where(
        DistributionSend.id.in_(ids), DistributionSend.status == "pending",
        DistributionSend.batch_id == batch_id)))


def _claim_pending(sessions: sessionmaker[Session], ids: list[int], batch_id: str) -> list[int]:
    with transaction(sessions) as session:
        return claim_pending(session, ids, batch_id)


def send_planned(sessions: sessionmaker[Session], distribution_id: str, *, composer: Composer,
                 batches: ScheduledBatchSender | None, mailer: Mailer | None, now: datetime,
                 after_request: Callable[[int], None] | None = None) -> int:
    """Send every `planned` row of a distribution; returns recipients handed over."""
    with sessions() as session:
        dist = session.get(Distribution, distribution_id)
        ready = _ready_languages(session, dist)
        planned = session.execute(select(DistributionSend.id, DistributionSend.email, DistributionSend.lang,
                                         DistributionSend.version_lang, Editor.name)
                                  .join(Editor, Editor.id == DistributionSend.editor_id)
                                  .where(DistributionSend.distribution_id == distribution_id,
                                         DistributionSend.status == "planned")
                                  .order_by(DistributionSend.lang, DistributionSend.id)).all()
    by_lang: dict[tuple[str, str], list] = defaultdict(list)
    for row in planned:
        by_lang[(row.lang, row.version_lang or row.lang)].append(row)
    handed = 0
    requests = 0
    held = dist.mode != model.ADVANCE_COPY and dist.release_at > now  # an advance copy leaves at once
    for (lang, version_lang), rows in by_lang.items():
        version = ready.get(version_lang)
        if version is None:  # its sign-off was withdrawn meanwhile: those editors wait
            continue
        mail = composer.email(version, dist, lang)
        if batches is not None:
            for chunk in model.batches(rows, batches.batch_size):
                batch_id = batches.new_batch_id()
                ids = _claim_pending(sessions, [r.id for r in chunk], batch_id)
                claimed_ids = set(ids)
                claimed = [r for r in chunk if r.id in claimed_ids]
                if not claimed:
                    continue
                recipients = []
                for r in claimed:
                    url = composer.unsubscribe_url(r.email, distribution_id)
                    recipients.append(BatchRecipient(
                        to=r.email, name=r.name or "",
                        substitutions={UNSUBSCRIBE_MARK: url, PLACEMENT_MARK: composer.placement_url(r.id)},
                        custom_args={"distribution_id": distribution_id, "send_id": str(r.id)},
                        headers=composer.headers(url)))
                batch = BatchMessage(recipients=tuple(recipients), subject=mail.subject, text=mail.text,
                                     html=mail.html, reply_to=composer.reply_address(distribution_id),
                                     categories=("rrm-distribution", f"lang-{lang}"),
                                     send_at=int(dist.release_at.timestamp()) if held else None,
                                     batch_id=batch_id)
                try:
                    provider_id = batches.send_batch(batch)
                except MailError as exc:
                    if exc.delivered_unknown:  # may have been accepted: left pending for recover_in_doubt
                        _mark(sessions, ids, error=str(exc)[:2000])
                        raise
                    _mark(sessions, ids, status="planned" if exc.transient else "failed", error=str(exc)[:2000])
                    raise
                _mark(sessions, ids, status="sent", provider_id=provider_id[:200], error="")
                handed += len(ids)
                requests += 1
                if after_request is not None:
                    after_request(requests)
        else:
            for r in rows:
                ids = _claim_pending(sessions, [r.id], f"single-{r.id}")
                if not ids:
                    continue
                url = composer.unsubscribe_url(r.email, distribution_id)
                placement = composer.placement_url(r.id)
                message = OutgoingMessage(to=r.email, to_name=r.name or "", subject=mail.subject,
                                          text=_fill(mail.text, url, placement),
                                          html=_fill(mail.html, url, placement),
                                          reply_to=composer.reply_address(distribution_id),
                                          headers=composer.headers(url),
                                          categories=("rrm-distribution", f"lang-{lang}"),
                                          custom_args={"distribution_id": distribution_id, "send_id": str(r.id)},
                                          idempotency_key=f"distribution:{distribution_id}:{r.id}")
                try:
                    result = mailer.send(message)
                except MailError as exc:
                    status = "uncertain" if exc.delivered_unknown else ("planned" if exc.transient else "failed")
                    _mark(sessions, ids, status=status, error=str(exc)[:2000])
                    if status == "planned":
                        raise
                    continue
                _mark(sessions, ids, status="sent", provider_id=result.provider_id[:200], error="")
                handed += 1
    return handed


def recover_in_doubt(sessions: sessionmaker[Session], *, batches: ScheduledBatchSender | None,
                     now: datetime | None = None,
                     margin: timedelta = model.SENDGRID_CANCEL_MARGIN) -> dict[str, int]:
    """After a crash: cancel in-doubt batches still cancellable and send those editors again; else `uncertain`."""
    now = now or utcnow()
    counts = {"resent": 0, "uncertain": 0}
    with sessions() as session:
        pending = session.execute(select(DistributionSend.distribution_id, DistributionSend.batch_id,
                                         Distribution.release_at)
                                  .join(Distribution, Distribution.id == DistributionSend.distribution_id)
                                  .where(DistributionSend.status == "pending")
                                  .group_by(DistributionSend.distribution_id, DistributionSend.batch_id,
                                            Distribution.release_at)).all()
    for distribution_id, batch_id, release_at in pending:
        where = (DistributionSend.distribution_id == distribution_id, DistributionSend.batch_id == batch_id,
                 DistributionSend.status == "pending")
        cancellable = batches is not None and not batch_id.startswith("single-")
        if cancellable and model.can_still_cancel(release_at, now, margin):
            batches.cancel_batch(batch_id)
            with transaction(sessions) as session:
                n = session.execute(update(DistributionSend).where(*where).values(
                    status="planned", batch_id="", updated_at=utcnow(),
                    error=f"batch {batch_id} was in doubt after a restart: cancelled and sent again")).rowcount
            counts["resent"] += n or 0
            log.warning("distribute.batch_cancelled_and_resent", distribution_id=distribution_id, batch_id=batch_id)
        else:
            with transaction(sessions) as session:
                n = session.execute(update(DistributionSend).where(*where).values(
                    status="uncertain", updated_at=utcnow(),
                    error="the worker stopped during this send: it may or may not have left; not resent")).rowcount
            counts["uncertain"] += n or 0
    return counts


def finish(session: Session, distribution_id: str, now: datetime, scheduled: bool) -> None:
    """Once nothing is left to send: handed over (SendGrid holds it until the release time) or released."""
    dist = session.get(Distribution, distribution_id)
    if dist.status == model.CANCELLED:
        return
    left = session.scalar(select(func.count()).select_from(DistributionSend).where(
        DistributionSend.distribution_id == distribution_id,
        DistributionSend.status.in_(("planned", "pending"))))
    if left:
        return
    if (scheduled or dist.mode == model.ADVANCE_COPY) and dist.release_at > now:
        dist.status = model.HANDED_OVER  # held by SendGrid, or advance copies out: released at the release time
        return
    _release(session, dist, now)


def _release(session: Session, dist: Distribution, now: datetime) -> None:
    sent = session.scalar(select(func.count()).select_from(DistributionSend).where(
        DistributionSend.distribution_id == dist.id, DistributionSend.status == "sent")) or 0
    dist.status, dist.released_at = model.RELEASED, max(now, dist.release_at)
    original = session.scalar(select(ReadyTranslation).where(ReadyTranslation.oped_id == dist.oped_id)
                              .order_by((ReadyTranslation.lang != ReadyTranslation.source_lang),
                                        ReadyTranslation.lang).limit(1))
    add_to_outbox(session, "opeds.released", OpEdReleased(
        distribution_id=dist.id, oped_id=dist.oped_id, languages=list(dist.languages), released_at=dist.released_at,
        recipients=sent, mode=dist.mode or model.SCHEDULED_RELEASE,
        title=original.title if original is not None else "",
        authors=list(original.authors or []) if original is not None else []))
    log.info("distribute.released", distribution_id=dist.id, recipients=sent)


def release_due(sessions: sessionmaker[Session], *, composer: Composer, batches: ScheduledBatchSender | None,
                mailer: Mailer | None, now: datetime | None = None,
                after_request: Callable[[int], None] | None = None) -> list[str]:
    """The scheduler's job: hand over every distribution whose time has come; returns the ids worked on.

    With SendGrid a distribution is handed over as soon as every chosen language is approved (SendGrid keeps it
    until `send_at`, 72 h at most) or at the release time with what is approved; SMTP and the sink send at the
    release time.
    """
    now = now or utcnow()
    scheduled = batches is not None
    horizon = now + (model.SENDGRID_MAX_AHEAD - timedelta(minutes=5) if scheduled else timedelta(0))
    worked = []
    with sessions() as session:
        due = session.scalars(select(Distribution).where(Distribution.status.in_((model.SCHEDULED, model.SENDING)),
                                                         (Distribution.release_at <= horizon)
                                                         | (Distribution.mode == model.ADVANCE_COPY))
                              .order_by(Distribution.release_at)).all()
        waiting_release = session.scalars(select(Distribution.id).where(
            Distribution.status == model.HANDED_OVER, Distribution.release_at <= now)).all()
        complete = {d.id: set(_ready_languages(session, d)) >= set(d.languages) for d in due}
    for dist in due:
        if dist.status == model.SCHEDULED and not complete[dist.id] and dist.release_at > now:
            continue  # wait for the remaining translations until the release time
        if dist.status == model.SCHEDULED:
            with transaction(sessions) as session:
                plan_sends(session, dist.id, now)
        send_planned(sessions, dist.id, composer=composer, batches=batches, mailer=mailer, now=now,
                     after_request=after_request)
        with transaction(sessions) as session:
            finish(session, dist.id, now, scheduled)
        worked.append(dist.id)
    for distribution_id in waiting_release:
        with transaction(sessions) as session:
            _release(session, session.get(Distribution, distribution_id), now)
    return worked


def cancel_distribution(sessions: sessionmaker[Session], distribution_id: str, *,
                        batches: ScheduledBatchSender | None, actor: str) -> int:
    """Stop a distribution before its release: scheduled SendGrid batches are cancelled; returns editors stopped.

    The ledger is changed first (so the worker can claim nothing more), then every batch id that reached or may have
    reached SendGrid is cancelled there (a batch id cancelled before its request arrives stays cancelled).
    """
    with transaction(sessions) as session:
        dist = session.get(Distribution, distribution_id)
        if dist is None:
            raise DistributeError("no such distribution")
        if dist.status in (model.RELEASED, model.CANCELLED):
            raise DistributeError(f"the distribution is already {model.STATUS_LABELS[dist.status]}")
        batch_ids = sorted(set(session.scalars(select(DistributionSend.batch_id).where(
            DistributionSend.distribution_id == distribution_id, DistributionSend.batch_id != "",
            DistributionSend.status.in_(("pending", "sent"))))))
        if batch_ids and batches is None:
            raise DistributeError("this distribution was handed to SendGrid; SendGrid is not configured here")
        stopped = session.execute(update(DistributionSend).where(
            DistributionSend.distribution_id == distribution_id,
            DistributionSend.status.in_(("planned", "pending", "sent"))).values(
            status="cancelled", updated_at=utcnow(), error=f"cancelled by {actor}")).rowcount or 0
        dist.status, dist.note = model.CANCELLED, f"cancelled by {actor}"
    failed = []
    for batch_id in batch_ids:
        try:
            batches.cancel_batch(batch_id)
        except MailError as exc:
            failed.append(f"{batch_id}: {exc}")
    if failed:
        with transaction(sessions) as session:
            session.get(Distribution, distribution_id).note = (
                f"cancelled by {actor}, but SendGrid did not confirm the cancellation of batch(es) "
                + "; ".join(failed) + ": cancel them in SendGrid's console")
        raise DistributeError("SendGrid did not confirm every cancellation; the report lists the batches")
    return stopped
