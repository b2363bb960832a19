"""translate/ pages: the officer's list of op-eds in translation, the review of one language (correct, approve
for release), and the signed-link review page for a network member who reads that language."""

# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from starlette.responses import Response

from bus import body as bodies
from db.engine import transaction
from links import LinkError
from translate import model
from translate import queries as q
from translate.handlers import ReviewRefused, retry_machine, save_review, send_review_link

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render, templates

router = APIRouter()
nav = [NavItem("Translations", "/translate", ("duty_officer", "admin"), order=40)]
officer = require_role("duty_officer", "admin")
LINK_PURPOSE = "translation-review"
LINK_TTL_S = 3 * 24 * 3600
STATUS_KIND = {model.QUEUED: "idle", model.TRANSLATING: "idle", model.REVIEW: "warn", model.AWAITING_HUMAN: "bad",
               model.DRAFTED: "warn", model.APPROVED: "ok", model.ORIGINAL: "ok"}
templates.env.globals.setdefault("translation_kind", lambda s: STATUS_KIND.get(s, "idle"))
templates.env.globals.setdefault("translation_label", lambda s: model.STATUS_LABELS.get(s, s))
templates.env.globals.setdefault("language_name", model.language_name)
templates.env.globals.setdefault("language_label", model.language_label)
# one format end to end: a body is sanitized HTML, shown rendered and edited as paragraphs of plain text
templates.env.globals.setdefault("render_body", lambda body: Markup(bodies.to_html(body)))  # noqa: S704 - nh3-sanitized
templates.env.globals.setdefault("edit_text", bodies.to_text)
templates.env.globals.setdefault("text_dir", lambda lang: "rtl" if lang in model.RTL_LANGUAGES else "ltr")


def _review_context(request: Request, oped_id: str, lang: str) -> dict:
    with request.app.state.sessions() as session:
        job, version = q.job(session, oped_id), q.version(session, oped_id, lang)
    if job is None or version is None:
        raise HTTPException(404, detail="There is no such language version of this op-ed.")
    return {"job": job, "v": version, "lang": lang}


@router.get("/translate")
def translations_page(request: Request, user: User = Depends(officer)) -> Response:
    """Every approved op-ed and where each of its languages stands."""
    with request.app.state.sessions() as session:
        jobs = q.list_jobs(session)
    return render(request, "translate/index.html", {"jobs": jobs, "statuses": model.STATUSES})


@router.get("/translate/{oped_id}")
def oped_page(request: Request, oped_id: str, user: User = Depends(officer)) -> Response:
    """One op-ed: its original, each language's status, and its timeline."""
    with request.app.state.sessions() as session:
        job = q.job(session, oped_id)
        if job is None:
            raise HTTPException(404, detail="There is no such op-ed in translation.")
        return render(request, "translate/oped.html", {"job": job, "versions": q.versions(session, oped_id),
                                                       "timeline": q.timeline(session, oped_id)})


@router.get("/translate/{oped_id}/{lang}")
def review_page(request: Request, oped_id: str, lang: str, user: User = Depends(officer)) -> Response:
    """The review form of one language, for an officer."""
    return render(request, "translate/review.html", {**_review_context(request, oped_id, lang),
                                                     "action": f"/translate/{oped_id}/{lang}",
                                                     "reviewer": user.display, "member": False})


@router.post("/translate/{oped_id}/{lang}")
def review(request: Request, oped_id: str, lang: str, title: str = Form(""), body: str = Form(""),
           action: str = Form("save"), user: User = Depends(officer)) -> Response:
    """Save a correction, or approve the language for release."""
    try:
        with transaction(request.app.state.sessions) as session:
            save_review(session, oped_id, lang, title=title, body=body, reviewer=user.display,
                        approve=action == "approve")
    except ReviewRefused as exc:
        flash(request, str(exc), "error")
        return render(request, "translate/review.html", {
            **_review_context(request, oped_id, lang), "action": f"/translate/{oped_id}/{lang}",
            "reviewer": user.display, "member": False, "draft_title": title, "draft_body": body}, status_code=400)
    flash(request, f"{model.language_name(lang)}: " + ("approved for release." if action == "approve"
                                                        else "correction saved."), "success")
    return RedirectResponse(f"/translate/{oped_id}", status_code=303)


