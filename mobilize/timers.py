"""What happens when time passes: reminders, expired invitations (and the next wave), overdue drafts, and alerts
nobody acknowledged (the next officer in the rota)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import InvitationAnswered
from db.outbox import add_to_outbox
from mail.ledger import queue_mail

from . import emails
from .drafts import draft_url_for
from .i18n import gettext_for, member_language
from .incident import Deps, fmt_time, note, piece_label
from .model import EDITABLE_DRAFT, InvitationStatus, MobilizationStatus
from .oncall import escalate_due
from .paging import _queue_invitation_email, _still_needed, invitations_of_piece, page_wave
from .tables import Draft, Invitation, Member, Mobilization, Piece


@dataclass
class TimerReport:
    """What one pass over due timers did."""

    reminded: int = 0
    expired: int = 0
    waves: int = 0
    overdue: int = 0
    escalated: int = 0


def run_due_timers(session: Session, deps: Deps) -> TimerReport:
    """Reminders, expired invitations (next wave), overdue drafts: everything whose time has come."""
    now = deps.now()
    cfg = deps.settings.mobilize
    report = TimerReport()
    report.escalated = escalate_due(session, deps)
    open_paging = select(Piece.id).where(Piece.status == MobilizationStatus.PAGING)
    for invitation in session.scalars(select(Invitation).where(
            Invitation.status == InvitationStatus.SENT, Invitation.remind_at <= now, Invitation.reminded_at.is_(None),
            Invitation.deadline_at > now, Invitation.piece_id.in_(open_paging))):
        mob = session.get(Mobilization, invitation.mobilization_id)
        member = session.get(Member, invitation.member_id)
        invitation.reminded_at = now
        _queue_invitation_email(session, deps, mob, member, invitation, reminder=True)
        note(session, mob.id, "system", "reminder", f"Reminder sent to {member.name}.", now)
        report.reminded += 1
    touched: dict[str, Piece] = {}
    for invitation in session.scalars(select(Invitation).where(
            Invitation.status == InvitationStatus.SENT, Invitation.deadline_at <= now,
            Invitation.piece_id.in_(open_paging))).all():
        mob = session.get(Mobilization, invitation.mobilization_id)
        member = session.get(Member, invitation.member_id)
        invitation.status, invitation.answered_at = InvitationStatus.EXPIRED.value, now
        add_to_outbox(session, "invitations.answered",
                      InvitationAnswered(invitation_id=invitation.id, mobilization_id=mob.id, member_id=member.id,
                                         answer=InvitationStatus.EXPIRED.value, occurred_at=now))
        note(session, mob.id, "system", "expired", f"No answer from {member.name} by the deadline.", now)
        touched[invitation.piece_id] = session.get(Piece, invitation.piece_id)
        report.expired += 1
    session.flush()
    for piece in touched.values():
        mob = session.get(Mobilization, piece.mobilization_id)
        if _still_needed(session, piece) <= 0:
            continue
        if piece.wave >= cfg.max_waves:
            note(session, mob.id, "system", "stalled",
                 f"{piece_label(piece)}: {piece.wave} waves paged without a quorum: waiting for the duty officer "
                 "(page by hand, extend or stop).", now)
            continue
        if page_wave(session, deps, mob, piece=piece, reason="silence past the deadline"):
            report.waves += 1
    for draft in session.scalars(select(Draft).where(
            Draft.status.in_(EDITABLE_DRAFT), Draft.due_at <= now,
            Draft.overdue_noted_at.is_(None))):
        draft.overdue_noted_at = now
        mob = session.get(Mobilization, draft.mobilization_id)
        note(session, mob.id, "system", "overdue", f"No draft submitted by {fmt_time(draft.due_at)}; authors reminded.",
             now)
        for invitation in invitations_of_piece(session, draft.piece_id, InvitationStatus.ACCEPTED):
            author = session.get(Member, invitation.member_id)
            lang = member_language(author.languages)
            _ = gettext_for(lang)
            queue_mail(session, emails.draft_notice(
                to=author.email, name=author.name, subject=_("Draft overdue: %(title)s") % {"title": mob.title},
                lines=[_("The secretariat has not received your draft yet. Please submit it as soon as you can, or "
                         "reply to tell us when to expect it.")],
                draft_url=draft_url_for(deps, invitation.id), category="overdue", lang=lang),
                purpose="mobilize.overdue", attempt_key=draft.id, ref=mob.id, now=now)
        report.overdue += 1
    return report
