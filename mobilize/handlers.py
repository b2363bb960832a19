"""Use cases of mobilize/: each takes a session (the caller's transaction) and its dependencies, changes the
store, queues the emails it implies in the send ledger and the events it implies in the outbox, and writes a
timeline entry for every step people should see. Nothing here sends or publishes directly: the state, the emails
and the events are committed together or not at all.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import nh3
import structlog
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bus.records import (
    MAX_TEXT_CHARS,
    DraftSubmitted,
    InvitationAnswered,
    InvitationSent,
    MobilizationStarted,
    OpEdApproved,
    StartMobilization,
    StoryEscalated,
    StoryFlagged,
    deterministic_id,
    utcnow,
)
from config.settings import Settings
from db.idempotency import first_time
from db.outbox import add_to_outbox
from mail.ledger import queue_mail

from . import emails, model
from .ports import LinkMaker
from .tables import (
    Draft,
    DraftComment,
    DraftRevision,
    InboundReply,
    Invitation,
    Member,
    Mobilization,
    StoryBrief,
    TimelineEntry,
)

log = structlog.get_logger(__name__)

OPEN_STATUSES = ("paging", "drafting", "review")
#: Severities (detect/escalation.py) whose mobilizations page members even in their quiet hours.
URGENT_SEVERITIES = ("critical",)
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "blockquote", "ul", "ol", "li", "h2", "h3", "a", "q"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


class MobilizeError(ValueError):
    """A request that cannot be carried out; the message is meant for the person who asked."""


@dataclass
class Deps:
    """What the use cases need: settings, a link maker, a clock."""

    settings: Settings
    links: LinkMaker
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        """The current time."""
        return self.clock()


# ---------------------------------------------------------------------------------------------------------- helpers
def sanitize_html(html: str) -> str:
    """Draft HTML with only harmless formatting kept (no scripts, styles, event handlers or foreign links)."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def note(session: Session, mobilization_id: str, actor: str, kind: str, text: str, at: datetime) -> None:
    """Add a timeline entry."""
    session.add(TimelineEntry(mobilization_id=mobilization_id, at=at, actor=actor, kind=kind, text=text))


def _fmt(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


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
            func.sum(case((Invitation.status == "accepted", 1), else_=0)),
            func.sum(case((Invitation.status == "declined", 1), else_=0)),
            func.sum(case((Invitation.sent_at >= since, 1), else_=0)),
        ).group_by(Invitation.member_id)
    )
    return {m: model.MemberHistory(invited=n, accepted=a or 0, declined=d or 0, recent=r or 0)
            for m, n, a, d, r in rows}


def _invitations(session: Session, mobilization_id: str, *statuses: str) -> list[Invitation]:
    query = select(Invitation).where(Invitation.mobilization_id == mobilization_id).order_by(Invitation.sent_at,
                                                                                            Invitation.id)
    if statuses:
        query = query.where(Invitation.status.in_(statuses))
    return list(session.scalars(query))


def _reply_address(deps: Deps, token: str) -> str:
    return f"reply+{token}@{deps.settings.mail.reply_domain}"


# ------------------------------------------------------------------------------------------------------------ story
def record_story(session: Session, flagged: StoryFlagged, now: datetime) -> StoryBrief:
    """Keep (or refresh) what a flagged story says, for matching and for reviewers."""
    data = {
        "categories": list(flagged.categories or []), "reasons": list(flagged.reasons or []),
        "entities": list(flagged.entities or []), "languages": list(flagged.languages or []),
        "countries": list(flagged.countries or []), "sources": list(flagged.sources or []),
        "article_ids": list(flagged.article_ids or []), "evidence": flagged.evidence or {},
        "score": flagged.score, "opened_by": flagged.opened_by,
    }
    brief = session.get(StoryBrief, flagged.story_id)
    if brief is None:
        brief = StoryBrief(story_id=flagged.story_id, title=flagged.title or flagged.story_id,
                           severity=flagged.severity, data=data, received_at=now)
        session.add(brief)
    else:
        brief.title, brief.severity, brief.data = flagged.title or brief.title, flagged.severity, data
    session.flush()
    return brief


