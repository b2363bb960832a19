"""The members' pages, in the member's language (mobilize/i18n.py): answer an invitation, write the shared draft
(Markdown editor with a live preview, autosave, a revision check so co-authors never overwrite each other, every
author agreeing to submit), and sign off (the final text after an officer's edits, each translation). Officers
record an approval the authors gave another way on /mobilize/signoffs.

Member pages are public but open only with a valid signed link: accept/decline links work once (used up in the
transaction of the answer; a second click on an accept link leads on to the draft); draft links are tied to one
accepted invitation and last `RRM_MOBILIZE__DRAFT_LINK_TTL_S`; sign-off links `RRM_MOBILIZE__SIGNOFF_LINK_TTL_S`.
"""

# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from jinja2.ext import InternationalizationExtension
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response

from db.engine import transaction
from links import LinkError, LinkUsed, LinkWrongPurpose
from mobilize import emails, signoff
from mobilize import handlers as h
from mobilize import queries as q
from mobilize.drafts import DraftConflict, markdown_of, word_count
from mobilize.i18n import LANGUAGES, N_, direction, format_when, member_language, translations

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render, templates

router = APIRouter()
nav = [NavItem("Sign-offs", "/mobilize/signoffs", ("duty_officer", "admin"), order=33)]
officer = require_role("duty_officer", "admin")

if InternationalizationExtension not in {type(e) for e in templates.env.extensions.values()}:
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.install_null_translations(newstyle=True)  # pages that pass no language stay in English


def _language_context(member) -> dict[str, Any]:
    """What a member page needs to speak the member's language: gettext callables (Jinja's `{% trans %}` and
    `_()` use them), `page_lang`/`page_dir` for <html>, and `when(dt)` in the member's time zone."""
    lang = member_language(member.languages) if member is not None else "en"
    catalog = translations(lang)
    return {
        "gettext": _newstyle(catalog.gettext),
        "ngettext": _newstyle_n(catalog.ngettext),
        "_": _newstyle(catalog.gettext),
        "page_lang": lang, "page_dir": direction(lang), "member_lang": lang,
        "when": lambda moment: format_when(moment, lang, getattr(member, "timezone", "UTC")),
    }


#: The error texts a member can meet on a /m/ page (web/app.py's titles, the signed links' messages, this module's
#: own): marked here so that they are in the catalogs and an error page speaks the reader's language too.
MEMBER_ERROR_TEXTS = (
    N_("The request could not be used"), N_("Not allowed"), N_("Page not found"),
    N_("This link can no longer be used"), N_("Too large"), N_("Too many attempts"), N_("Something went wrong"),
    N_("Temporarily unavailable"), N_("Error"),
    N_("There is no page at this address. Check the address, or go back to the start page."),
    N_("The error has been logged. Try again in a moment; if it keeps happening, tell the operators."),
    N_("This address does not accept that kind of request."),
    N_("This link has already been used. Each link works once; ask the secretariat for a new one."),
    N_("This link has expired. Ask the secretariat for a new one."),
    N_("This link is not valid. Check that it was copied whole."),
    N_("This link is not meant for this page."),
    N_("This invitation no longer exists."),
)


def member_error_context(request: Request, status: int, title: str, text: str) -> dict[str, Any]:
    """An error on a member page, in the language the reader's browser asks for (the member is not known when the
    link itself is bad): title, text and the page's language and direction."""
    asked = [part.split(";")[0].strip() for part in request.headers.get("accept-language", "").split(",")]
    lang = member_language([a for a in asked if a and a != "*"])
    _ = translations(lang).gettext
    return {"title": _(title), "detail": _(text), "page_lang": lang, "page_dir": direction(lang),
            "error_label": _("Error %(status)s") % {"status": status},
            "help_text": _("If you need help, reply to the email the secretariat sent you."), "member_page": True}


def _newstyle(func):
    from jinja2.ext import _make_new_gettext
    return _make_new_gettext(func)


def _newstyle_n(func):
    from jinja2.ext import _make_new_ngettext
    return _make_new_ngettext(func)


def _render(request: Request, template: str, context: dict[str, Any], member, status: int = 200) -> Response:
    return render(request, template, {**context, **_language_context(member)}, status_code=status)


def _notice(request: Request, member, title: str, text: str, status: int = 200, link: str = "",
            link_label: str = "") -> Response:
    return _render(request, "members/notice.html", {"title": title, "text": text, "link": link,
                                                    "link_label": link_label}, member, status)


def _deps(request: Request) -> h.Deps:
    return h.Deps(settings=request.app.state.settings, links=request.app.state.links)


