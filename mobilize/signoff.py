"""The authors decide what goes out under their names (issue 15).

- **Submitting** needs every author of the piece: each agrees to submit the current revision; the last agreement
  submits it (`agree_to_submit`). A save after an agreement asks again (the agreement is per revision).
- **Final text**: if a duty officer edited the submitted text, approving it only asks the authors (they see the
  change as a diff); OpEdApproved goes out when all of them approve (`approve_final`), or when an officer records an
  approval they gave another way, with the reason (`record_final_approval`). An author may object instead.
- **Translations**: each `translations.ready` is shown to the authors (`show_translation`) with a window to object
  (`RRM_MOBILIZE__SIGNOFF_WINDOW_S`). `TranslationSignedOff` goes out when all authors approve ("authors"), when the
  window closes with no objection ("no_objection", `close_windows`), or when an officer records an approval
  ("officer_recorded"). The original language is signed off with the approval itself.
- **Release**: the authors are told when their op-ed went out, to how many editors and in which languages
  (`tell_release`, on `opeds.released`), and where it runs (`tell_placement`, on `opeds.placed`).

Every handler takes the caller's session; events leave through the outbox; emails through the mail ledger.
"""

from __future__ import annotations

import difflib
import html
from datetime import timedelta

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from bus.records import OpEdPlaced, OpEdReleased, TranslationReady, TranslationSignedOff
from db.outbox import add_to_outbox
from mail.ledger import queue_mail

from . import emails
from .i18n import N_, format_when, gettext_for, member_language, supported
from .incident import Deps, MobilizeError, invitations_of, note
from .model import EDITABLE_DRAFT, DraftStatus, InvitationStatus
from .tables import (
    Draft,
    DraftRevision,
    DraftSignoff,
    FinalText,
    Invitation,
    Member,
    Mobilization,
    ReleaseNotice,
    ShownTranslation,
)

SUBMIT, FINAL, TRANSLATION, EDITED = "submit", "final", "translation", "edited"
HOW_AUTHORS, HOW_SILENCE, HOW_OFFICER = "authors", "no_objection", "officer_recorded"


# ------------------------------------------------------------------------------------------------------- who is who
def authors_of_draft(session: Session, draft: Draft) -> list[tuple[Invitation, Member]]:
    """The accepted authors of a draft's piece (of the whole mobilization for a draft without a piece)."""
    accepted = invitations_of(session, draft.mobilization_id, InvitationStatus.ACCEPTED)
    piece_id = getattr(draft, "piece_id", None)
    return [(i, session.get(Member, i.member_id)) for i in accepted
            if piece_id is None or getattr(i, "piece_id", None) == piece_id]


def draft_of_invitation(session: Session, invitation_id: str) -> tuple[Draft, Invitation, Member]:
    """The draft an author's sign-off link is about (also after approval, when the draft link no longer opens)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.status != InvitationStatus.ACCEPTED:
        raise MobilizeError(N_("This page is only open to the authors of the op-ed."))
    member = session.get(Member, invitation.member_id)
    if member is None or not member.active:
        raise MobilizeError(N_("This link no longer works: it belonged to a member who has left the network."))
    piece_id = getattr(invitation, "piece_id", None)
    query = select(Draft).where(Draft.piece_id == piece_id) if piece_id else select(Draft).where(
        Draft.mobilization_id == invitation.mobilization_id)
    draft = session.scalar(query)
    if draft is None:
        raise MobilizeError(N_("There is no draft for this invitation yet."))
    return draft, invitation, member


def signoff_url_for(deps: Deps, invitation_id: str) -> str:
    """An author's sign-off page (final text and translations): reusable until it expires."""
    token = deps.links.make_link(emails.SIGNOFF, invitation_id, max_age=int(deps.settings.mobilize.signoff_link_ttl_s))
    return deps.links.url(emails.SIGNOFF_PATH, token)


def _word(session: Session, draft_id: str, kind: str, ref: str) -> dict[str, DraftSignoff]:
    rows = session.scalars(select(DraftSignoff).where(DraftSignoff.draft_id == draft_id, DraftSignoff.kind == kind,
                                                      DraftSignoff.ref == ref))
    return {row.member_id: row for row in rows}


