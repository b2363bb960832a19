"""The public Clearinghouse: full-text search with facets (theme, region, kind, year, and the plan's subjects), a
resource's page with its partners' entries, the public submission form (the public forms kit: no account, a link to
change the submission until it is moderated), and the Secretariat's moderation queue.

Use cases live in `registry.clearinghouse`; this module reads requests and renders pages.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bus.records import utcnow
from db.engine import transaction
from registry import clearinghouse as ch
from registry import model, queries
from registry import publicforms as pf

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render

router = APIRouter()
nav = [NavItem("Clearinghouse", "/clearinghouse", ("duty_officer", "operator", "admin"), order=61),
       NavItem("Moderation", "/clearinghouse/moderation", ("duty_officer", "admin"), order=62)]
MODERATOR = Depends(require_role("duty_officer", "admin"))
EDIT_PATH = "/clearinghouse/submission/{token}"
EDIT_FOR = timedelta(days=30)
LANG_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "tr": "Türkçe", "de": "Deutsch",
              "ru": "Русский", "zh": "中文", "pt": "Português", "it": "Italiano", "fa": "فارسی", "ur": "اردو"}
RTL = ("ar", "fa", "he", "ur")


def submission_form(partners: list[tuple[str, str]]) -> pf.PublicForm:
    """The public submission form (the partner list comes from the partners registry)."""
    return pf.PublicForm("clearinghouse.submission", (
        pf.Field("name", "Your name", required=True, max_chars=200),
        pf.Field("email", "Your email", kind="email", required=True,
                 hint="We send you a link to change your submission until it is published."),
        pf.Field("lang", "Language of your text", kind="select", required=True,
                 options=tuple(LANG_NAMES.items())[:6]),
        pf.Field("title", "Title", required=True, max_chars=200),
        pf.Field("summary", "Summary", kind="long", required=True, max_chars=5000,
                 hint="What it is, who it is for, what it achieved."),
        pf.Field("theme", "Field of action", kind="select", required=True, options=tuple(model.THEMES.items())),
        pf.Field("kind", "Kind", kind="select", required=True,
                 options=tuple((k, v) for k, v in ch.KINDS.items() if k != "oped")),
        pf.Field("subject", "Subject", kind="select", options=tuple(model.SUBJECTS.items())),
        pf.Field("region", "Region", max_chars=100, hint="e.g. Europe, West Africa, Global."),
        pf.Field("year", "Year it started or was published", kind="number", minimum=1990, maximum=2100),
        pf.Field("organization", "Organization", max_chars=200),
        pf.Field("partner", "Partner of the Alliance involved", kind="select", options=tuple(partners),
                 hint="Only partners already in the Alliance's registry; leave empty if none."),
        pf.Field("url", "Web address", kind="url", max_chars=1000),
        pf.Field("consent", "I may publish this and the Secretariat may contact me about it", kind="checkbox",
                 required=True),
    ))


def _entry_data(answers: dict) -> dict:
    """The Clearinghouse entry a checked submission stands for."""
    year = answers.get("year")
    return {"kind": answers["kind"], "theme": answers["theme"],
            "subjects": [answers["subject"]] if answers.get("subject") else [],
            "organization": answers.get("organization") or "", "url": answers.get("url") or "",
            "region": answers.get("region") or "", "year": int(year) if year not in (None, "") else None,
            "partners": [answers["partner"]] if answers.get("partner") else [],
            "texts": {answers["lang"]: {"title": answers["title"], "summary": answers.get("summary") or ""}}}


# --- public search -------------------------------------------------------------------------------------------------

@router.get("/clearinghouse", tags=["public"])
def search_page(request: Request, q: str = "", lang: str = "", theme: str = "", region: str = "", kind: str = "",
                year: str = "", subject: str = "") -> Response:
    """The public Clearinghouse: words in any language of the demo (stemmed), facets with their counts."""
    q = q[:200]
    theme = theme if theme in model.THEMES else ""
    subject = subject if subject in model.SUBJECTS else ""
    kind = kind if kind in ch.KINDS else ""
    lang = lang.lower() if len(lang) == 2 and lang.isalpha() else ""
    year_n = int(year) if year.isdigit() and 1900 < int(year) < 2200 else None
    region = region[:100]
    with request.app.state.sessions() as session:
        found = ch.search(session, q, lang=lang, theme=theme, region=region, kind=kind, year=year_n, subject=subject)
        langs = ch.index_languages(session)
    chosen = {"q": q, "lang": lang, "theme": theme, "region": region, "kind": kind,
              "year": str(year_n or ""), "subject": subject}
    return render(request, "clearinghouse/search.html", {
        "page": found, "chosen": chosen, "searched": any(chosen.values()), "themes": model.THEMES,
        "subjects": model.SUBJECTS, "kinds": ch.KINDS, "rtl": RTL,
        "lang_options": [("", "Any language")] + [(c, LANG_NAMES.get(c, c)) for c in langs],
        "facet_links": _facet_links(found.facets, chosen)})


def _facet_links(facets: dict, chosen: dict) -> dict[str, list[dict]]:
    """Each facet value as a link that narrows the current search (or widens it again when chosen)."""
    labels = {"theme": model.THEMES, "kind": ch.KINDS}
    out = {}
    for name, values in facets.items():
        out[name] = []
        for value, n in values:
            params = {k: v for k, v in chosen.items() if v}
            active = chosen.get(name) == value
            if active:
                params.pop(name, None)
            else:
                params[name] = value
            out[name].append({"label": labels.get(name, {}).get(value, value), "count": n, "active": active,
                              "href": "/clearinghouse?" + urlencode(params) if params else "/clearinghouse"})
    return out


# --- public submission ---------------------------------------------------------------------------------------------

def _form(session) -> pf.PublicForm:
    return submission_form(ch.partner_choices(session))


@router.get("/clearinghouse/submit", tags=["public"])
def submit_form(request: Request) -> Response:
    """The form to propose a good practice or a resource."""
    with request.app.state.sessions() as session:
        form = _form(session)
    return render(request, "clearinghouse/submit.html", {"form": form, "checked": None})


@router.post("/clearinghouse/submit", tags=["public"])
async def submit_post(request: Request) -> Response:
    """Check and keep a submission for moderation; show (and email) the link to change it."""
    with request.app.state.sessions() as session:
        form = _form(session)
    given = await pf.read_form(request, form)
    links = request.app.state.links
    with transaction(request.app.state.sessions) as session:
        checked = pf.check(session, form, given)
        if checked.ok:
            deadline = utcnow() + EDIT_FOR
            try:
                data = _entry_data(checked.answers)
                row = pf.save_submission(session, form, checked, subject_id="clearinghouse", deadline=deadline)
                ch.submit(session, data, name=checked.answers["name"], email=checked.answers["email"],
                          submission_id=row.id)
            except model.RegistryError as exc:
                checked.errors["title"] = str(exc)
            else:
                url = links.url(EDIT_PATH, pf.edit_token(links, form, row.id, deadline))
                ch.send_receipt(session, row.id, url)
                return render(request, "clearinghouse/received.html", {
                    "title": checked.answers["title"], "url": url, "email": checked.answers["email"]})
    return render(request, "clearinghouse/submit.html", {"form": form, "checked": checked}, status_code=400)


@router.get("/clearinghouse/submission/{token}", tags=["public"])
def edit_form(request: Request, token: str) -> Response:
    """The submitter's own submission, editable until it is moderated."""
    with request.app.state.sessions() as session:
        form = _form(session)
        sub = pf.open_for_edit(session, request.app.state.links, form, token)
        checked = pf.checked_from(session, form, sub)
        state = ch.submission(session, sub.id)
    return render(request, "clearinghouse/edit.html", {"form": form, "checked": checked, "token": token,
                                                        "saved": False, "state": state})