# ------------------------------------------------------------------------------------------------ answer invitation
def _answer_purpose(request: Request, token: str, *, used_ok: bool = False) -> tuple[str, str]:
    """(answer, invitation id) of an accept or decline token; checked, not used up (`used_ok`: a used one too)."""
    links = request.app.state.links
    check = links.subject_of if used_ok else links.peek_link
    try:
        return "accepted", check(token, emails.ACCEPT)
    except LinkWrongPurpose:
        return "declined", check(token, emails.DECLINE)


def _closed_text(_, invitation, mob) -> str:
    status = invitation.status
    texts = {
        "accepted": _("You have already accepted this invitation; your draft link is in your inbox."),
        "declined": _("You have already declined this invitation. Thank you for answering."),
        "expired": _("This invitation has expired: the secretariat paged other members. Thank you all the same."),
        "withdrawn": _("This invitation is no longer needed: enough co-authors have accepted. Thank you."),
    }
    if status in texts:
        return texts[status]
    return _("This invitation is no longer needed: the mobilization has moved on. Thank you.")


def _after_accepting(request: Request, invitation_id: str, member) -> Response:
    """Where an accepted invitation leads: the draft if it is open, else a page saying what happens next."""
    _ = translations(member_language(member.languages)).gettext
    with request.app.state.sessions() as session:
        try:
            signoff.draft_of_invitation(session, invitation_id)
            has_draft = True
        except h.MobilizeError:
            has_draft = False
    if has_draft:
        try:
            return RedirectResponse(h.draft_url_for(_deps(request), invitation_id), status_code=303)
        except LinkError:
            pass
    return _notice(request, member, _("Thank you for accepting"),
                   _("We are waiting for your co-author to accept. You will get an email with the link to the "
                     "shared draft as soon as they do."))


@router.get("/m/answer/{token}", tags=["public"])
def answer_page(request: Request, token: str) -> Response:
    """The member confirms their answer (a button, so that mail scanners opening links change nothing). A second
    click on an accept link that was used takes the member on to their draft."""
    try:
        answer, invitation_id = _answer_purpose(request, token)
        used = False
    except LinkUsed:
        answer, invitation_id = _answer_purpose(request, token, used_ok=True)
        used = True
    with request.app.state.sessions() as session:
        found = q.invitation(session, invitation_id)
        if found is None:
            raise HTTPException(404, detail="This invitation no longer exists.")
        invitation, member, mob = found
        story = q.story(session, mob.story_id)
        piece = q.piece(session, invitation.piece_id) if getattr(invitation, "piece_id", None) else None
    _ = translations(member_language(member.languages)).gettext
    if invitation.status == "accepted" and (used or answer == "accepted"):
        return _after_accepting(request, invitation_id, member)
    refusal = h.closed_reason(invitation, mob, piece) if piece is not None else h.closed_reason(invitation, mob)
    if used or refusal:
        text = _closed_text(_, invitation, mob)
        if used:
            text = _("This link has already been used.") + " " + text
        return _notice(request, member, _("This invitation is closed"), text, 410)
    return _render(request, "members/answer.html", {"answer": answer, "invitation": invitation, "member": member,
                                                    "mob": mob, "story": story, "token": token}, member)


@router.post("/m/answer/{token}", tags=["public"])
def answer(request: Request, token: str) -> Response:
    """Record the answer and use the link up, in one transaction."""
    try:
        answer_, invitation_id = _answer_purpose(request, token)
    except LinkUsed:
        return answer_page(request, token)
    purpose = emails.ACCEPT if answer_ == "accepted" else emails.DECLINE
    with request.app.state.sessions() as session:
        found = q.invitation(session, invitation_id)
    if found is None:
        raise HTTPException(404, detail="This invitation no longer exists.")
    member = found[1]
    _ = translations(member_language(member.languages)).gettext
    try:
        with transaction(request.app.state.sessions) as session:
            h.answer_invitation(session, _deps(request), invitation_id, answer_)
            request.app.state.links.consume_link(token, purpose, session=session)
    except h.MobilizeError:
        with request.app.state.sessions() as session:
            invitation, member, mob = q.invitation(session, invitation_id)
        return _notice(request, member, _("This invitation is closed"), _closed_text(_, invitation, mob), 410)
    if answer_ == "declined":
        return _notice(request, member, _("Thank you for answering"),
                       _("You declined this request. The secretariat is asking someone else; you may be asked "
                         "again for another story."))
    return _after_accepting(request, invitation_id, member)


