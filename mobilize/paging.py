"""Paging: who to invite for a mobilization (matching in model.py), waves in pairs across communities, one
member's invitation and its email, answers, the quorum that opens the shared draft, withdrawn invitations.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bus.records import InvitationAnswered, InvitationSent, deterministic_id
from db.outbox import add_to_outbox
from mail.ledger import queue_mail

from . import emails, model
from .i18n import gettext_for, member_language
from .incident import (
    Deps,
    MobilizeError,
    fmt_time,
    invitations_of,
    move,
    note,
    open_mobilization,
    piece_label,
    pieces_of,
    sync_status,
)
from .model import OPEN_STATUSES, DraftStatus, InvitationStatus, MobilizationStatus
from .tables import Draft, Invitation, Member, Mobilization, Piece, StoryBrief


def profile_of(member: Member) -> model.MemberProfile:
    """The matching view of a member row."""
    return model.MemberProfile(
        id=member.id, name=member.name, languages=tuple(member.languages or ()), regions=tuple(member.regions or ()),
        countries=tuple(member.countries or ()), cultural_background=member.cultural_background or "",
        faith_background=member.faith_background or "", topics=tuple(member.topics or ()),
        timezone=member.timezone or "UTC", quiet_start=member.quiet_start, quiet_end=member.quiet_end,
        max_per_month=member.max_per_month, active=member.active,
    )


def story_profile(brief: StoryBrief) -> model.StoryProfile:
    """The matching view of a story."""
    data = brief.data or {}
    return model.StoryProfile(
        story_id=brief.story_id, title=brief.title, topics=tuple(data.get("categories") or data.get("topics") or ()),
        entities=tuple(data.get("entities") or ()), countries=tuple(data.get("countries") or ()),
        languages=tuple(data.get("languages") or ()),
    )


def member_histories(session: Session, since: datetime) -> dict[str, model.MemberHistory]:
    """Every member's invitation counts: all time, and since `since` (the fairness window)."""
    rows = session.execute(
        select(
            Invitation.member_id,
            func.count(),
            func.sum(case((Invitation.status == InvitationStatus.ACCEPTED, 1), else_=0)),
            func.sum(case((Invitation.status == InvitationStatus.DECLINED, 1), else_=0)),
            func.sum(case((Invitation.sent_at >= since, 1), else_=0)),
        ).group_by(Invitation.member_id)
    )
    return {m: model.MemberHistory(invited=n, accepted=a or 0, declined=d or 0, recent=r or 0)
            for m, n, a, d, r in rows}


def candidates(session: Session, deps: Deps, mob: Mobilization) -> list[model.Candidate]:
    """Members who may be paged now for this mobilization, best first."""
    invited = set(session.scalars(select(Invitation.member_id).where(Invitation.mobilization_id == mob.id)))
    return candidates_for_story(session, deps, mob.story_id, urgent=mob.urgent, exclude=invited)


def candidates_for_story(session: Session, deps: Deps, story_id: str, *, urgent: bool = False,
                         exclude: set[str] = frozenset()) -> list[model.Candidate]:
    """Members who may be paged now for a story (before any mobilization exists: the officer's preview)."""
    now = deps.now()
    brief = session.get(StoryBrief, story_id)
    if brief is None:
        raise MobilizeError("This story is unknown to mobilize: it has not been flagged.")
    members = [profile_of(m) for m in session.scalars(select(Member).where(Member.active.is_(True)))]
    histories = member_histories(session, now - timedelta(days=deps.settings.mobilize.fairness_days))
    return model.rank_members(story_profile(brief), members, histories, now, urgent=urgent, exclude=exclude)