@router.post("/clearinghouse/submission/{token}", tags=["public"])
async def edit_post(request: Request, token: str) -> Response:
    """Save the submitter's changes (refused once moderated, with a clear message)."""
    with request.app.state.sessions() as session:
        form = _form(session)
    given = await pf.read_form(request, form)
    with transaction(request.app.state.sessions) as session:
        sub = pf.open_for_edit(session, request.app.state.links, form, token)
        checked = pf.check(session, form, given, submission=sub)
        if checked.ok:
            try:
                ch.submit(session, _entry_data(checked.answers), name=checked.answers["name"],
                          email=checked.answers["email"], submission_id=sub.id)
            except (model.RegistryError, ch.SubmissionError) as exc:
                checked.errors["title"] = str(exc)
            else:
                pf.save_submission(session, form, checked, submission=sub)
        state = ch.submission(session, sub.id)
    return render(request, "clearinghouse/edit.html", {"form": form, "checked": checked, "token": token,
                                                        "saved": checked.ok, "state": state},
                  status_code=200 if checked.ok else 400)


# --- moderation ----------------------------------------------------------------------------------------------------

@router.get("/clearinghouse/moderation")
def moderation(request: Request, user: User = MODERATOR) -> Response:
    """Submissions waiting for a moderator, and the latest decisions."""
    with request.app.state.sessions() as session:
        pending = ch.queue(session)
        approved = ch.queue(session, "approved", limit=20)
        rejected = ch.queue(session, "rejected", limit=20)
        partners = dict(ch.partner_choices(session))
    return render(request, "clearinghouse/moderation.html", {
        "pending": pending, "approved": approved, "rejected": rejected, "partners": partners,
        "themes": model.THEMES, "kinds": ch.KINDS, "subjects": model.SUBJECTS})