# ------------------------------------------------------------------------------------------------------- the draft
def _draft_context(request: Request, token: str) -> dict[str, Any]:
    invitation_id = request.app.state.links.peek_link(token, emails.DRAFT)
    settings = request.app.state.settings
    with request.app.state.sessions() as session:
        try:
            draft, invitation, member = h.draft_for_invitation(session, invitation_id)
        except h.MobilizeError as exc:
            raise HTTPException(403, detail=str(exc)) from None
        mob = q.mobilization(session, draft.mobilization_id)
        authors = signoff.authors_of_draft(session, draft)
        agreed = signoff.submit_agreements(session, draft)
        session.expunge_all()
        return {
            "draft": draft, "member": member, "mob": mob, "story": q.story(session, mob.story_id),
            "coauthors": [m for _, m in authors if m.id != member.id],
            "agreed": [m.name for _, m in authors if agreed.get(m.id)],
            "waiting": [m.name for _, m in authors if not agreed.get(m.id)],
            "i_agreed": agreed.get(member.id, False),
            "revisions": q.revisions(session, draft.id), "comments": q.comments(session, draft.id),
            "token": token, "editable": draft.status in ("editing", "changes_requested"),
            "source": markdown_of(draft), "words": word_count(draft.body_html),
            "target_min": settings.mobilize.target_words_min, "target_max": settings.mobilize.target_words_max,
            "languages": list(dict.fromkeys([*settings.translate.languages, *LANGUAGES])),
            "language_label": lambda code: signoff.language_name(code, member_language(member.languages)),
        }


@router.get("/m/draft/{token}", tags=["public"])
def draft_page(request: Request, token: str) -> Response:
    """The shared draft: Markdown editor with a live preview and word count, revisions, comments, submit."""
    context = _draft_context(request, token)
    return _render(request, "members/draft.html", context, context["member"])


def _conflict_page(request: Request, context: dict[str, Any], exc: DraftConflict, title: str, body: str) -> Response:
    """Both versions side by side, with the change between them; the author keeps theirs, takes the other, or
    merges in the editor (the save is then based on the newer revision)."""
    context = {**context, "conflict": {
        "author": exc.author, "revision": exc.revision, "base": exc.base_revision,
        "theirs_title": exc.title, "theirs": exc.body_md, "mine_title": title, "mine": body,
        "diff": signoff.diff_html(exc.body_md, body)}}
    return _render(request, "members/conflict.html", context, context["member"], status=409)


def _save(request: Request, context: dict[str, Any], title: str, body: str, note: str, lang: str,
          base_revision: int | None, autosave: bool):
    """Save a revision; raises DraftConflict when someone saved since `base_revision`."""
    deps = _deps(request)
    name = context["member"].name
    note = note or ("autosave" if autosave else "")
    try:
        with transaction(request.app.state.sessions) as session:
            return h.save_draft(session, deps, context["draft"].id, name, title, "", note, lang=lang, body_md=body,
                                base_revision=base_revision, autosave=autosave).number
    except IntegrityError:  # two saves of the same revision at once: the other one won
        with transaction(request.app.state.sessions) as session:
            return h.save_draft(session, deps, context["draft"].id, name, title, "", note, lang=lang, body_md=body,
                                base_revision=base_revision, autosave=autosave).number


def _base(value: str) -> int | None:
    return int(value) if (value or "").strip().isdigit() else None


@router.post("/m/draft/{token}/autosave", tags=["public"])
def draft_autosave(request: Request, token: str, title: str = Form(""), body: str = Form(""),
                   lang: str = Form(""), base_revision: str = Form("")) -> Response:
    """Autosave from the editor (fetch): {"revision": n}, or 409 with the newer version when someone else saved."""
    context = _draft_context(request, token)
    try:
        number = _save(request, context, title, body, "", lang, _base(base_revision), autosave=True)
    except DraftConflict as exc:
        return JSONResponse({"conflict": True, "revision": exc.revision, "error": str(exc)}, status_code=409)
    except h.MobilizeError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"revision": number})


@router.post("/m/draft/{token}/{action}", tags=["public"])
def draft_action(request: Request, token: str, action: str, title: str = Form(""), body: str = Form(""),
                 note: str = Form(""), message: str = Form(""), lang: str = Form(""),
                 base_revision: str = Form("")) -> Response:
    """Save a revision (checked against the revision it was based on), comment, or agree to submit."""
    context = _draft_context(request, token)
    member = context["member"]
    _ = translations(member_language(member.languages)).gettext
    deps = _deps(request)
    back = RedirectResponse(f"/m/draft/{token}", status_code=303)
    try:
        if action == "save":
            _save(request, context, title, body, note, lang, _base(base_revision), autosave=False)
            flash(request, _("Saved as a new revision."), "success")
        elif action == "comment":
            with transaction(request.app.state.sessions) as session:
                h.comment_on_draft(session, deps, context["draft"].id, member.name, message)
        elif action == "submit":
            with transaction(request.app.state.sessions) as session:
                waiting = signoff.agree_to_submit(session, deps, context["draft"].id, member, _base(base_revision))
            if waiting:
                flash(request, _("You agreed to submit this revision. It goes to the duty officer when the other "
                                 "authors agree too (still waiting for: %(names)s); they have been emailed.")
                      % {"names": ", ".join(waiting)}, "success")
            else:
                flash(request, _("Submitted: the duty officer is reviewing it. You will hear back by email."),
                      "success")
        else:
            raise HTTPException(404)
    except DraftConflict as exc:
        return _conflict_page(request, context, exc, title, body)
    except h.MobilizeError as exc:
        flash(request, _(str(exc)), "error")  # member-facing messages are in the catalogs (N_)
    return back


