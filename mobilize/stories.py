"""An incident's life from a story: remember what a flagged or escalated story says, start a mobilization (by
detect's events or an officer's command), stop it or give it more time. Each takes the caller's session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import (
    MobilizationStarted,
    StartMobilization,
    StoryEscalated,
    StoryFlagged,
    deterministic_id,
    utcnow,
)
from db.idempotency import first_time
from db.outbox import add_to_outbox

from .incident import (
    URGENT_SEVERITIES,
    Deps,
    MobilizeError,
    invitations_of,
    move,
    note,
    open_mobilization,
    piece_id_for,
    piece_label,
    pieces_of,
)
from .model import OPEN_STATUSES, Candidate, InvitationStatus, MobilizationStatus, PieceOrder, brief_data
from .oncall import raise_alert, settle_for_mobilization
from .paging import candidates, page_wave, withdraw_open_invitations
from .tables import Draft, Member, Mobilization, Piece, StoryBrief


def new_brief(session: Session, story_id: str, *, title: str, severity: str, data: dict, now: datetime
              ) -> StoryBrief:
    """The one way a story brief is made (its `data` from `model.brief_data`); added to the session."""
    brief = StoryBrief(story_id=story_id, title=title or story_id, severity=severity, data=data, received_at=now)
    session.add(brief)
    return brief


def record_story(session: Session, flagged: StoryFlagged, now: datetime) -> StoryBrief:
    """Keep (or refresh) what a flagged story says, for matching and for reviewers."""
    data = brief_data(categories=flagged.categories, reasons=flagged.reasons, entities=flagged.entities,
                      languages=flagged.languages, countries=flagged.countries, sources=flagged.sources,
                      article_ids=flagged.article_ids, evidence=flagged.evidence, score=flagged.score,
                      opened_by=flagged.opened_by)
    brief = session.get(StoryBrief, flagged.story_id)
    if brief is None:
        brief = new_brief(session, flagged.story_id, title=flagged.title, severity=flagged.severity, data=data,
                          now=now)
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
    brief = record_story(session, flagged, now)
    cfg = deps.settings.mobilize
    if not cfg.auto_start or (cfg.auto_start_severities and flagged.severity not in cfg.auto_start_severities):
        raise_alert(session, deps, brief, "flagged")
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
        brief = new_brief(session, escalated.story_id, title=escalated.title, severity=escalated.severity,
                          data=brief_data(evidence=escalated.evidence), now=now)
    else:
        brief.severity = escalated.severity
        if escalated.evidence:  # the story's latest state: sources, countries and languages counted now
            latest = {k: list(escalated.evidence[k]) for k in ("sources", "countries", "languages")
                      if isinstance(escalated.evidence.get(k), list)}
            brief.data = {**(brief.data or {}), **latest, "evidence": escalated.evidence}
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
        raise_alert(session, deps, brief, "escalated")
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
        new_brief(session, command.story_id, title=command.title, severity="manual", now=deps.now(),
                  data=brief_data(summary=command.summary, categories=command.topics, countries=command.countries,
                                  languages=command.languages, opened_by=command.officer))
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
                       urgent: bool = False, pieces: list[PieceOrder] | None = None) -> Mobilization:
    """Open the incident for a story and page each piece's first wave (at most one mobilization per story).

    `pieces`: the op-eds commissioned, each solo or a pair, with the members the officer saw proposed (paged as
    they are); by default one pair whose first wave is the best `wave_size` candidates.
    """
    mobilization_id = deterministic_id("mobilization", story_id)
    existing = session.get(Mobilization, mobilization_id)
    if existing is not None:
        return existing
    brief = session.get(StoryBrief, story_id)
    if brief is None:
        raise MobilizeError(f"story {story_id!r} is unknown: it has not been flagged")
    now = deps.now()
    orders = pieces or [PieceOrder("pair" if deps.settings.mobilize.quorum >= 2 else "solo")]
    if not 1 <= len(orders) <= 6:
        raise MobilizeError("Commission one to six pieces.")
    chosen_ids = [m for o in orders for m in o.member_ids]
    if len(chosen_ids) != len(set(chosen_ids)):
        raise MobilizeError("A member can write only one piece of a mobilization.")
    quorums = [1 if o.kind == "solo" else max(2, deps.settings.mobilize.quorum) for o in orders]
    mob = Mobilization(id=mobilization_id, story_id=story_id, title=brief.title,
                       status=MobilizationStatus.PAGING.value, urgent=urgent,
                       quorum=sum(quorums), wave=0, started_by=started_by, started_at=now)
    session.add(mob)
    session.flush()
    rows = []
    for number, (order, quorum) in enumerate(zip(orders, quorums, strict=True), start=1):
        row = Piece(id=piece_id_for(mob.id, number), mobilization_id=mob.id, number=number,
                    kind="solo" if order.kind == "solo" else "pair", quorum=quorum,
                    status=MobilizationStatus.PAGING.value, wave=0, created_at=now)
        session.add(row)
        rows.append(row)
    session.flush()
    what = ", ".join(f"{piece_label(p)}" for p in rows) if len(rows) > 1 else f"{mob.quorum} co-author(s) wanted"
    note(session, mob.id, started_by, "started",
         f"Mobilization started{' (urgent: quiet hours overridden)' if urgent else ''}; {what}.", now)
    add_to_outbox(session, "mobilizations.started",
                  MobilizationStarted(mobilization_id=mob.id, story_id=story_id, title=brief.title,
                                      started_by=started_by, urgent=urgent, occurred_at=now))
    settle_for_mobilization(session, story_id, mob, started_by, now)
    ranked = {c.member_id: c for c in candidates(session, deps, mob)} if chosen_ids else {}
    for order, row in zip(orders, rows, strict=True):
        if not order.member_ids:
            page_wave(session, deps, mob, piece=row)
            continue
        chosen = []
        for member_id in order.member_ids:
            member = session.get(Member, member_id)
            if member is None or not member.active:
                raise MobilizeError("A proposed member is no longer in the network: preview the pieces again.")
            chosen.append(ranked.get(member_id) or _chosen_by_officer(member))
        page_wave(session, deps, mob, piece=row, chosen=chosen, reason=f"chosen by {started_by}")
    return mob


def _chosen_by_officer(member: Member) -> Candidate:
    return Candidate(member.id, member.name, 0.0, "", ("chosen by the duty officer",))


def stop_mobilization(session: Session, deps: Deps, mobilization_id: str, officer: str, reason: str = "") -> None:
    """Stop paging and close the incident; open invitations are withdrawn."""
    mob = open_mobilization(session, mobilization_id)
    now = deps.now()
    move(mob, MobilizationStatus.STOPPED)
    mob.closed_at = now
    for row in pieces_of(session, mob.id):
        if row.status in OPEN_STATUSES:
            move(row, MobilizationStatus.STOPPED)
            row.closed_at = now
    withdraw_open_invitations(session, deps, mob, "the secretariat has stopped this request")
    note(session, mob.id, officer, "stopped", "Mobilization stopped" + (f": {reason}" if reason else "."), now)


def extend_deadlines(session: Session, deps: Deps, mobilization_id: str, officer: str, minutes: int) -> None:
    """Give open invitations and the draft more time."""
    if not 0 < minutes <= 7 * 24 * 60:
        raise MobilizeError("Extend by 1 minute to 7 days.")
    mob = open_mobilization(session, mobilization_id)
    delta = timedelta(minutes=minutes)
    for invitation in invitations_of(session, mob.id, InvitationStatus.SENT):
        invitation.deadline_at += delta
    for draft in session.scalars(select(Draft).where(Draft.mobilization_id == mob.id)):
        if draft.due_at is not None:
            draft.due_at += delta
            draft.overdue_noted_at = None
    note(session, mob.id, officer, "extended", f"Deadlines extended by {minutes} minutes.", deps.now())