def handle_story_flagged(session: Session, deps: Deps, flagged: StoryFlagged) -> Mobilization | None:
    """`stories.flagged`: remember the story; start a mobilization when settings say so. Idempotent."""
    if not flagged.story_id:
        raise MobilizeError("a flagged story without story_id cannot be mobilized on")
    if not first_time(session, "mobilize.stories-flagged", flagged.message_id):
        return None
    now = deps.now()
    record_story(session, flagged, now)
    cfg = deps.settings.mobilize
    if not cfg.auto_start:
        return None
    if cfg.auto_start_severities and flagged.severity not in cfg.auto_start_severities:
        return None
    return start_mobilization(session, deps, flagged.story_id, started_by="detect (flagged story)",
                              urgent=flagged.severity in URGENT_SEVERITIES)


def handle_story_escalated(session: Session, deps: Deps, escalated: StoryEscalated) -> Mobilization | None:
    """`stories.escalated`: a story that now qualifies starts a mobilization; a critical one becomes urgent."""
    if not escalated.story_id:
        raise MobilizeError("an escalated story without story_id cannot be mobilized on")
    if not first_time(session, "mobilize.stories-escalated", escalated.message_id):
        return None
    now = deps.now()
    brief = session.get(StoryBrief, escalated.story_id)
    if brief is None:
        brief = StoryBrief(story_id=escalated.story_id, title=escalated.title or escalated.story_id,
                           severity=escalated.severity, data={"evidence": escalated.evidence or {}}, received_at=now)
        session.add(brief)
    else:
        brief.severity = escalated.severity
        if escalated.evidence:
            brief.data = {**(brief.data or {}), "evidence": escalated.evidence}
    session.flush()
    mob = session.get(Mobilization, deterministic_id("mobilization", escalated.story_id))
    urgent = escalated.severity in URGENT_SEVERITIES
    if mob is not None:
        if urgent and not mob.urgent and mob.status in OPEN_STATUSES:
            mob.urgent = True
            note(session, mob.id, "detect", "urgent",
                 f"The story escalated to {escalated.severity}: now urgent (quiet hours no longer hold paging).", now)
        return mob
    cfg = deps.settings.mobilize
    if not cfg.auto_start or (cfg.auto_start_severities and escalated.severity not in cfg.auto_start_severities):
        return None
    return start_mobilization(session, deps, escalated.story_id,
                              started_by=f"detect (story escalated to {escalated.severity})", urgent=urgent)


def handle_start_command(session: Session, deps: Deps, command: StartMobilization) -> Mobilization | None:
    """`mobilize.commands`: a duty officer starts a mobilization by hand. Idempotent."""
    if not command.story_id:
        raise MobilizeError("StartMobilization needs a story_id")
    if not first_time(session, "mobilize.commands", command.message_id):
        return None
    brief = session.get(StoryBrief, command.story_id)
    if brief is None:
        if not command.title:
            raise MobilizeError(f"story {command.story_id!r} is unknown to mobilize and the command gives no title")
        brief = StoryBrief(story_id=command.story_id, title=command.title, severity="manual",
                           data={"summary": command.summary, "categories": list(command.topics or []),
                                 "countries": list(command.countries or []),
                                 "languages": list(command.languages or []), "opened_by": command.officer},
                           received_at=deps.now())
        session.add(brief)
        session.flush()
    return start_mobilization(session, deps, command.story_id, started_by=command.officer or "duty officer",
                              urgent=command.urgent)


def request_start(session: Session, *, story_id: str, title: str, officer: str, summary: str = "",
                  topics: list[str] | None = None, countries: list[str] | None = None, urgent: bool = False,
                  now: datetime | None = None) -> StartMobilization:
    """The console's "start": a StartMobilization command on `mobilize.commands`, through the outbox."""
    story_id, title = story_id.strip(), " ".join(title.split())
    if not story_id and not title:
        raise MobilizeError("Choose a flagged story, or give the story a title.")
    if not story_id:
        story_id = "manual-" + deterministic_id("manual-story", title, (now or utcnow()).isoformat())[:13]
    command = StartMobilization(story_id=story_id, officer=officer, urgent=urgent, title=title[:500],
                                summary=summary[:5000], topics=topics or [], countries=countries or [])
    add_to_outbox(session, "mobilize.commands", command)
    return command