@router.post("/translate/{oped_id}/{lang}/retry")
def retry(request: Request, oped_id: str, lang: str, user: User = Depends(officer)) -> Response:
    """Ask the machine translators again (say, once one is reachable)."""
    try:
        with transaction(request.app.state.sessions) as session:
            retry_machine(session, oped_id, lang, user.display)
        flash(request, f"{model.language_name(lang)}: machine translation queued again.", "success")
    except ReviewRefused as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(f"/translate/{oped_id}", status_code=303)


@router.post("/translate/{oped_id}/{lang}/link")
def email_review_link(request: Request, oped_id: str, lang: str, email: str = Form(""), name: str = Form(""),
                      user: User = Depends(officer)) -> Response:
    """Email a signed, single-use review link to a reader of this language (it is never shown to copy by hand)."""
    _review_context(request, oped_id, lang)
    links = request.app.state.links
    url = links.url("/review/{token}", links.make_link(LINK_PURPOSE, f"{oped_id}/{lang}", max_age=LINK_TTL_S))
    try:
        with transaction(request.app.state.sessions) as session:
            sent_to = send_review_link(session, oped_id, lang, email=email, name=name, url=url, officer=user.display,
                                       valid_days=LINK_TTL_S // 86400)
    except ReviewRefused as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/translate/{oped_id}", status_code=303)
    flash(request, f"{model.language_name(lang)}: review link emailed to {sent_to} (valid 3 days, one approval).",
          "success")
    return RedirectResponse(f"/translate/{oped_id}", status_code=303)


def _linked(request: Request, token: str) -> tuple[str, str]:
    subject = request.app.state.links.peek_link(token, LINK_PURPOSE)
    oped_id, _, lang = subject.rpartition("/")
    return oped_id, lang


@router.get("/review/{token}", tags=["public"])
def member_review_page(request: Request, token: str) -> Response:
    """The review form for a network member, opened with a signed link."""
    try:
        oped_id, lang = _linked(request, token)
    except LinkError as exc:
        return render(request, "translate/link_error.html", {"message": str(exc)}, status_code=exc.status_code)
    return render(request, "translate/review.html", {**_review_context(request, oped_id, lang),
                                                     "action": f"/review/{token}", "reviewer": "",
                                                     "member": True})


@router.post("/review/{token}", tags=["public"])
def member_review(request: Request, token: str, title: str = Form(""), body: str = Form(""),
                  reviewer: str = Form(""), action: str = Form("save")) -> Response:
    """A member saves or approves; approving uses the link up."""
    try:
        oped_id, lang = _linked(request, token)
    except LinkError as exc:
        return render(request, "translate/link_error.html", {"message": str(exc)}, status_code=exc.status_code)
    name = reviewer.strip() and f"{reviewer.strip()} (network member)"
    links = request.app.state.links
    try:  # approving uses the link up in the approval's own transaction: both happen, or neither
        with transaction(request.app.state.sessions) as session:
            save_review(session, oped_id, lang, title=title, body=body, reviewer=name,
                        approve=action == "approve",
                        on_approve=lambda s: links.consume_link(token, LINK_PURPOSE, session=s))
    except LinkError as exc:
        return render(request, "translate/link_error.html", {"message": str(exc)}, status_code=exc.status_code)
    except ReviewRefused as exc:
        flash(request, str(exc), "error")
        return render(request, "translate/review.html", {
            **_review_context(request, oped_id, lang), "action": f"/review/{token}", "reviewer": reviewer,
            "member": True, "draft_title": title, "draft_body": body}, status_code=400)
    if action == "approve":
        return render(request, "translate/thanks.html", {"lang": lang})
    flash(request, "Your correction is saved. Approve it when it is ready.", "success")
    return RedirectResponse(f"/review/{token}", status_code=303)