def best_not_proposed(session: Session, deps: Deps, story_id: str, proposed: list[str], *, urgent: bool = False,
                      invited: set[str] = frozenset()) -> tuple[str, str] | None:
    """(name, why) for the best-scored member of the network when they are not among `proposed` (member ids):
    quiet hours, monthly cap, already paged, or the pairing across communities chose someone else. None when the
    best-scored member is proposed."""
    now = deps.now()
    brief = session.get(StoryBrief, story_id)
    if brief is None:
        return None
    story = story_profile(brief)
    histories = member_histories(session, now - timedelta(days=deps.settings.mobilize.fairness_days))
    scored = []
    for row in session.scalars(select(Member).where(Member.active.is_(True))):
        member = profile_of(row)
        score, _ = model.score_member(story, member, histories.get(member.id, model.MemberHistory()))
        scored.append((-score, member.id, member, row))
    if not scored:
        return None
    _, member_id, member, row = min(scored, key=lambda t: (t[0], t[1]))
    if member_id in proposed:
        return None
    history = histories.get(member_id, model.MemberHistory())
    why = model.exclusion(member, history, now, urgent=urgent)
    if why == "quiet hours":
        local = model.local_time(member, now)
        why = (f"in their quiet hours ({member.quiet_start:02d}:00-{member.quiet_end:02d}:00 {member.timezone}; "
               f"{local} there now); mark the mobilization urgent to page them anyway")
    elif why.startswith("monthly cap"):
        why = f"already asked {history.recent} times in {deps.settings.mobilize.fairness_days} days ({why})"
    elif member_id in invited:
        why = "already paged for this story"
    elif not why:
        why = ("the pairs are chosen across communities, and the best partner for this pair came from "
               "another community than theirs" if proposed else "nobody was proposed")
    return row.name, why


def invitations_of_piece(session: Session, piece_id: str, *statuses: str) -> list[Invitation]:
    """One piece's invitations (only those in `statuses` if given), oldest first."""
    query = select(Invitation).where(Invitation.piece_id == piece_id).order_by(Invitation.sent_at, Invitation.id)
    if statuses:
        query = query.where(Invitation.status.in_(statuses))
    return list(session.scalars(query))


def _accepted_communities(session: Session, piece: Piece) -> tuple[str, ...]:
    accepted = invitations_of_piece(session, piece.id, InvitationStatus.ACCEPTED)
    return tuple(model.community(profile_of(session.get(Member, i.member_id))) for i in accepted)