def _record(session: Session, deps: Deps, draft_id: str, kind: str, ref: str, member_id: str, decision: str,
            comment: str = "") -> DraftSignoff:
    row = _word(session, draft_id, kind, ref).get(member_id)
    if row is None:
        row = DraftSignoff(draft_id=draft_id, kind=kind, ref=ref, member_id=member_id, decision=decision,
                           comment=comment[:5000], at=deps.now())
        session.add(row)
    else:
        row.decision, row.comment, row.at = decision, comment[:5000], deps.now()
    session.flush()
    return row


def _mail_authors(session: Session, deps: Deps, draft: Draft, *, purpose: str, attempt: str, subject, lines,
                  button=None, link: str = "signoff", skip: str = "") -> None:
    """Email each author in their language. `subject(_)`/`lines(_, member)` build the text with the author's `_`;
    `link` is "signoff" (their sign-off page) or "draft" (their draft page)."""
    from .drafts import draft_url_for  # drafts imports this module

    for invitation, author in authors_of_draft(session, draft):
        if author.id == skip:
            continue
        lang = member_language(author.languages)
        _ = gettext_for(lang)
        url = ""
        if button is not None:
            url = signoff_url_for(deps, invitation.id) if link == "signoff" else draft_url_for(deps, invitation.id)
        queue_mail(session, emails.draft_notice(
            to=author.email, name=author.name, subject=subject(_), lines=lines(_, author), draft_url=url,
            category=purpose.split(".")[-1], lang=lang, button=button(_) if button else ""),
            purpose=purpose, attempt_key=attempt, ref=draft.mobilization_id, now=deps.now())


def _tell_officer(session: Session, deps: Deps, draft: Draft, purpose: str, attempt: str, subject: str,
                  lines: list[str]) -> None:
    queue_mail(session, emails.draft_notice(to=deps.settings.mobilize.officer_email, name="", subject=subject,
                                            lines=lines, category=purpose.split(".")[-1]),
               purpose=purpose, attempt_key=attempt, ref=draft.mobilization_id, now=deps.now())


# ---------------------------------------------------------------------------------------------------- submitting
def submit_agreements(session: Session, draft: Draft) -> dict[str, bool]:
    """Which authors (member id) agreed to submit the current revision."""
    agreed = _word(session, draft.id, SUBMIT, str(draft.revision))
    return {m.id: m.id in agreed for _, m in authors_of_draft(session, draft)}


def agree_to_submit(session: Session, deps: Deps, draft_id: str, member: Member, revision: int | None = None
                    ) -> list[str]:
    """An author agrees to submit the current revision (`revision`: the one they read; refused if a co-author saved
    since). The last author's agreement submits it (returns []); otherwise returns the names still to agree, who are
    emailed once per revision."""
    from .drafts import submit_draft

    draft = session.get(Draft, draft_id)
    if draft is None:
        raise MobilizeError("There is no such draft.")
    if draft.status not in EDITABLE_DRAFT:
        raise MobilizeError(f"This draft is {draft.status.replace('_', ' ')}: it cannot be submitted again now.")
    if draft.revision == 0:
        raise MobilizeError(N_("Write and save the op-ed before submitting it."))
    if revision is not None and revision != draft.revision:
        raise MobilizeError(N_("The draft changed since you opened it: read the new revision, then agree to submit "
                               "it."))
    authors = authors_of_draft(session, draft)
    if member.id not in {m.id for _, m in authors}:
        raise MobilizeError(N_("Only the authors of this op-ed can submit it."))
    _record(session, deps, draft.id, SUBMIT, str(draft.revision), member.id, "agree")
    agreed = submit_agreements(session, draft)
    waiting = [m.name for _, m in authors if not agreed[m.id]]
    if not waiting:
        submit_draft(session, deps, draft.id, ", ".join(m.name for _, m in authors))
        return []
    note(session, draft.mobilization_id, member.name, "submit-agreed",
         f"{member.name} agreed to submit revision {draft.revision}; waiting for {', '.join(waiting)}.", deps.now())
    _mail_authors(
        session, deps, draft, purpose="mobilize.agree", attempt=f"{draft.id}:{draft.revision}", skip=member.id,
        subject=lambda _: _("Your co-author wants to submit: %(title)s") % {"title": draft.title},
        lines=lambda _, a: [_("%(name)s would like to submit revision %(revision)s of your op-ed for review. It is "
                              "only submitted when every author agrees: read it and agree, or edit it first.")
                            % {"name": member.name, "revision": draft.revision}],
        button=lambda _: _("Open the draft"), link="draft")
    return waiting