def start_mobilization(session: Session, deps: Deps, story_id: str, *, started_by: str,
                       urgent: bool = False) -> Mobilization:
    """Open the incident for a story and page its first wave (at most one mobilization per story)."""
    mobilization_id = deterministic_id("mobilization", story_id)
    existing = session.get(Mobilization, mobilization_id)
    if existing is not None:
        return existing
    brief = session.get(StoryBrief, story_id)
    if brief is None:
        raise MobilizeError(f"story {story_id!r} is unknown: it has not been flagged")
    now = deps.now()
    mob = Mobilization(id=mobilization_id, story_id=story_id, title=brief.title, status="paging", urgent=urgent,
                       quorum=deps.settings.mobilize.quorum, wave=0, started_by=started_by, started_at=now)
    session.add(mob)
    session.flush()
    note(session, mob.id, started_by, "started",
         f"Mobilization started{' (urgent: quiet hours overridden)' if urgent else ''}; "
         f"{mob.quorum} co-authors wanted.", now)
    add_to_outbox(session, "mobilizations.started",
                  MobilizationStarted(mobilization_id=mob.id, story_id=story_id, title=brief.title,
                                      started_by=started_by, urgent=urgent, occurred_at=now))
    page_wave(session, deps, mob)
    return mob


# ----------------------------------------------------------------------------------------------------------- paging
def candidates(session: Session, deps: Deps, mob: Mobilization) -> list[model.Candidate]:
    """Members who may be paged now for this mobilization, best first."""
    now = deps.now()
    brief = session.get(StoryBrief, mob.story_id)
    members = [profile_of(m) for m in session.scalars(select(Member).where(Member.active.is_(True)))]
    histories = member_histories(session, now - timedelta(days=deps.settings.mobilize.fairness_days))
    invited = set(session.scalars(select(Invitation.member_id).where(Invitation.mobilization_id == mob.id)))
    return model.rank_members(story_profile(brief), members, histories, now, urgent=mob.urgent, exclude=invited)


def _accepted_communities(session: Session, mob: Mobilization) -> tuple[str, ...]:
    accepted = _invitations(session, mob.id, "accepted")
    return tuple(model.community(profile_of(session.get(Member, i.member_id))) for i in accepted)


def page_wave(session: Session, deps: Deps, mob: Mobilization, *, size: int | None = None,
              reason: str = "") -> list[Invitation]:
    """Page the next wave: the best candidates, in pairs across communities."""
    cfg = deps.settings.mobilize
    now = deps.now()
    ranked = candidates(session, deps, mob)
    chosen = model.choose_wave(ranked, size or cfg.wave_size, partners=_accepted_communities(session, mob))
    if not chosen:
        note(session, mob.id, "system", "stalled",
             "Nobody left to page (everyone suitable was paged, is resting, at their monthly cap or in quiet "
             "hours). The duty officer can page someone by hand or extend the deadlines.", now)
        return []
    mob.wave += 1
    created = [invite_member(session, deps, mob, session.get(Member, c.member_id), wave=mob.wave,
                             reason="; ".join(c.reasons)) for c in chosen]
    note(session, mob.id, "system", "wave",
         f"Wave {mob.wave} paged{' (' + reason + ')' if reason else ''}: " + ", ".join(c.name for c in chosen)
         + ".", now)
    return created


def invite_member(session: Session, deps: Deps, mob: Mobilization, member: Member, *, wave: int, reason: str = "",
                  by: str = "system") -> Invitation:
    """Page one member: invitation row, email with accept/decline links and reply address, InvitationSent."""
    cfg = deps.settings.mobilize
    now = deps.now()
    invitation = Invitation(
        id=deterministic_id("invitation", mob.id, member.id), mobilization_id=mob.id, member_id=member.id,
        wave=wave, reason=reason[:300], status="sent", reply_token=secrets.token_hex(10), sent_at=now,
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
        deadline=_fmt(invitation.deadline_at), invitation_id=invitation.id, reminder=reminder)
    queue_mail(session, message, purpose="mobilize.remind" if reminder else "mobilize.invite",
               attempt_key=invitation.id, ref=mob.id, now=deps.now())


def page_member_by_hand(session: Session, deps: Deps, mobilization_id: str, member_id: str, officer: str
                        ) -> Invitation:
    """The duty officer pages a chosen member (quiet hours and caps are the officer's call)."""
    mob = _open_mobilization(session, mobilization_id)
    member = session.get(Member, member_id)
    if member is None or not member.active:
        raise MobilizeError("That member does not exist or is not active.")
    if session.get(Invitation, deterministic_id("invitation", mob.id, member.id)) is not None:
        raise MobilizeError(f"{member.name} has already been paged for this mobilization.")
    return invite_member(session, deps, mob, member, wave=max(mob.wave, 1), reason="paged by the duty officer",
                         by=officer)