def default_wave_size(deps: Deps, piece: Piece) -> int:
    """Members paged in one wave of a piece: the setting for a pair, half of it for a solo piece."""
    size = deps.settings.mobilize.wave_size
    return size if piece.quorum >= 2 else max(1, size // 2)


def page_wave(session: Session, deps: Deps, mob: Mobilization, *, piece: Piece | None = None,
              size: int | None = None, reason: str = "", chosen: list[model.Candidate] | None = None
              ) -> list[Invitation]:
    """Page a piece's next wave: the best candidates, in pairs across communities (or exactly `chosen`, the
    members an officer saw proposed). `piece` defaults to the mobilization's first piece still paging."""
    now = deps.now()
    if piece is None:
        piece = next((p for p in pieces_of(session, mob.id) if p.status == MobilizationStatus.PAGING), None)
        if piece is None:
            return []
    label = piece_label(piece) + ": " if len(pieces_of(session, mob.id)) > 1 else ""
    if chosen is None:
        ranked = candidates(session, deps, mob)
        chosen = model.choose_wave(ranked, size or default_wave_size(deps, piece),
                                   partners=_accepted_communities(session, piece))
    if not chosen:
        note(session, mob.id, "system", "stalled",
             f"{label}Nobody left to page (everyone suitable was paged, is resting, at their monthly cap or in "
             "quiet hours). The duty officer can page someone by hand or extend the deadlines.", now)
        return []
    piece.wave += 1
    mob.wave = max(mob.wave, piece.wave)
    created = [invite_member(session, deps, mob, session.get(Member, c.member_id), wave=piece.wave,
                             reason="; ".join(c.reasons), piece=piece) for c in chosen]
    note(session, mob.id, "system", "wave",
         f"{label}Wave {piece.wave} paged{' (' + reason + ')' if reason else ''}: "
         + ", ".join(c.name for c in chosen) + ".", now)
    return created


def invite_member(session: Session, deps: Deps, mob: Mobilization, member: Member, *, wave: int, reason: str = "",
                  by: str = "system", piece: Piece | None = None) -> Invitation:
    """Page one member for a piece: invitation row, email with accept/decline links and reply address,
    InvitationSent."""
    cfg = deps.settings.mobilize
    now = deps.now()
    if piece is None:
        piece = next((p for p in pieces_of(session, mob.id) if p.status == MobilizationStatus.PAGING), None)
        if piece is None:
            raise MobilizeError("Every piece of this mobilization has its authors: nobody more can be paged.")
    invitation = Invitation(
        id=deterministic_id("invitation", mob.id, member.id), mobilization_id=mob.id, piece_id=piece.id,
        member_id=member.id, wave=wave, reason=reason[:300], status=InvitationStatus.SENT.value,
        reply_token=secrets.token_hex(10), sent_at=now,
        deadline_at=now + timedelta(seconds=cfg.answer_deadline_s),
        remind_at=now + timedelta(seconds=cfg.reminder_after_s) if 0 < cfg.reminder_after_s < cfg.answer_deadline_s
        else None,
    )
    session.add(invitation)
    session.flush()
    _queue_invitation_email(session, deps, mob, member, invitation, reminder=False)
    add_to_outbox(session, "invitations.sent",
                  InvitationSent(invitation_id=invitation.id, mobilization_id=mob.id, member_id=member.id,
                                 wave=wave, reason=reason[:300], occurred_at=now))
    if by != "system":
        note(session, mob.id, by, "paged", f"{member.name} paged by hand.", now)
    return invitation


def _queue_invitation_email(session: Session, deps: Deps, mob: Mobilization, member: Member,
                            invitation: Invitation, *, reminder: bool) -> None:
    ttl = int(deps.settings.mobilize.link_ttl_s)
    accept = deps.links.url(emails.ANSWER_PATH, deps.links.make_link(emails.ACCEPT, invitation.id, max_age=ttl))
    decline = deps.links.url(emails.ANSWER_PATH, deps.links.make_link(emails.DECLINE, invitation.id, max_age=ttl))
    message = emails.invitation(
        to=member.email, name=member.name, story_title=mob.title, reason=invitation.reason, accept_url=accept,
        decline_url=decline, reply_to=_reply_address(deps, invitation.reply_token),
        deadline=invitation.deadline_at, invitation_id=invitation.id, reminder=reminder,
        lang=member_language(member.languages), timezone=member.timezone)
    queue_mail(session, message, purpose="mobilize.remind" if reminder else "mobilize.invite",
               attempt_key=invitation.id, ref=mob.id, now=deps.now())


def _reply_address(deps: Deps, token: str) -> str:
    return f"reply+{token}@{deps.settings.mail.reply_domain}"


def page_member_by_hand(session: Session, deps: Deps, mobilization_id: str, member_id: str, officer: str,
                        piece_id: str = "") -> Invitation:
    """The duty officer pages a chosen member for a piece still paging (default: the first such piece); quiet
    hours and caps are the officer's call."""
    mob = open_mobilization(session, mobilization_id)
    piece = session.get(Piece, piece_id) if piece_id else None
    if piece_id and (piece is None or piece.mobilization_id != mob.id):
        raise MobilizeError("That piece does not belong to this mobilization.")
    if piece is not None and piece.status != MobilizationStatus.PAGING:
        raise MobilizeError(f"{piece_label(piece)} already has its authors.")
    member = session.get(Member, member_id)
    if member is None or not member.active:
        raise MobilizeError("That member does not exist or is not active.")
    if session.get(Invitation, deterministic_id("invitation", mob.id, member.id)) is not None:
        raise MobilizeError(f"{member.name} has already been paged for this mobilization.")
    return invite_member(session, deps, mob, member, wave=max(piece.wave if piece else mob.wave, 1),
                         reason="paged by the duty officer", by=officer, piece=piece)


def answer_invitation(session: Session, deps: Deps, invitation_id: str, answer: str, *, via: str = "link"
                      ) -> Invitation:
    """A member accepts or declines. A decline pages the next candidate at once; the quorum opens the draft."""
    if answer not in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED):
        raise MobilizeError("An answer is either accept or decline.")
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise MobilizeError("This invitation does not exist.")
    mob = session.get(Mobilization, invitation.mobilization_id)
    piece = session.get(Piece, invitation.piece_id)
    member = session.get(Member, invitation.member_id)
    refusal = closed_reason(invitation, mob, piece)
    if refusal:
        raise MobilizeError(refusal)
    now = deps.now()
    invitation.status, invitation.answered_at = InvitationStatus(answer).value, now
    add_to_outbox(session, "invitations.answered",
                  InvitationAnswered(invitation_id=invitation.id, mobilization_id=mob.id, member_id=member.id,
                                     answer=answer, occurred_at=now))
    note(session, mob.id, member.name, answer, f"{member.name} {answer} ({via}).", now)
    if answer == InvitationStatus.DECLINED:
        if _still_needed(session, piece) > 0:
            page_wave(session, deps, mob, piece=piece, size=1, reason=f"replacing {member.name}")
        return invitation
    if mob.first_accepted_at is None:
        mob.first_accepted_at = now
    if len(invitations_of_piece(session, piece.id, InvitationStatus.ACCEPTED)) >= piece.quorum:
        reach_quorum(session, deps, mob, piece)
    return invitation