# ---------------------------------------------------------------------------------------------------- final text
def note_officer_edit(session: Session, deps: Deps, draft: Draft, officer: str) -> None:
    """Remember the revision the authors submitted when an officer first edits it (called before the save)."""
    if draft.status != DraftStatus.SUBMITTED:
        return
    ref = str(draft.submissions)
    if not _word(session, draft.id, EDITED, ref):
        _record(session, deps, draft.id, EDITED, ref, "officer", "edited", comment=str(draft.revision))


def _revision(session: Session, draft_id: str, number: int) -> DraftRevision | None:
    return session.scalar(select(DraftRevision).where(DraftRevision.draft_id == draft_id,
                                                      DraftRevision.number == number))


def _submitted_revision(session: Session, draft: Draft) -> int:
    edited = _word(session, draft.id, EDITED, str(draft.submissions)).get("officer")
    return int(edited.comment) if edited else draft.revision


def hold_for_authors(session: Session, deps: Deps, draft: Draft, officer: str) -> bool:
    """On an officer's approval: True (and the authors are asked) when the officer changed the text the authors
    submitted; False when the approval may go out now (their submission is their approval)."""
    from .drafts import oped_id_for

    submitted = _submitted_revision(session, draft)
    before = _revision(session, draft.id, submitted)
    changed = submitted != draft.revision and (
        before is None or (before.title, before.body_html) != (draft.title, draft.body_html))
    final = session.get(FinalText, draft.id)
    if final is None:
        final = FinalText(draft_id=draft.id, oped_id=oped_id_for(draft), submitted_revision=submitted,
                          final_revision=draft.revision, officer=officer, status="approved", requested_at=deps.now())
        session.add(final)
    if not changed or (final.status == "approved" and final.final_revision == draft.revision and final.approved_at):
        final.submitted_revision, final.final_revision, final.officer = submitted, draft.revision, officer
        final.status, final.how = "approved", final.how or HOW_AUTHORS
        final.approved_at = final.approved_at or deps.now()
        return False
    if final.status == "awaiting_authors" and final.final_revision == draft.revision:
        raise MobilizeError(f"Already waiting for the authors to approve revision {draft.revision}.")
    final.submitted_revision, final.final_revision, final.officer = submitted, draft.revision, officer
    final.status, final.how, final.reason, final.requested_at, final.approved_at = (
        "awaiting_authors", "", "", deps.now(), None)
    session.flush()
    note(session, draft.mobilization_id, officer, "signoff-asked",
         f"{officer} approved revision {draft.revision} with edits; the authors are asked to approve the final "
         "text before it goes out.", deps.now())
    _mail_authors(
        session, deps, draft, purpose="mobilize.final", attempt=f"{draft.id}:{draft.revision}",
        subject=lambda _: _("Please approve the final text: %(title)s") % {"title": draft.title},
        lines=lambda _, a: [_("The secretariat edited your op-ed before publishing it. Nothing goes out under your "
                              "name until you approve: see what changed and approve the final text, or object.")],
        button=lambda _: _("See the changes and approve"))
    return True


def final_waiting(session: Session, draft: Draft) -> FinalText | None:
    """The final text waiting for (or objected to by) the authors, if any."""
    final = session.get(FinalText, draft.id)
    return final if final is not None and final.status in ("awaiting_authors", "objected") else None


def final_progress(session: Session, draft: Draft) -> tuple[FinalText | None, list[tuple[Member, str, str]]]:
    """The final text waiting for (or objected to by) the authors, with each author's word on it: (member,
    "approved"|"objected"|"waiting", comment); (None, []) when nothing waits for the authors."""
    final = final_waiting(session, draft)
    if final is None:
        return None, []
    decisions = final_decisions(session, draft)
    words = {"approve": "approved", "object": "objected"}
    return final, [(m, words.get(decisions[m.id].decision, "waiting") if m.id in decisions else "waiting",
                    decisions[m.id].comment if m.id in decisions else "") for _, m in authors_of_draft(session, draft)]