def _open_mobilization(session: Session, mobilization_id: str) -> Mobilization:
    mob = session.get(Mobilization, mobilization_id)
    if mob is None:
        raise MobilizeError("There is no such mobilization.")
    if mob.status not in OPEN_STATUSES:
        raise MobilizeError(f"This mobilization is {mob.status}: nothing more can be done on it.")
    return mob


# ---------------------------------------------------------------------------------------------------------- answers
def answer_invitation(session: Session, deps: Deps, invitation_id: str, answer: str, *, via: str = "link"
                      ) -> Invitation:
    """A member accepts or declines. A decline pages the next candidate at once; the quorum opens the draft."""
    if answer not in ("accepted", "declined"):
        raise MobilizeError("An answer is either accept or decline.")
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise MobilizeError("This invitation does not exist.")
    mob = session.get(Mobilization, invitation.mobilization_id)
    member = session.get(Member, invitation.member_id)
    refusal = closed_reason(invitation, mob)
    if refusal:
        raise MobilizeError(refusal)
    now = deps.now()
    invitation.status, invitation.answered_at = answer, now
    add_to_outbox(session, "invitations.answered",
                  InvitationAnswered(invitation_id=invitation.id, mobilization_id=mob.id, member_id=member.id,
                                     answer=answer, occurred_at=now))
    note(session, mob.id, member.name, answer, f"{member.name} {answer} ({via}).", now)
    if answer == "declined":
        if _still_needed(session, mob) > 0:
            page_wave(session, deps, mob, size=1, reason=f"replacing {member.name}")
        return invitation
    if mob.first_accepted_at is None:
        mob.first_accepted_at = now
    if len(_invitations(session, mob.id, "accepted")) >= mob.quorum:
        reach_quorum(session, deps, mob)
    return invitation


def closed_reason(invitation: Invitation, mob: Mobilization) -> str:
    """Why an invitation can no longer be answered ("" when it can), in words for the member."""
    if invitation.status != "sent":
        return {
            "accepted": "You have already accepted this invitation; your draft link is in your inbox.",
            "declined": "You have already declined this invitation. Thank you for answering.",
            "expired": "This invitation has expired: the secretariat paged other members. Thank you all the same.",
            "withdrawn": "This invitation is no longer needed: enough co-authors have accepted. Thank you.",
        }.get(invitation.status, "This invitation can no longer be answered.")
    if mob.status != "paging":
        return "This invitation is no longer needed: the mobilization has moved on. Thank you."
    return ""


def _still_needed(session: Session, mob: Mobilization) -> int:
    """Co-authors still missing, counting members who may yet answer."""
    accepted = len(_invitations(session, mob.id, "accepted"))
    outstanding = len(_invitations(session, mob.id, "sent"))
    return mob.quorum - accepted - outstanding


def reach_quorum(session: Session, deps: Deps, mob: Mobilization) -> Draft:
    """Enough co-authors: open the shared draft, send each their link, withdraw the invitations still open."""
    now = deps.now()
    cfg = deps.settings.mobilize
    mob.status, mob.quorum_at = "drafting", now
    accepted = _invitations(session, mob.id, "accepted")
    authors = [session.get(Member, i.member_id) for i in accepted]
    withdraw_open_invitations(session, deps, mob, "enough co-authors have accepted")
    draft = Draft(id=deterministic_id("draft", mob.id), mobilization_id=mob.id, title=mob.title, body_html="",
                  status="editing", revision=0, created_at=now, due_at=now + timedelta(seconds=cfg.draft_deadline_s))
    session.add(draft)
    session.flush()
    communities = [model.community(profile_of(a)) for a in authors]
    pairing = "across communities" if model.spans_communities(communities) else "within one community"
    note(session, mob.id, "system", "quorum",
         f"Quorum reached: {', '.join(a.name for a in authors)} ({pairing}). Shared draft opened; due "
         f"{_fmt(draft.due_at)}.", now)
    for invitation, author in zip(accepted, authors, strict=True):
        _queue_draft_link(session, deps, mob, draft, invitation, author, [a.name for a in authors if a is not author])
    return draft


