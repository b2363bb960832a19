"""The shared draft: co-authors open it by their link, save revisions (sanitized), comment and submit; the duty
officer requests changes, approves (OpEdApproved) or rejects. Every step is on the timeline; authors are emailed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.body import sanitize as sanitize_html  # drafts are stored in the op-ed body format
from bus.records import MAX_TEXT_CHARS, DraftSubmitted, OpEdApproved, deterministic_id
from db.outbox import add_to_outbox
from mail.ledger import queue_mail

from . import emails, signoff
from .i18n import N_, gettext_for, member_language
from .incident import Deps, MobilizeError, invitations_of, move, note, pieces_of, sync_status
from .model import EDITABLE_DRAFT, DraftStatus, InvitationStatus, MobilizationStatus, draft_move
from .tables import Draft, DraftComment, DraftRevision, Invitation, Member, Mobilization, Piece

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
#: An autosave within this long after the same author's previous autosave replaces it in the history.
AUTOSAVE_COLLAPSE = timedelta(minutes=10)
_WORD = re.compile(r"[\w\u0600-\u06FF'’-]+")


def render_markdown(source: str) -> str:
    """A draft written in Markdown, as the sanitized HTML that is stored and sent (raw HTML in it is shown as text)."""
    return sanitize_html(_MARKDOWN.render(source or ""))


def markdown_of(draft_or_revision) -> str:
    """The Markdown to put in the editor: what the author typed, or (for a text saved as HTML before the editor
    existed) its paragraphs as plain text."""
    source = getattr(draft_or_revision, "body_md", "") or ""
    if source or not draft_or_revision.body_html:
        return source
    return plain_text(draft_or_revision.body_html)


def plain_text(html: str) -> str:
    """A stored text's words, paragraphs separated by a blank line (what a diff compares)."""
    html = re.sub(r"</(p|h2|h3|li|blockquote)>\s*|<br\s*/?>", "\n\n", html or "")
    text = nh3.clean(html, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return "\n\n".join(p.strip() for p in text.split("\n\n") if p.strip())


def word_count(html: str) -> int:
    """Words in a stored text (what the editor counts against the target length)."""
    return len(_WORD.findall(nh3.clean(html or "", tags=set())))


class DraftConflict(MobilizeError):
    """Someone saved the draft after the revision this save was based on: nothing was overwritten."""

    def __init__(self, current: DraftRevision | None, draft: Draft, base_revision: int) -> None:
        #: Plain values (the transaction is rolled back): who saved, which revision, and their text.
        self.author = current.author if current else ""
        self.revision, self.base_revision = draft.revision, base_revision
        self.title = current.title if current else draft.title
        self.body_md = (current.body_md if current else "") or markdown_of(current or draft)
        super().__init__(f"{self.author or 'A co-author'} saved a newer version (revision {self.revision}) while you "
                         f"were editing revision {base_revision}. Nothing was overwritten: compare both and choose.")


def draft_url_for(deps: Deps, invitation_id: str) -> str:
    """A fresh draft link for a co-author (in notices)."""
    token = deps.links.make_link(emails.DRAFT, invitation_id, max_age=int(deps.settings.mobilize.draft_link_ttl_s))
    return deps.links.url(emails.DRAFT_PATH, token)


def authors_of(session: Session, mobilization_id: str, piece_id: str | None = None
               ) -> list[tuple[Invitation, Member]]:
    """The accepted authors of one piece (`piece_id`), or of every piece of a mobilization."""
    accepted = invitations_of(session, mobilization_id, InvitationStatus.ACCEPTED)
    return [(i, session.get(Member, i.member_id)) for i in accepted if piece_id is None or i.piece_id == piece_id]


def byline_of(session: Session, draft: Draft) -> list[dict]:
    """The authors of a draft's piece as a byline needs them: name, title, affiliation, member id."""
    return [{"name": m.name, "title": m.title or "", "affiliation": m.affiliation or "", "member_id": m.id}
            for _, m in authors_of(session, draft.mobilization_id, draft.piece_id)]


def _piece_of(session: Session, draft: Draft) -> Piece:
    return session.get(Piece, draft.piece_id)


def _label(session: Session, draft: Draft) -> str:
    """"Piece 2: " when the mobilization has several pieces, else ""."""
    piece = _piece_of(session, draft)
    return f"Piece {piece.number}: " if len(pieces_of(session, draft.mobilization_id)) > 1 else ""


def draft_for_invitation(session: Session, invitation_id: str) -> tuple[Draft, Invitation, Member]:
    """The draft a co-author's link opens. A draft link is reusable until it expires, but no longer opens anything
    once the mobilization is closed (approved, rejected or stopped) or the member has left the network."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.status != InvitationStatus.ACCEPTED:
        raise MobilizeError(N_("This draft is only open to the members who accepted the invitation."))
    mob = session.get(Mobilization, invitation.mobilization_id)
    piece = session.get(Piece, invitation.piece_id) if invitation.piece_id else None
    if mob is None or mob.closed_at is not None or (piece is not None and piece.closed_at is not None):
        raise MobilizeError(N_("This mobilization is closed: its draft link no longer opens the draft."))
    member = session.get(Member, invitation.member_id)
    if member is None or not member.active:
        raise MobilizeError(N_("This link no longer works: it belonged to a member who has left the network."))
    draft = session.scalar(select(Draft).where(Draft.piece_id == invitation.piece_id))
    if draft is None:
        raise MobilizeError(N_("The shared draft opens when enough co-authors have accepted. You will get an email."))
    return draft, invitation, member


def save_draft(session: Session, deps: Deps, draft_id: str, author: str, title: str, body_html: str,
               note_text: str = "", *, officer: bool = False, lang: str = "", body_md: str | None = None,
               base_revision: int | None = None, autosave: bool = False) -> DraftRevision:
    """Save a new revision (sanitized), remembering who wrote it.

    `autosave=True` (the editor saving by itself) keeps the history readable: a text equal to the current revision
    saves nothing, and an autosave that follows the same author's autosave within `AUTOSAVE_COLLAPSE` replaces it
    in the history (the revision number still moves on, so a co-author's revision check still sees the change).

    `body_md` (the editor's Markdown) replaces `body_html` when given. `base_revision` is the revision the author
    started from: if someone saved since, `DraftConflict` is raised and nothing changes (the row is locked first, so
    two saves at once cannot both pass the check)."""
    draft = session.get(Draft, draft_id, with_for_update=base_revision is not None)
    if draft is None:
        raise MobilizeError("There is no such draft.")
    if officer:
        signoff.note_officer_edit(session, deps, draft, author)
    if base_revision is not None and base_revision != draft.revision:
        current = session.scalar(select(DraftRevision).where(DraftRevision.draft_id == draft.id,
                                                             DraftRevision.number == draft.revision))
        raise DraftConflict(current, draft, base_revision)
    if body_md is not None:
        body_md = body_md.replace("\r\n", "\n")
        body_html = render_markdown(body_md)
    editable = EDITABLE_DRAFT if not officer else (*EDITABLE_DRAFT, DraftStatus.SUBMITTED)
    if draft.status not in editable:
        raise MobilizeError(f"This draft is {draft.status.replace('_', ' ')} and cannot be edited now.")
    title = " ".join((title or "").split())[:500]
    if not title:
        raise MobilizeError(N_("The op-ed needs a title."))
    clean = sanitize_html(body_html)
    if len(clean) > MAX_TEXT_CHARS:
        raise MobilizeError(f"The op-ed is {len(clean):,} characters long; the limit is {MAX_TEXT_CHARS:,}. "
                            "Shorten it and save again.")
    now = deps.now()
    latest = session.scalar(select(DraftRevision).where(DraftRevision.draft_id == draft.id,
                                                        DraftRevision.number == draft.revision))
    if autosave and latest is not None and not officer:
        same_lang = not lang or lang == draft.lang
        if (latest.title, latest.body_html, latest.body_md or "") == (title, clean, body_md or "") and same_lang:
            return latest  # nothing changed since the last save
        if (latest.author == author and latest.note == "autosave" and latest.created_at is not None
                and now - _aware(latest.created_at) < AUTOSAVE_COLLAPSE):
            session.delete(latest)  # one history entry per stretch of writing, not one per pause
            session.flush()
    draft.revision += 1
    draft.title, draft.body_html = title, clean
    draft.body_md = body_md if body_md is not None else ""
    if lang:
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", lang):
            raise MobilizeError(f"{lang!r} is not a language code (e.g. en, ar, fr).")
        draft.lang = lang
    revision = DraftRevision(draft_id=draft.id, number=draft.revision, author=author, title=title, body_html=clean,
                             note=(note_text or "")[:500], created_at=now)
    revision.body_md = draft.body_md
    session.add(revision)
    if not autosave:
        note(session, draft.mobilization_id, author, "revision", f"Revision {draft.revision} saved by {author}.", now)
    return revision


def _aware(moment: datetime) -> datetime:
    """A stored time as UTC-aware (SQLite gives naive datetimes back)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def comment_on_draft(session: Session, deps: Deps, draft_id: str, author: str, text: str) -> DraftComment:
    """Add a comment to a draft."""
    text = (text or "").strip()
    if not text:
        raise MobilizeError(N_("A comment cannot be empty."))
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
    if draft.status not in EDITABLE_DRAFT:
        raise MobilizeError(f"This draft is {draft.status.replace('_', ' ')}: it cannot be submitted again now.")
    if draft.revision == 0 or not nh3.clean(draft.body_html, tags=set()).strip():
        raise MobilizeError(N_("Write and save the op-ed before submitting it."))
    now = deps.now()
    mob = session.get(Mobilization, draft.mobilization_id)
    move(_piece_of(session, draft), MobilizationStatus.REVIEW)
    draft.status, draft.submitted_at = draft_move(draft.status, DraftStatus.SUBMITTED).value, now
    draft.submissions += 1
    sync_status(session, mob, now)
    if mob.first_draft_at is None:
        mob.first_draft_at = now
    names = [m.name for _, m in authors_of(session, mob.id, draft.piece_id)]
    add_to_outbox(session, "drafts.submitted",
                  DraftSubmitted(draft_id=draft.id, mobilization_id=mob.id, revision=draft.revision,
                                 title=draft.title, authors=names, occurred_at=now))
    note(session, mob.id, author, "submitted",
         f"{_label(session, draft)}Draft (revision {draft.revision}) submitted for review by {author}.", now)
    queue_mail(session, emails.draft_notice(
        to=deps.settings.mobilize.officer_email, name="", subject=f"Draft to review: {draft.title}",
        lines=[f"{', '.join(names)} submitted a draft for \u201c{mob.title}\u201d.",
               f"Review it in the console: {deps.settings.web.base_url}/mobilize/review/{draft.id}"],
        category="review"),
        purpose="mobilize.review", attempt_key=f"{draft.id}:{draft.submissions}", ref=mob.id, now=now)
    return draft


def _tell_authors(session: Session, deps: Deps, mob: Mobilization, draft: Draft, *, purpose: str, subject, lines,
                  with_link: bool) -> None:
    """Email each author in their language: `subject(_)` and `lines(_)` are built with the author's `_`."""
    for invitation, author in authors_of(session, mob.id, draft.piece_id):
        lang = member_language(author.languages)
        _ = gettext_for(lang)
        queue_mail(session, emails.draft_notice(
            to=author.email, name=author.name, subject=subject(_), lines=lines(_), lang=lang,
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
    draft.status = draft_move(draft.status, DraftStatus.CHANGES_REQUESTED).value
    move(_piece_of(session, draft), MobilizationStatus.DRAFTING)
    sync_status(session, mob, now)
    session.add(DraftComment(draft_id=draft.id, author=officer, text=message[:5000], created_at=now))
    note(session, mob.id, officer, "changes", f"{_label(session, draft)}Changes requested: {message}", now)
    _tell_authors(session, deps, mob, draft, purpose="mobilize.changes",
                  subject=lambda _: _("Changes requested: %(title)s") % {"title": draft.title},
                  lines=lambda _: [_("The duty officer asks for changes before approval:"), message], with_link=True)
    return draft


def approve_draft(session: Session, deps: Deps, draft_id: str, officer: str, *, signed_off: bool = False) -> Draft:
    """Approve: OpEdApproved is published (translation and distribution start); the authors are thanked.

    If the officer edited the submitted text, the authors are asked to approve the final text first
    (mobilize/signoff.py) and this returns with the draft still submitted; `signed_off` is their approval."""
    draft = _submitted(session, draft_id)
    if not signed_off and signoff.hold_for_authors(session, deps, draft, officer):
        return draft
    now = deps.now()
    mob = session.get(Mobilization, draft.mobilization_id)
    draft.status = draft_move(draft.status, DraftStatus.APPROVED).value
    piece = _piece_of(session, draft)
    move(piece, MobilizationStatus.APPROVED)
    piece.decided_at, piece.closed_at = now, now
    sync_status(session, mob, now)
    byline = byline_of(session, draft)
    add_to_outbox(session, "opeds.approved",
                  OpEdApproved(oped_id=oped_id_for(draft), mobilization_id=mob.id, piece_id=piece.id,
                               piece_number=piece.number, story_id=mob.story_id, title=draft.title,
                               body=draft.body_html, lang=draft.lang, authors=[a["name"] for a in byline],
                               author_details=byline, officer=officer, occurred_at=now))
    signoff.after_approval(session, deps, draft)
    note(session, mob.id, officer, "approved",
         f"{_label(session, draft)}Op-ed approved by {officer}: translation and distribution start.", now)
    _tell_authors(session, deps, mob, draft, purpose="mobilize.approved",
                  subject=lambda _: _("Approved: %(title)s") % {"title": draft.title},
                  lines=lambda _: [_("Your op-ed was approved. It is being translated and sent to editors. "
                                     "Each translation will be shown to you before it goes out under your name. "
                                     "Thank you.")],
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
    draft.status = draft_move(draft.status, DraftStatus.REJECTED).value
    piece = _piece_of(session, draft)
    move(piece, MobilizationStatus.REJECTED)
    piece.decided_at, piece.closed_at = now, now
    sync_status(session, mob, now)
    note(session, mob.id, officer, "rejected", f"{_label(session, draft)}Draft rejected: {reason}", now)
    _tell_authors(session, deps, mob, draft, purpose="mobilize.rejected",
                  subject=lambda _: _("Not published: %(title)s") % {"title": draft.title},
                  lines=lambda _: [_("The secretariat decided not to publish this op-ed:"), reason], with_link=False)
    return draft


def oped_id_for(draft: Draft) -> str:
    """The op-ed id translate/ and distribute/ key on: one per piece (from its draft, whose id is per piece)."""
    return deterministic_id("oped", draft.id)


def _submitted(session: Session, draft_id: str) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise MobilizeError("There is no such draft.")
    if draft.status != DraftStatus.SUBMITTED:
        raise MobilizeError(f"This draft is {draft.status.replace('_', ' ')}, not waiting for review.")
    return draft