def mobilization_awaits_authors(session: Session, mob: Mobilization, drafts: list[Draft]) -> bool:
    """True when a mobilization "in review" waits only for authors to approve final texts (no draft of it waits for
    the officer): its label is then "Waiting for the authors' approval" (`model.status_label`)."""
    in_review = [d for d in drafts if d is not None and d.status == DraftStatus.SUBMITTED]
    return mob.status == "review" and bool(in_review) and all(
        (f := final_waiting(session, d)) is not None and f.status == "awaiting_authors" for d in in_review)


def mobilizations_awaiting_authors(session: Session) -> set[str]:
    """Ids of the mobilizations that `mobilization_awaits_authors` (for lists: one label on every page)."""
    drafts: dict[str, list[Draft]] = {}
    for draft in session.scalars(select(Draft).join(Mobilization, Mobilization.id == Draft.mobilization_id)
                                 .where(Mobilization.status == "review")):
        drafts.setdefault(draft.mobilization_id, []).append(draft)
    return {mob_id for mob_id, ds in drafts.items()
            if mobilization_awaits_authors(session, session.get(Mobilization, mob_id), ds)}


def final_decisions(session: Session, draft: Draft) -> dict[str, DraftSignoff]:
    """The authors' decisions (member id -> row) on the final text waiting for them."""
    final = session.get(FinalText, draft.id)
    return _word(session, draft.id, FINAL, str(final.final_revision)) if final else {}


def approve_final(session: Session, deps: Deps, draft_id: str, member: Member) -> bool:
    """An author approves the final text; True when it was the last approval and the op-ed went out."""
    draft, final = _final(session, draft_id)
    _record(session, deps, draft.id, FINAL, str(final.final_revision), member.id, "approve")
    note(session, draft.mobilization_id, member.name, "signoff",
         f"{member.name} approved the final text (revision {final.final_revision}).", deps.now())
    decisions = final_decisions(session, draft)
    authors = authors_of_draft(session, draft)
    if all(m.id in decisions and decisions[m.id].decision == "approve" for _, m in authors):
        _release_final(session, deps, draft, final, HOW_AUTHORS, "")
        return True
    return False


def object_final(session: Session, deps: Deps, draft_id: str, member: Member, comment: str) -> None:
    """An author does not approve the final text: nothing goes out; the duty officer is told why."""
    comment = (comment or "").strip()
    if not comment:
        raise MobilizeError(N_("Say what you object to: the duty officer will read it."))
    draft, final = _final(session, draft_id)
    _record(session, deps, draft.id, FINAL, str(final.final_revision), member.id, "object", comment)
    final.status = "objected"
    note(session, draft.mobilization_id, member.name, "signoff-objected",
         f"{member.name} objects to the final text: {comment}", deps.now())
    _tell_officer(session, deps, draft, "mobilize.objection", f"{draft.id}:final:{final.final_revision}:{member.id}",
                  f"An author objects to the edited text: {draft.title}",
                  [f"{member.name} does not approve revision {final.final_revision}:", comment,
                   f"Review: {deps.settings.web.base_url}/mobilize/review/{draft.id}"])