def _queue_draft_link(session: Session, deps: Deps, mob: Mobilization, draft: Draft, invitation: Invitation,
                      author: Member, coauthors: list[str]) -> None:
    token = deps.links.make_link(emails.DRAFT, invitation.id, max_age=int(deps.settings.mobilize.draft_link_ttl_s))
    message = emails.draft_open(to=author.email, name=author.name, story_title=mob.title, coauthors=coauthors,
                                draft_url=deps.links.url(emails.DRAFT_PATH, token), due=_fmt(draft.due_at),
                                invitation_id=invitation.id)
    queue_mail(session, message, purpose="mobilize.draft-link", attempt_key=invitation.id, ref=mob.id,
               now=deps.now())


def withdraw_open_invitations(session: Session, deps: Deps, mob: Mobilization, why: str) -> int:
    """Invitations still waiting for an answer are withdrawn; each member gets a short thank-you."""
    withdrawn = 0
    for invitation in _invitations(session, mob.id, "sent"):
        invitation.status = "withdrawn"
        member = session.get(Member, invitation.member_id)
        queue_mail(session, emails.draft_notice(
            to=member.email, name=member.name, subject=f"No longer needed: {mob.title}",
            lines=[f"Thank you for your time: {why}, so there is no need to answer this request. We hope to ask "
                   "you again soon."], category="withdrawn"),
            purpose="mobilize.withdrawn", attempt_key=invitation.id, ref=mob.id, now=deps.now())
        withdrawn += 1
    return withdrawn


def draft_url_for(deps: Deps, invitation_id: str) -> str:
    """A fresh draft link for a co-author (in notices)."""
    token = deps.links.make_link(emails.DRAFT, invitation_id, max_age=int(deps.settings.mobilize.draft_link_ttl_s))
    return deps.links.url(emails.DRAFT_PATH, token)


# ----------------------------------------------------------------------------------------------------------- timers
@dataclass
class TimerReport:
    """What one pass over due timers did."""

    reminded: int = 0
    expired: int = 0
    waves: int = 0
    overdue: int = 0


def run_due_timers(session: Session, deps: Deps) -> TimerReport:
    """Reminders, expired invitations (next wave), overdue drafts: everything whose time has come."""
    now = deps.now()
    cfg = deps.settings.mobilize
    report = TimerReport()
    open_paging = select(Mobilization.id).where(Mobilization.status == "paging")
    for invitation in session.scalars(select(Invitation).where(
            Invitation.status == "sent", Invitation.remind_at <= now, Invitation.reminded_at.is_(None),
            Invitation.deadline_at > now, Invitation.mobilization_id.in_(open_paging))):
        mob = session.get(Mobilization, invitation.mobilization_id)
        member = session.get(Member, invitation.member_id)
        invitation.reminded_at = now
        _queue_invitation_email(session, deps, mob, member, invitation, reminder=True)
        note(session, mob.id, "system", "reminder", f"Reminder sent to {member.name}.", now)
        report.reminded += 1
    touched: dict[str, Mobilization] = {}
    for invitation in session.scalars(select(Invitation).where(
            Invitation.status == "sent", Invitation.deadline_at <= now,
            Invitation.mobilization_id.in_(open_paging))).all():
        mob = session.get(Mobilization, invitation.mobilization_id)
        member = session.get(Member, invitation.member_id)
        invitation.status, invitation.answered_at = "expired", now
        add_to_outbox(session, "invitations.answered",
                      InvitationAnswered(invitation_id=invitation.id, mobilization_id=mob.id, member_id=member.id,
                                         answer="expired", occurred_at=now))
        note(session, mob.id, "system", "expired", f"No answer from {member.name} by the deadline.", now)
        touched[mob.id] = mob
        report.expired += 1
    session.flush()
    for mob in touched.values():
        if _still_needed(session, mob) <= 0:
            continue
        if mob.wave >= cfg.max_waves:
            note(session, mob.id, "system", "stalled",
                 f"{mob.wave} waves paged without a quorum: waiting for the duty officer (page by hand, extend or "
                 "stop).", now)
            continue
        if page_wave(session, deps, mob, reason="silence past the deadline"):
            report.waves += 1
    for draft in session.scalars(select(Draft).where(
            Draft.status.in_(("editing", "changes_requested")), Draft.due_at <= now,
            Draft.overdue_noted_at.is_(None))):
        draft.overdue_noted_at = now
        mob = session.get(Mobilization, draft.mobilization_id)
        note(session, mob.id, "system", "overdue", f"No draft submitted by {_fmt(draft.due_at)}; authors reminded.",
             now)
        for invitation in _invitations(session, mob.id, "accepted"):
            author = session.get(Member, invitation.member_id)
            queue_mail(session, emails.draft_notice(
                to=author.email, name=author.name, subject=f"Draft overdue: {mob.title}",
                lines=["The secretariat has not received your draft yet. Please submit it as soon as you can, or "
                       "reply to tell us when to expect it."],
                draft_url=draft_url_for(deps, invitation.id), category="overdue"),
                purpose="mobilize.overdue", attempt_key=draft.id, ref=mob.id, now=now)
        report.overdue += 1
    return report


