"""detect/ pages for duty officers: the stories detect found (flagged or still forming), one story with its evidence
(severity history, key names and categories, every article with its reasons and whether it joined as a follow-up),
a form to open a story by hand, and the duty officer's decision on a story (confirm, or dismiss with a reason), with
precision per category over the last 30 days on the list.

Opening by hand queues an `OpenStory` command through the outbox (`detect.handlers.request_open_story`); the detect
worker flags the story with `opened_by`, so it shows in the list a moment later. Feed text is always escaped.
"""

# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from bus.records import utcnow
from db.engine import transaction
from detect import queries
from detect.escalation import SEVERITIES
from detect.handlers import DISMISS_REASONS, DetectError, decide_story, request_open_story

from ..auth import User, require_role
from ..nav import NavItem
from ..templating import flash, render, templates

router = APIRouter()
nav = [NavItem("Stories", "/stories", ("duty_officer", "operator", "admin"), order=20)]

readers = require_role("duty_officer", "operator", "admin")
officers = require_role("duty_officer", "admin")

PRECISION_DAYS = 30
TITLE_MAX = 300
SUMMARY_MAX = 4000
SEVERITY_KIND = {"critical": "bad", "alert": "bad", "watch": "warn", "": "idle"}
SEVERITY_HELP = {"watch": "Watch: keep an eye on it", "alert": "Alert: act now",
                 "critical": "Critical: act now, it is spreading widely"}
# value of the list filter -> (label, predicate on a StorySummary)
FILTERS = {
    "": ("All stories", lambda s: True),
    "flagged": ("Flagged (any severity)", lambda s: bool(s.severity)),
    **{sev: (f"{sev.title()} only", lambda s, sev=sev: s.severity == sev) for sev in reversed(SEVERITIES)},
    "open": ("Not flagged yet (still forming)", lambda s: not s.severity),
}

templates.env.filters.setdefault("when", lambda d: d.strftime("%Y-%m-%d %H:%M UTC") if d else "—")
templates.env.globals.setdefault("severity_kind", lambda s: SEVERITY_KIND.get(s or "", "idle"))