def record_final_approval(session: Session, deps: Deps, draft_id: str, officer: str, reason: str) -> None:
    """An officer records that the authors approved the final text another way (phone, email), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise MobilizeError("Say how the authors approved (for example: by phone with both authors on 30 Nov).")
    draft, final = _final(session, draft_id)
    note(session, draft.mobilization_id, officer, "signoff-recorded",
         f"{officer} recorded the authors' approval of the final text: {reason}", deps.now())
    _release_final(session, deps, draft, final, HOW_OFFICER, reason)


def _final(session: Session, draft_id: str) -> tuple[Draft, FinalText]:
    draft = session.get(Draft, draft_id)
    final = session.get(FinalText, draft_id) if draft else None
    if draft is None or final is None or final.status not in ("awaiting_authors", "objected"):
        raise MobilizeError(N_("There is no final text waiting for the authors' approval."))
    if draft.revision != final.final_revision:
        raise MobilizeError(N_("The text changed since it was shown to the authors; the officer must approve it "
                               "again."))
    return draft, final


def _release_final(session: Session, deps: Deps, draft: Draft, final: FinalText, how: str, reason: str) -> None:
    from .drafts import approve_draft

    final.status, final.how, final.reason, final.approved_at = "approved", how, reason, deps.now()
    approve_draft(session, deps, draft.id, final.officer, signed_off=True)


def after_approval(session: Session, deps: Deps, draft: Draft) -> None:
    """With OpEdApproved: the original language is signed off (the authors approved this very text)."""
    final = session.get(FinalText, draft.id)
    names = ", ".join(m.name for _, m in authors_of_draft(session, draft))
    add_to_outbox(session, "translations.signed_off", TranslationSignedOff(
        oped_id=final.oped_id, lang=draft.lang, how=final.how or HOW_AUTHORS,
        by=names if (final.how or HOW_AUTHORS) == HOW_AUTHORS else final.officer,
        reason=final.reason or "the original text", occurred_at=deps.now()))


def diff_html(old: str, new: str) -> str:
    """The change from `old` to `new` (plain text or Markdown), word by word, as HTML: <del> removed, <ins> added,
    paragraphs kept."""
    def words(text: str) -> list[str]:
        out: list[str] = []
        for para in [p for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]:
            out.extend(para.split())
            out.append("\n\n")
        return out

    a, b = words(old), words(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append("<del>" + html.escape(" ".join(w for w in a[i1:i2] if w != "\n\n")) + "</del>")
        if op in ("insert", "replace"):
            parts.append("<ins>" + html.escape(" ".join(w for w in b[j1:j2] if w != "\n\n")) + "</ins>")
        if op == "equal":
            parts.append(html.escape(" ".join(a[i1:i2])))
    paragraphs = " ".join(parts).split("\n\n")
    return "".join(f"<p>{p.strip()}</p>" for p in paragraphs if p.strip())


def final_diff(session: Session, draft: Draft) -> tuple[str, str]:
    """(title change, body change) between what the authors submitted and the final text, as HTML."""
    from .drafts import plain_text

    final = session.get(FinalText, draft.id)
    before = _revision(session, draft.id, final.submitted_revision) if final else None
    if before is None:
        return "", ""
    return diff_html(before.title, draft.title), diff_html(plain_text(before.body_html), plain_text(draft.body_html))


# --------------------------------------------------------------------------------------------------- translations
def show_translation(session: Session, deps: Deps, record: TranslationReady) -> bool:
    """A translation is ready: show it to the authors with a window to object. False when it is not one of ours, is
    the original language, or is the same text already shown."""
    final = session.scalar(select(FinalText).where(FinalText.oped_id == record.oped_id))
    if final is None:
        return False
    draft = session.get(Draft, final.draft_id)
    lang = (record.lang or "").strip()
    if not lang or lang == draft.lang:
        return False
    now = deps.now()
    shown = session.scalar(select(ShownTranslation).where(ShownTranslation.oped_id == record.oped_id,
                                                          ShownTranslation.lang == lang))
    if shown is not None and (shown.title, shown.body) == (record.title, record.body):
        return False
    if shown is None:
        shown = ShownTranslation(oped_id=record.oped_id, lang=lang, draft_id=draft.id, version=0,
                                 status="shown", received_at=now, window_ends_at=now)
        session.add(shown)
    shown.version += 1
    shown.title, shown.body, shown.translator = record.title[:500], record.body, record.translator[:200]
    shown.status, shown.how, shown.by, shown.reason, shown.signed_off_at = "shown", "", "", "", None
    shown.received_at = now
    shown.window_ends_at = now + timedelta(seconds=deps.settings.mobilize.signoff_window_s)
    session.flush()
    note(session, draft.mobilization_id, "system", "translation-shown",
         f"The {lang} translation was shown to the authors; it goes out when they approve, or on "
         f"{shown.window_ends_at:%Y-%m-%d %H:%M} UTC if nobody objects.", now)
    _mail_authors(
        session, deps, draft, purpose="mobilize.translation", attempt=f"{record.oped_id}:{lang}:{shown.version}",
        subject=lambda _: _("Your op-ed in another language: %(title)s") % {"title": shown.title or draft.title},
        lines=lambda _, a: [
            _("The %(language)s translation of your op-ed is ready. It will go out under your name: please read it "
              "and approve it, or object, by %(deadline)s. If nobody objects by then, it goes out as it is.")
            % {"language": language_name(lang, member_language(a.languages)),
               "deadline": format_when(shown.window_ends_at, member_language(a.languages), a.timezone)}],
        button=lambda _: _("Read the translation"))
    return True


def language_name(code: str, in_lang: str) -> str:
    """A language's name in another language ("arabe" for ar in fr); the code itself when Babel does not know it."""
    try:
        return Locale.parse(supported(in_lang)).languages.get(code.split("-")[0], code)
    except (ValueError, TypeError):
        return code