# ------------------------------------------------------------------------------------------ duty officer: incident
def stop_mobilization(session: Session, deps: Deps, mobilization_id: str, officer: str, reason: str = "") -> None:
    """Stop paging and close the incident; open invitations are withdrawn."""
    mob = _open_mobilization(session, mobilization_id)
    now = deps.now()
    mob.status, mob.closed_at = "stopped", now
    withdraw_open_invitations(session, deps, mob, "the secretariat has stopped this request")
    note(session, mob.id, officer, "stopped", "Mobilization stopped" + (f": {reason}" if reason else "."), now)


def extend_deadlines(session: Session, deps: Deps, mobilization_id: str, officer: str, minutes: int) -> None:
    """Give open invitations and the draft more time."""
    if not 0 < minutes <= 7 * 24 * 60:
        raise MobilizeError("Extend by 1 minute to 7 days.")
    mob = _open_mobilization(session, mobilization_id)
    delta = timedelta(minutes=minutes)
    for invitation in _invitations(session, mob.id, "sent"):
        invitation.deadline_at += delta
    draft = session.scalar(select(Draft).where(Draft.mobilization_id == mob.id))
    if draft is not None and draft.due_at is not None:
        draft.due_at += delta
        draft.overdue_noted_at = None
    note(session, mob.id, officer, "extended", f"Deadlines extended by {minutes} minutes.", deps.now())


# ----------------------------------------------------------------------------------------------------------- drafts
def authors_of(session: Session, mobilization_id: str) -> list[tuple[Invitation, Member]]:
    """The accepted co-authors of a mobilization."""
    return [(i, session.get(Member, i.member_id)) for i in _invitations(session, mobilization_id, "accepted")]


def draft_for_invitation(session: Session, invitation_id: str) -> tuple[Draft, Invitation, Member]:
    """The draft a co-author's link opens. A draft link is reusable until it expires, but no longer opens anything
    once the mobilization is closed (approved, rejected or stopped) or the member has left the network."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.status != "accepted":
        raise MobilizeError("This draft is only open to the members who accepted the invitation.")
    mob = session.get(Mobilization, invitation.mobilization_id)
    if mob is None or mob.closed_at is not None:
        raise MobilizeError("This mobilization is closed: its draft link no longer opens the draft.")
    member = session.get(Member, invitation.member_id)
    if member is None or not member.active:
        raise MobilizeError("This link no longer works: it belonged to a member who has left the network.")
    draft = session.scalar(select(Draft).where(Draft.mobilization_id == invitation.mobilization_id))
    if draft is None:
        raise MobilizeError("The shared draft opens when enough co-authors have accepted. You will get an email.")
    return draft, invitation, member


def save_draft(session: Session, deps: Deps, draft_id: str, author: str, title: str, body_html: str,
               note_text: str = "", *, officer: bool = False, lang: str = "") -> DraftRevision:
    """Save a new revision (sanitized), remembering who wrote it."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise MobilizeError("There is no such draft.")
    editable = ("editing", "changes_requested") if not officer else ("editing", "changes_requested", "submitted")
    if draft.status not in editable:
        raise MobilizeError(f"This draft is {draft.status.replace('_', ' ')} and cannot be edited now.")
    title = " ".join((title or "").split())[:500]
    if not title:
        raise MobilizeError("The op-ed needs a title.")
    clean = sanitize_html(body_html)
    if len(clean) > MAX_TEXT_CHARS:
        raise MobilizeError(f"The op-ed is {len(clean):,} characters long; the limit is {MAX_TEXT_CHARS:,}. "
                            "Shorten it and save again.")
    now = deps.now()
    draft.revision += 1
    draft.title, draft.body_html = title, clean
    if lang:
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", lang):
            raise MobilizeError(f"{lang!r} is not a language code (e.g. en, ar, fr).")
        draft.lang = lang
    revision = DraftRevision(draft_id=draft.id, number=draft.revision, author=author, title=title, body_html=clean,
                             note=(note_text or "")[:500], created_at=now)
    session.add(revision)
    note(session, draft.mobilization_id, author, "revision", f"Revision {draft.revision} saved by {author}.", now)
    return revision