def safe_url(url: str) -> str:
    """The article's address if it is a web address (http/https), else "" (no javascript: or data: links)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


templates.env.filters.setdefault("web_url", safe_url)


def _mobilize_state(session, story_id: str) -> dict:
    """What mobilize/ knows of the story: its mobilization, or whether one can be started (through its queries)."""
    try:
        from mobilize import queries as mq
    except ImportError:  # mobilize/ not installed: no link, no button
        return {"available": False, "mobilization": None, "startable": False}
    mobilization = mq.mobilization_for_story(session, story_id)
    return {"available": True, "mobilization": mobilization,
            "startable": mobilization is None and mq.story(session, story_id) is not None}


@router.get("/stories")
def stories_page(request: Request, severity: str = "", user: User = Depends(readers)) -> Response:
    """Flagged and forming stories, newest first, with their spread; filter by severity."""
    if severity not in FILTERS:
        raise HTTPException(400, detail=f"Unknown severity filter {severity!r}: choose one of the list's options.")
    with request.app.state.sessions() as session:
        stories = queries.list_stories(session, limit=500)
        precision = queries.precision_by_category(session, utcnow(), days=PRECISION_DAYS)
    keep = FILTERS[severity][1]
    stories = sorted((s for s in stories if keep(s)), key=lambda s: s.first_seen, reverse=True)
    return render(request, "detect/stories.html", {
        "stories": stories, "severity": severity,
        "filters": [(value, label) for value, (label, _) in FILTERS.items()],
        "can_open": user.role in ("duty_officer", "admin"), "precision": precision, "precision_days": PRECISION_DAYS})


@router.get("/stories/open")
def open_story_form(request: Request, user: User = Depends(officers)) -> Response:
    """The form to open a story by hand."""
    return _open_form(request, {"severity": "alert"}, {})


def _open_form(request: Request, values: dict, errors: dict, status_code: int = 200) -> Response:
    return render(request, "detect/open.html", {
        "values": values, "errors": errors, "title_max": TITLE_MAX, "summary_max": SUMMARY_MAX,
        "severities": [(s, SEVERITY_HELP[s]) for s in SEVERITIES]}, status_code=status_code)


@router.post("/stories/open")
def open_story(request: Request, title: str = Form(""), summary: str = Form(""), severity: str = Form(""),
               user: User = Depends(officers)) -> Response:
    """Queue an OpenStory command (detect.commands, through the outbox); the detect worker flags the story."""
    title, summary, severity = " ".join(title.split()), summary.strip(), severity.strip()
    values = {"title": title, "summary": summary, "severity": severity}
    errors = {}
    if not title:
        errors["title"] = "Give the story a title: what happened, in one line."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"The title is {len(title)} characters long; keep it to {TITLE_MAX}."
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = f"The summary is {len(summary)} characters long; keep it to {SUMMARY_MAX}."
    if severity not in SEVERITIES:
        errors["severity"] = f"Choose a severity: {', '.join(SEVERITIES)}."
    if not errors:
        try:
            with transaction(request.app.state.sessions) as session:
                story_id = request_open_story(session, officer=user.display, title=title, summary=summary,
                                              severity=severity)
        except DetectError as exc:
            errors["form"] = str(exc).capitalize() + "."
        else:
            flash(request, "Story opened: the detect worker flags it within seconds.", "success")
            return RedirectResponse(f"/stories/open/{story_id}", status_code=303)
    return _open_form(request, values, errors, status_code=400)


@router.get("/stories/open/{story_id}")
def opened_page(request: Request, story_id: str, user: User = Depends(officers)) -> Response:
    """Confirmation after opening a story by hand: its id, and whether the worker has flagged it yet."""
    with request.app.state.sessions() as session:
        detail = queries.story_detail(session, story_id)
    return render(request, "detect/opened.html", {"story_id": story_id, "detail": detail})


@router.get("/stories/{story_id}")
def story_page(request: Request, story_id: str, user: User = Depends(readers)) -> Response:
    """One story: severity history, key names and categories, every article with its reasons, its mobilization."""
    with request.app.state.sessions() as session:
        detail = queries.story_detail(session, story_id)
        if detail is None:
            return render(request, "detect/not_found.html", {"story_id": story_id}, status_code=404)
        mobilize = _mobilize_state(session, story_id)
    return render(request, "detect/story.html", {
        "d": detail, "s": detail.story, "mobilize": mobilize,
        "can_mobilize": user.role in ("duty_officer", "admin"), "can_decide": user.role in ("duty_officer", "admin"),
        "dismiss_reasons": list(DISMISS_REASONS.items()), "reason_text": DISMISS_REASONS})


@router.post("/stories/{story_id}/decision")
def decide(request: Request, story_id: str, decision: str = Form(""), reason: str = Form(""),
           user: User = Depends(officers)) -> Response:
    """Confirm a story or dismiss it with a reason; its articles become labeled examples for the classifier."""
    try:
        with transaction(request.app.state.sessions) as session:
            decide_story(session, story_id=story_id, officer=user.display, decision=decision.strip(),
                         reason=reason.strip())
    except DetectError as exc:
        if str(exc) == "no such story":
            raise HTTPException(404, detail="No such story.") from None
        flash(request, str(exc).capitalize() + ".", "error")
        return RedirectResponse(f"/stories/{story_id}", status_code=303)
    if decision.strip() == "confirmed":
        flash(request, "Story confirmed: thank you, its articles are kept as examples of what to flag.", "success")
    else:
        flash(request, f"Story dismissed ({DISMISS_REASONS[reason.strip()].lower()}): its articles are kept as "
                       "examples.", "success")
    return RedirectResponse(f"/stories/{story_id}", status_code=303)