def translations_for(session: Session, draft: Draft) -> list[ShownTranslation]:
    """Every translation shown to a draft's authors, by language."""
    return list(session.scalars(select(ShownTranslation).where(ShownTranslation.draft_id == draft.id)
                                .order_by(ShownTranslation.lang)))


def translation_decisions(session: Session, shown: ShownTranslation) -> dict[str, DraftSignoff]:
    """The authors' decisions (member id -> row) on the current version of a translation."""
    return _word(session, shown.draft_id, TRANSLATION, f"{shown.lang}:{shown.version}")


def decide_translation(session: Session, deps: Deps, shown_id: int, member: Member, *, approve: bool,
                       comment: str = "") -> None:
    """An author approves a translation (the last approval signs it off) or objects to it (it is held; the duty
    officer is told why)."""
    shown = session.get(ShownTranslation, shown_id)
    if shown is None:
        raise MobilizeError("There is no such translation.")
    if shown.status == "signed_off":
        raise MobilizeError(N_("This translation has already gone out; write to the secretariat about any correction."))
    draft = session.get(Draft, shown.draft_id)
    authors = authors_of_draft(session, draft)
    if member.id not in {m.id for _, m in authors}:
        raise MobilizeError(N_("Only the authors of this op-ed can decide on its translations."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise MobilizeError(N_("Say what is wrong with the translation: the duty officer will read it."))
    ref = f"{shown.lang}:{shown.version}"
    _record(session, deps, draft.id, TRANSLATION, ref, member.id, "approve" if approve else "object", comment)
    if not approve:
        shown.status = "objected"
        note(session, draft.mobilization_id, member.name, "translation-objected",
             f"{member.name} objects to the {shown.lang} translation: {comment}", deps.now())
        _tell_officer(session, deps, draft, "mobilize.objection", f"{draft.id}:{ref}:{member.id}",
                      f"An author objects to the {shown.lang} translation: {draft.title}",
                      [f"{member.name} objects to the {shown.lang} translation (version {shown.version}):", comment,
                       "It will not go out until a corrected translation is approved, or you record the authors' "
                       f"approval: {deps.settings.web.base_url}/mobilize/signoffs"])
        return
    note(session, draft.mobilization_id, member.name, "translation-approved",
         f"{member.name} approved the {shown.lang} translation.", deps.now())
    decisions = translation_decisions(session, shown)
    if shown.status == "shown" and all(m.id in decisions and decisions[m.id].decision == "approve"
                                       for _, m in authors):
        _sign_off(session, deps, shown, HOW_AUTHORS, ", ".join(m.name for _, m in authors), "")


def record_translation_approval(session: Session, deps: Deps, shown_id: int, officer: str, reason: str) -> None:
    """An officer records the authors' approval of a translation given another way, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise MobilizeError("Say how the authors approved this translation.")
    shown = session.get(ShownTranslation, shown_id)
    if shown is None:
        raise MobilizeError("There is no such translation.")
    if shown.status == "signed_off":
        raise MobilizeError("This translation is already signed off.")
    draft = session.get(Draft, shown.draft_id)
    note(session, draft.mobilization_id, officer, "translation-recorded",
         f"{officer} recorded the authors' approval of the {shown.lang} translation: {reason}", deps.now())
    _sign_off(session, deps, shown, HOW_OFFICER, officer, reason)


def close_windows(session: Session, deps: Deps) -> int:
    """Translations whose window closed with no objection are signed off ("no_objection"); returns how many."""
    now = deps.now()
    due = list(session.scalars(select(ShownTranslation).where(ShownTranslation.status == "shown",
                                                             ShownTranslation.window_ends_at <= now)))
    for shown in due:
        draft = session.get(Draft, shown.draft_id)
        note(session, draft.mobilization_id, "system", "translation-no-objection",
             f"No author objected to the {shown.lang} translation in time: it goes out.", now)
        _sign_off(session, deps, shown, HOW_SILENCE, "", "the window to object closed with no objection")
    return len(due)


def _sign_off(session: Session, deps: Deps, shown: ShownTranslation, how: str, by: str, reason: str) -> None:
    shown.status, shown.how, shown.by, shown.reason, shown.signed_off_at = "signed_off", how, by[:500], reason, \
        deps.now()
    add_to_outbox(session, "translations.signed_off", TranslationSignedOff(
        oped_id=shown.oped_id, lang=shown.lang, how=how, by=by, reason=reason, occurred_at=deps.now()))


def pending_signoffs(session: Session) -> tuple[list[tuple[FinalText, Draft]], list[tuple[ShownTranslation, Draft]]]:
    """For the officers: final texts and translations waiting for (or objected to by) the authors."""
    finals = [(f, session.get(Draft, f.draft_id)) for f in session.scalars(
        select(FinalText).where(FinalText.status.in_(("awaiting_authors", "objected"))))]
    shown = [(t, session.get(Draft, t.draft_id)) for t in session.scalars(
        select(ShownTranslation).where(ShownTranslation.status.in_(("shown", "objected")))
        .order_by(ShownTranslation.window_ends_at))]
    return finals, shown


# -------------------------------------------------------------------------------------------------------- release
def tell_release(session: Session, deps: Deps, record: OpEdReleased) -> bool:
    """An op-ed went out: its authors are told when, to how many editors and in which languages (once per
    distribution). False when the op-ed is not one of ours or they were already told."""
    final = session.scalar(select(FinalText).where(FinalText.oped_id == record.oped_id))
    if final is None or session.get(ReleaseNotice, record.distribution_id) is not None:
        return False
    draft = session.get(Draft, final.draft_id)
    released = record.released_at or record.occurred_at
    languages = list(record.languages or [])
    session.add(ReleaseNotice(distribution_id=record.distribution_id, oped_id=record.oped_id, languages=languages,
                              released_at=released, recipients=record.recipients, told_at=deps.now()))
    mob = session.get(Mobilization, draft.mobilization_id)
    note(session, mob.id, "system", "released-told",
         f"The authors were told that their op-ed went out to {record.recipients} editors.", deps.now())

    def lines(_, author: Member) -> list[str]:
        lang = member_language(author.languages)
        names = ", ".join(language_name(code, lang) for code in languages) or "—"
        return [_("Your op-ed \u201c%(title)s\u201d went out on %(when)s to %(count)s editors, in: %(languages)s.")
                % {"title": draft.title, "when": format_when(released, lang, author.timezone),
                   "count": record.recipients, "languages": names},
                _("We will tell you where it is published as soon as an editor lets us know. Thank you.")]

    _mail_authors(session, deps, draft, purpose="mobilize.released", attempt=record.distribution_id,
                  subject=lambda _: _("Your op-ed went out: %(title)s") % {"title": draft.title}, lines=lines)
    return True


def tell_placement(session: Session, deps: Deps, record: OpEdPlaced) -> bool:
    """An outlet said it will run the op-ed, or that it ran it at a URL: the authors are told (once per placement
    and status). False when the op-ed is not one of ours or the status is neither."""
    final = session.scalar(select(FinalText).where(FinalText.oped_id == record.oped_id))
    if final is None or record.status not in ("will_run", "ran"):
        return False
    draft = session.get(Draft, final.draft_id)
    outlet = record.outlet or "—"
    note(session, draft.mobilization_id, "system", "placement",
         f"{outlet} {'ran' if record.status == 'ran' else 'will run'} the op-ed"
         f"{' at ' + record.url if record.url else ''} ({record.lang or '?'}); the authors were told.", deps.now())

    def lines(_, author: Member) -> list[str]:
        language = language_name(record.lang, member_language(author.languages)) if record.lang else ""
        if record.status == "ran":
            first = _("%(outlet)s published your op-ed \u201c%(title)s\u201d (%(language)s).") % {
                "outlet": outlet, "title": record.title or draft.title, "language": language}
            return [first, *([_("Read it here: %(url)s") % {"url": record.url}] if record.url else [])]
        return [_("%(outlet)s will publish your op-ed \u201c%(title)s\u201d (%(language)s). We will tell you when it "
                  "is online.") % {"outlet": outlet, "title": record.title or draft.title, "language": language}]

    subject = (lambda _: _("Your op-ed was published: %(outlet)s") % {"outlet": outlet}) if record.status == "ran" \
        else (lambda _: _("An outlet will publish your op-ed: %(outlet)s") % {"outlet": outlet})
    _mail_authors(session, deps, draft, purpose="mobilize.placed", attempt=f"{record.placement_id}:{record.status}",
                  subject=subject, lines=lines)
    return True