@router.post("/clearinghouse/moderation/{submission_id}/approve")
def approve(request: Request, submission_id: str, user: User = MODERATOR) -> Response:
    """Publish a submission (a create command for the Clearinghouse goes out through the outbox)."""
    try:
        with transaction(request.app.state.sessions) as session:
            ch.approve(session, submission_id, moderator=user.email)
    except ch.SubmissionError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, "Published: the resource appears in the Clearinghouse as soon as the registry worker has "
              "applied it.", "success")
    return RedirectResponse("/clearinghouse/moderation", status_code=303)


@router.post("/clearinghouse/moderation/{submission_id}/reject")
async def reject(request: Request, submission_id: str, user: User = MODERATOR) -> Response:
    """Decline a submission with a reason (kept with it)."""
    form = await request.form()
    try:
        with transaction(request.app.state.sessions) as session:
            ch.reject(session, submission_id, moderator=user.email, reason=str(form.get("reason", "")))
    except ch.SubmissionError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, "Declined; the reason is kept with the submission.", "success")
    return RedirectResponse("/clearinghouse/moderation", status_code=303)


# --- a resource ----------------------------------------------------------------------------------------------------

@router.get("/clearinghouse/{resource_id}", tags=["public"])
def resource_page(request: Request, resource_id: str, lang: str = "") -> Response:
    """One resource in every language it has, with the partners' entries it links to."""
    with request.app.state.sessions() as session:
        found = queries.resource(session, resource_id)
        if found is None:
            raise HTTPException(404, detail="This resource is not in the Clearinghouse.")
        linked = ch.partners_of(session, found["data"])
    texts = found["data"]["texts"]
    order = sorted(texts, key=lambda code: (code != (lang or "en"), code))
    return render(request, "clearinghouse/resource.html", {
        "r": found, "texts": [(c, texts[c]) for c in order], "themes": model.THEMES, "subjects": model.SUBJECTS,
        "kinds": ch.KINDS, "linked": linked, "rtl": RTL})