def comment_on_draft(session: Session, deps: Deps, draft_id: str, author: str, text: str) -> DraftComment:
    """Add a comment to a draft."""
    text = (text or "").strip()
    if not text:
        raise MobilizeError("A comment cannot be empty.")
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise MobilizeError("There is no such draft.")
    row = DraftComment(draft_id=draft_id, author=author, text=text[:5000], created_at=deps.now())
    session.add(row)
    note(session, draft.mobilization_id, author, "comment", f"{author} commented.", row.created_at)
    return row


def submit_draft(session: Session, deps: Deps, draft_id: str, author: str) -> Draft:
    """Co-authors send the draft for review: the duty officer is told, DraftSubmitted is published."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise MobilizeError("There is no such draft.")
    if draft.status not in ("editing", "changes_requested"):
        raise MobilizeError(f"This draft is {draft.status.replace('_', ' ')}: it cannot be submitted again now.")
    if draft.revision == 0 or not nh3.clean(draft.body_html, tags=set()).strip():
        raise MobilizeError("Write and save the op-ed before submitting it.")
    now = deps.now()
    mob = session.get(Mobilization, draft.mobilization_id)
    draft.status, draft.submitted_at = "submitted", now
    draft.submissions += 1
    mob.status = "review"
    if mob.first_draft_at is None:
        mob.first_draft_at = now
    names = [m.name for _, m in authors_of(session, mob.id)]
    add_to_outbox(session, "drafts.submitted",
                  DraftSubmitted(draft_id=draft.id, mobilization_id=mob.id, revision=draft.revision,
                                 title=draft.title, authors=names, occurred_at=now))
    note(session, mob.id, author, "submitted", f"Draft (revision {draft.revision}) submitted for review by {author}.",
         now)
    queue_mail(session, emails.draft_notice(
        to=deps.settings.mobilize.officer_email, name="", subject=f"Draft to review: {draft.title}",
        lines=[f"{', '.join(names)} submitted a draft for \u201c{mob.title}\u201d.",
               f"Review it in the console: {deps.settings.web.base_url}/mobilize/review/{draft.id}"],
        category="review"),
        purpose="mobilize.review", attempt_key=f"{draft.id}:{draft.submissions}", ref=mob.id, now=now)
    return draft


def _tell_authors(session: Session, deps: Deps, mob: Mobilization, draft: Draft, *, purpose: str, subject: str,
                  lines: list[str], with_link: bool) -> None:
    for invitation, author in authors_of(session, mob.id):
        queue_mail(session, emails.draft_notice(
            to=author.email, name=author.name, subject=subject, lines=lines,
            draft_url=draft_url_for(deps, invitation.id) if with_link else "", category=purpose.split(".")[-1]),
            purpose=purpose, attempt_key=f"{draft.id}:{draft.submissions}", ref=mob.id, now=deps.now())


def request_changes(session: Session, deps: Deps, draft_id: str, officer: str, message: str) -> Draft:
    """The duty officer sends the draft back with a note; the authors are emailed."""
    draft = _submitted(session, draft_id)
    message = (message or "").strip()
    if not message:
        raise MobilizeError("Say what should change: the authors will read it.")
    now = deps.now()
    mob = session.get(Mobilization, draft.mobilization_id)
    draft.status, mob.status = "changes_requested", "drafting"
    session.add(DraftComment(draft_id=draft.id, author=officer, text=message[:5000], created_at=now))
    note(session, mob.id, officer, "changes", f"Changes requested: {message}", now)
    _tell_authors(session, deps, mob, draft, purpose="mobilize.changes", subject=f"Changes requested: {draft.title}",
                  lines=["The duty officer asks for changes before approval:", message], with_link=True)
    return draft


def approve_draft(session: Session, deps: Deps, draft_id: str, officer: str) -> Draft:
    """Approve: OpEdApproved is published (translation and distribution start); the authors are thanked."""
    draft = _submitted(session, draft_id)
    now = deps.now()
    mob = session.get(Mobilization, draft.mobilization_id)
    draft.status = "approved"
    mob.status, mob.decided_at, mob.closed_at = "approved", now, now
    names = [m.name for _, m in authors_of(session, mob.id)]
    add_to_outbox(session, "opeds.approved",
                  OpEdApproved(oped_id=deterministic_id("oped", draft.id), mobilization_id=mob.id,
                               story_id=mob.story_id, title=draft.title, body=draft.body_html, lang=draft.lang,
                               authors=names, officer=officer, occurred_at=now))
    note(session, mob.id, officer, "approved", f"Op-ed approved by {officer}: translation and distribution start.",
         now)
    _tell_authors(session, deps, mob, draft, purpose="mobilize.approved", subject=f"Approved: {draft.title}",
                  lines=["Your op-ed was approved. It is being translated and sent to editors. Thank you."],
                  with_link=False)
    return draft


def reject_draft(session: Session, deps: Deps, draft_id: str, officer: str, reason: str) -> Draft:
    """Reject the draft and close the mobilization; the authors are told why."""
    draft = _submitted(session, draft_id)
    reason = (reason or "").strip()
    if not reason:
        raise MobilizeError("Give the authors a reason.")
    now = deps.now()
    mob = session.get(Mobilization, draft.mobilization_id)
    draft.status = "rejected"
    mob.status, mob.decided_at, mob.closed_at = "rejected", now, now
    note(session, mob.id, officer, "rejected", f"Draft rejected: {reason}", now)
    _tell_authors(session, deps, mob, draft, purpose="mobilize.rejected", subject=f"Not published: {draft.title}",
                  lines=["The secretariat decided not to publish this op-ed:", reason], with_link=False)
    return draft


def _submitted(session: Session, draft_id: str) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise MobilizeError("There is no such draft.")
    if draft.status != "submitted":
        raise MobilizeError(f"This draft is {draft.status.replace('_', ' ')}, not waiting for review.")
    return draft


# ---------------------------------------------------------------------------------------------------- inbound mail
def attach_reply(session: Session, deps: Deps, fields: dict[str, str], *, attach: bool = True) -> InboundReply:
    """A reply from SendGrid Inbound Parse: attached to its invitation by the reply address, else kept rejected.

    `attach=False` (an unauthenticated or unreadable post) keeps it rejected whatever its address.
    """
    now = deps.now()
    to = (fields.get("to") or "")[:1000]
    envelope = fields.get("envelope") or ""
    reply = InboundReply(status="rejected", to=to, sender=(fields.get("from") or "")[:1000],
                         subject=(fields.get("subject") or "")[:1000], text=(fields.get("text") or "")[:100_000],
                         fields={k: v[:20_000] for k, v in fields.items() if isinstance(v, str)}, received_at=now)
    token = _reply_token(to + " " + envelope, deps.settings.mail.reply_domain)
    invitation = session.scalar(select(Invitation).where(Invitation.reply_token == token)) if token else None
    if not attach:
        reply.reason = "not attached"
    elif not to and not envelope:
        reply.reason = "no recipient: the post has no 'to' or 'envelope' field"
    elif invitation is None:
        reply.reason = f"no invitation has this reply address ({to[:200]})"
    else:
        member = session.get(Member, invitation.member_id)
        reply.status, reply.invitation_id = "attached", invitation.id
        note(session, invitation.mobilization_id, member.name, "reply",
             f"Email reply from {member.name}: {reply.subject or '(no subject)'}", now)
    session.add(reply)
    session.flush()
    return reply


def _reply_token(addresses: str, domain: str) -> str:
    match = re.search(r"reply\+([0-9a-f]{20})@" + re.escape(domain.lower()), addresses.lower())
    return match.group(1) if match else ""


# ---------------------------------------------------------------------------------------------------------- network
def upsert_member(session: Session, deps: Deps, data: dict) -> tuple[Member, bool]:
    """Create or update a member by email; returns (member, created). `data` is validated by `network.parse_row`."""
    now = deps.now()
    member = session.scalar(select(Member).where(Member.email == data["email"]))
    created = member is None
    if created:
        member = Member(id=deterministic_id("member", data["email"]), created_at=now, updated_at=now, **data)
        session.add(member)
    else:
        for key, value in data.items():
            setattr(member, key, value)
        member.updated_at = now
    session.flush()
    return member, created