# -------------------------------------------------------------------------------------------------------- sign-off
def _signoff_context(request: Request, token: str) -> dict[str, Any]:
    invitation_id = request.app.state.links.peek_link(token, emails.SIGNOFF)
    with request.app.state.sessions() as session:
        try:
            draft, invitation, member = signoff.draft_of_invitation(session, invitation_id)
        except h.MobilizeError as exc:
            raise HTTPException(403, detail=str(exc)) from None
        final = signoff.final_waiting(session, draft)
        title_diff, body_diff = signoff.final_diff(session, draft) if final else ("", "")
        decisions = signoff.final_decisions(session, draft) if final else {}
        shown = [(t, signoff.translation_decisions(session, t).get(member.id))
                 for t in signoff.translations_for(session, draft)]
        mob = q.mobilization(session, draft.mobilization_id)
        session.expunge_all()
        lang = member_language(member.languages)
        return {"draft": draft, "member": member, "mob": mob, "final": final, "title_diff": title_diff,
                "body_diff": body_diff, "my_final": decisions.get(member.id), "translations": shown,
                "token": token, "language_label": lambda code: signoff.language_name(code, lang),
                "text_dir": direction}


@router.get("/m/signoff/{token}", tags=["public"])
def signoff_page(request: Request, token: str) -> Response:
    """What goes out under the author's name: the final text (with the officer's changes) and each translation,
    to approve or object to."""
    context = _signoff_context(request, token)
    return _render(request, "members/signoff.html", context, context["member"])


@router.post("/m/signoff/{token}/{action}", tags=["public"])
def signoff_action(request: Request, token: str, action: str, translation_id: str = Form(""),
                   comment: str = Form("")) -> Response:
    """Approve or object to the final text (action final-approve / final-object) or a translation
    (translation-approve / translation-object)."""
    context = _signoff_context(request, token)
    member, draft = context["member"], context["draft"]
    _ = translations(member_language(member.languages)).gettext
    deps = _deps(request)
    try:
        with transaction(request.app.state.sessions) as session:
            if action == "final-approve":
                released = signoff.approve_final(session, deps, draft.id, member)
                flash(request, _("Thank you: the op-ed goes out now.") if released else
                      _("Thank you: the op-ed goes out when your co-authors approve too."), "success")
            elif action == "final-object":
                signoff.object_final(session, deps, draft.id, member, comment)
                flash(request, _("Your objection was sent to the duty officer. Nothing goes out for now."), "success")
            elif action in ("translation-approve", "translation-object"):
                if not translation_id.isdigit():
                    raise HTTPException(400, detail="Which translation? The form was incomplete.")
                approve = action == "translation-approve"
                signoff.decide_translation(session, deps, int(translation_id), member, approve=approve,
                                           comment=comment)
                flash(request, _("Thank you: your approval is recorded.") if approve else
                      _("Your objection was sent to the duty officer. This translation does not go out for now."),
                      "success")
            else:
                raise HTTPException(404)
    except h.MobilizeError as exc:
        flash(request, _(str(exc)), "error")
    return RedirectResponse(f"/m/signoff/{token}", status_code=303)


# ---------------------------------------------------------------------------------------------- officers' side
@router.get("/mobilize/signoffs")
def signoffs_page(request: Request, user: User = Depends(officer)) -> Response:
    """Final texts and translations waiting for the authors, with a form to record an approval given another way."""
    with request.app.state.sessions() as session:
        finals, shown = signoff.pending_signoffs(session)
        session.expunge_all()
    return render(request, "members/signoffs.html", {"finals": finals, "shown": shown})


@router.post("/mobilize/signoffs/{kind}/{ident}")
def record_signoff(request: Request, kind: str, ident: str, reason: str = Form(""),
                   user: User = Depends(officer)) -> Response:
    """Record the authors' approval given another way (kind "final": a draft id; "translation": its id)."""
    try:
        with transaction(request.app.state.sessions) as session:
            if kind == "final":
                signoff.record_final_approval(session, _deps(request), ident, user.email, reason)
            elif kind == "translation" and ident.isdigit():
                signoff.record_translation_approval(session, _deps(request), int(ident), user.email, reason)
            else:
                raise HTTPException(404)
        flash(request, "Approval recorded: it goes out now.", "success")
    except h.MobilizeError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/mobilize/signoffs", status_code=303)