def closed_reason(invitation: Invitation, mob: Mobilization, piece: Piece | None = None) -> str:
    """Why an invitation can no longer be answered ("" when it can), in words for the member."""
    if invitation.status != InvitationStatus.SENT:
        return {
            "accepted": "You have already accepted this invitation; your draft link is in your inbox.",
            "declined": "You have already declined this invitation. Thank you for answering.",
            "expired": "This invitation has expired: the secretariat paged other members. Thank you all the same.",
            "withdrawn": "This invitation is no longer needed: enough co-authors have accepted. Thank you.",
        }.get(invitation.status, "This invitation can no longer be answered.")
    if piece is not None and piece.status != MobilizationStatus.PAGING or mob.status not in OPEN_STATUSES:
        return "This invitation is no longer needed: the mobilization has moved on. Thank you."
    return ""


def _still_needed(session: Session, piece: Piece) -> int:
    """Authors a piece still misses, counting members who may yet answer."""
    accepted = len(invitations_of_piece(session, piece.id, InvitationStatus.ACCEPTED))
    outstanding = len(invitations_of_piece(session, piece.id, InvitationStatus.SENT))
    return piece.quorum - accepted - outstanding


def draft_id_for(mob: Mobilization, piece: Piece) -> str:
    """The draft id of a piece (piece 1 keeps the id drafts had before pieces, so op-ed ids did not change)."""
    return deterministic_id("draft", mob.id) if piece.number == 1 else deterministic_id("draft", mob.id, piece.number)


def common_language(authors: list[Member]) -> str:
    """The language a piece is written in: the first language all its authors share, in the first author's order of
    preference (base codes: "fr-CA" counts as "fr"); "en" when they share none."""
    def codes(member: Member) -> list[str]:
        out = [(lang or "").strip().lower().replace("_", "-").split("-")[0] for lang in (member.languages or ())]
        return [c for c in dict.fromkeys(out) if re.fullmatch(r"[a-z]{2,3}", c)]

    if not authors:
        return "en"
    others = [set(codes(a)) for a in authors[1:]]
    return next((c for c in codes(authors[0]) if all(c in o for o in others)), "en")


def reach_quorum(session: Session, deps: Deps, mob: Mobilization, piece: Piece | None = None) -> Draft:
    """A piece has its authors: open its shared draft, send each their link, withdraw its invitations still open."""
    now = deps.now()
    cfg = deps.settings.mobilize
    if piece is None:
        piece = next(p for p in pieces_of(session, mob.id) if p.status == MobilizationStatus.PAGING)
    move(piece, MobilizationStatus.DRAFTING)
    piece.quorum_at = now
    if mob.quorum_at is None:
        mob.quorum_at = now
    accepted = invitations_of_piece(session, piece.id, InvitationStatus.ACCEPTED)
    authors = [session.get(Member, i.member_id) for i in accepted]
    withdraw_open_invitations(session, deps, mob, "enough co-authors have accepted", piece=piece)
    draft = Draft(id=draft_id_for(mob, piece), mobilization_id=mob.id, piece_id=piece.id, title=mob.title,
                  body_html="", lang=common_language(authors), status=DraftStatus.EDITING.value, revision=0,
                  created_at=now, due_at=now + timedelta(seconds=cfg.draft_deadline_s))
    session.add(draft)
    session.flush()
    sync_status(session, mob, now)
    label = piece_label(piece) + ": " if len(pieces_of(session, mob.id)) > 1 else ""
    if len(authors) == 1:
        note(session, mob.id, "system", "quorum",
             f"{label}{authors[0].name} accepted to write it alone. Draft opened; due {fmt_time(draft.due_at)}.",
             now)
    else:
        communities = [model.community(profile_of(a)) for a in authors]
        pairing = "across communities" if model.spans_communities(communities) else "within one community"
        note(session, mob.id, "system", "quorum",
             f"{label}Quorum reached: {', '.join(a.name for a in authors)} ({pairing}). Shared draft opened; due "
             f"{fmt_time(draft.due_at)}.", now)
    for invitation, author in zip(accepted, authors, strict=True):
        _queue_draft_link(session, deps, mob, draft, invitation, author, [a.name for a in authors if a is not author])
    return draft


def _queue_draft_link(session: Session, deps: Deps, mob: Mobilization, draft: Draft, invitation: Invitation,
                      author: Member, coauthors: list[str]) -> None:
    token = deps.links.make_link(emails.DRAFT, invitation.id, max_age=int(deps.settings.mobilize.draft_link_ttl_s))
    message = emails.draft_open(to=author.email, name=author.name, story_title=mob.title, coauthors=coauthors,
                                draft_url=deps.links.url(emails.DRAFT_PATH, token), due=draft.due_at,
                                invitation_id=invitation.id, lang=member_language(author.languages),
                                timezone=author.timezone)
    queue_mail(session, message, purpose="mobilize.draft-link", attempt_key=invitation.id, ref=mob.id,
               now=deps.now())


def withdraw_open_invitations(session: Session, deps: Deps, mob: Mobilization, why: str, *,
                              piece: Piece | None = None) -> int:
    """Invitations (of one piece, or of the whole mobilization) still waiting for an answer are withdrawn; each
    member gets a short thank-you."""
    withdrawn = 0
    waiting = (invitations_of_piece(session, piece.id, InvitationStatus.SENT) if piece is not None
               else invitations_of(session, mob.id, InvitationStatus.SENT))
    for invitation in waiting:
        invitation.status = InvitationStatus.WITHDRAWN.value
        member = session.get(Member, invitation.member_id)
        _ = gettext_for(member_language(member.languages))
        queue_mail(session, emails.draft_notice(
            to=member.email, name=member.name, subject=_("No longer needed: %(title)s") % {"title": mob.title},
            lines=[_("Thank you for your time: this request is no longer needed, so there is no need to answer it. "
                     "We hope to ask you again soon.")], category="withdrawn",
            lang=member_language(member.languages)),
            purpose="mobilize.withdrawn", attempt_key=invitation.id, ref=mob.id, now=deps.now())
        withdrawn += 1
    return withdrawn
