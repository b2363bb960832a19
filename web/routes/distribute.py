"""distribute/ pages: editors (CSV import, segments, do-not-contact), distributions with their delivery report,
the editors' one-click unsubscribe, SendGrid's Event Webhook, and the public newsroom."""

# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults
from __future__ import annotations

from datetime import UTC, datetime

import structlog
from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from distribute import model
from distribute import queries as q
from distribute.bootstrap import build_senders, build_verifier
from distribute.handlers import (
    DistributeError,
    WebhookRefused,
    add_to_do_not_contact,
    cancel_distribution,
    create_distribution,
    create_list,
    create_segment,
    import_editors,
    receive_events,
    unsubscribe,
)
from translate.model import RTL_LANGUAGES, language_name

from ..auth import User, require_role
from ..csrf import csrf_exempt
from ..nav import NavItem
from ..templating import flash, render, templates

log = structlog.get_logger(__name__)
router = APIRouter()
nav = [NavItem("Distributions", "/distribute", ("duty_officer", "admin"), order=50),
       NavItem("Editors", "/distribute/editors", ("duty_officer", "admin"), order=51),
       NavItem("Newsroom", "/newsroom", (), order=95)]
officer = require_role("duty_officer", "admin")
WEBHOOK_PATH = csrf_exempt("/webhooks/sendgrid/events")
UNSUBSCRIBE_PATH = csrf_exempt("/unsubscribe/")  # mail clients POST one-click unsubscribes without a session
MAX_CSV_BYTES = 5_000_000
STATUS_KIND = {model.SCHEDULED: "idle", model.SENDING: "warn", model.HANDED_OVER: "warn", model.RELEASED: "ok",
               model.CANCELLED: "idle"}
templates.env.globals.setdefault("distribution_kind", lambda s: STATUS_KIND.get(s, "idle"))
templates.env.globals.setdefault("distribution_label", lambda s: model.STATUS_LABELS.get(s, s))
templates.env.globals.setdefault("language_name", language_name)
templates.env.globals.setdefault("lang_rows", lambda counts: [
    {"language": f"{language_name(k)} ({k})", "count": v} for k, v in counts.items()])
templates.env.globals.setdefault("suppressed_rows", lambda rows: [
    {"email": k, "reason": v} for k, v in sorted(rows.items())])
templates.env.globals.setdefault("ready_options", lambda ready, titles: [(o, titles.get(o, o)) for o in ready])
templates.env.globals.setdefault("text_dir", lambda lang: "rtl" if lang in RTL_LANGUAGES else "ltr")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.replace(";", ",").split(",") if v.strip())


@router.get("/distribute")
def distributions_page(request: Request, user: User = Depends(officer)) -> Response:
    """Distributions, and a form to schedule one."""
    sessions = request.app.state.sessions
    return render(request, "distribute/index.html", {
        "distributions": q.distributions(sessions), "ready": q.ready_languages(sessions),
        "titles": q.oped_titles(sessions), "segments": q.segments(sessions),
        "backend": request.app.state.settings.mail.backend,
        "languages": request.app.state.settings.translate.languages})


@router.post("/distribute")
async def schedule(request: Request, user: User = Depends(officer)) -> Response:
    """Schedule a distribution: op-ed, languages, segments, release time (UTC)."""
    form = await request.form()
    try:
        release = datetime.fromisoformat(str(form.get("release_at", ""))).replace(tzinfo=UTC)
    except ValueError:
        flash(request, "Give the release time as a date and time (UTC).", "error")
        return RedirectResponse("/distribute", status_code=303)
    try:
        dist = create_distribution(
            request.app.state.sessions, oped_id=str(form.get("oped_id", "")),
            languages=[str(v) for v in form.getlist("languages")],
            segment_ids=[int(v) for v in form.getlist("segments") if str(v).isdigit()], release_at=release,
            created_by=user.display, backend=request.app.state.settings.mail.backend)
    except DistributeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/distribute", status_code=303)
    flash(request, f"Scheduled for release at {release:%Y-%m-%d %H:%M} UTC.", "success")
    return RedirectResponse(f"/distribute/d/{dist}", status_code=303)


@router.get("/distribute/d/{distribution_id}")
def report_page(request: Request, distribution_id: str, user: User = Depends(officer)) -> Response:
    """The delivery report of one distribution."""
    report = q.delivery_report(request.app.state.sessions, distribution_id)
    if report is None:
        raise HTTPException(404, detail="There is no such distribution.")
    return render(request, "distribute/report.html", {"r": report, "d": report.distribution,
                                                      "events": model.COUNTED_EVENTS})


@router.post("/distribute/d/{distribution_id}/cancel")
def cancel(request: Request, distribution_id: str, user: User = Depends(officer)) -> Response:
    """Cancel before the release (SendGrid's scheduled batches are cancelled by batch id)."""
    settings = request.app.state.settings
    mailer, batches = build_senders(settings, request.app.state.sessions)
    try:
        stopped = cancel_distribution(request.app.state.sessions, distribution_id, batches=batches,
                                      actor=user.display)
        flash(request, f"Cancelled: {stopped} editors will not receive it.", "success")
    except DistributeError as exc:
        flash(request, str(exc), "error")
    except Exception as exc:  # the provider refused: say so, keep the distribution as it was
        flash(request, f"SendGrid did not confirm the cancellation: {exc}", "error")
    finally:
        mailer.close()
    return RedirectResponse(f"/distribute/d/{distribution_id}", status_code=303)


@router.get("/distribute/editors")
def editors_page(request: Request, user: User = Depends(officer)) -> Response:
    """Editors by language, CSV import, segments and the do-not-contact list."""
    sessions = request.app.state.sessions
    return render(request, "distribute/editors.html", {
        "overview": q.editors_overview(sessions), "segments": q.segments(sessions),
        "suppressed": q.suppressed(sessions), "columns": model.CSV_COLUMNS, "lists": q.lists(sessions)})


@router.post("/distribute/editors/import")
async def import_csv(request: Request, file: UploadFile, user: User = Depends(officer)) -> Response:
    """Import editors from CSV and show which rows were refused and why."""
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        flash(request, "The file is larger than 5 MB: split it and import the parts.", "error")
        return RedirectResponse("/distribute/editors", status_code=303)
    try:
        result = import_editors(request.app.state.sessions, data)
    except model.CsvRefused as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/distribute/editors", status_code=303)
    return render(request, "distribute/import.html", {"result": result, "filename": file.filename})


@router.post("/distribute/lists")
def add_list(request: Request, list_name: str = Form(""), addresses: str = Form(""),
             user: User = Depends(officer)) -> Response:
    """Save a hand-made list of editors (addresses one per line or separated by commas)."""
    name = list_name
    emails = [a for a in addresses.replace(",", "\n").replace(";", "\n").splitlines() if a.strip()]
    try:
        if not name.strip() or not emails:
            raise DistributeError("a list needs a name and at least one address")
        create_list(request.app.state.sessions, name, emails)
        flash(request, f"List “{name.strip()}” saved with {len(emails)} editors.", "success")
    except DistributeError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/distribute/editors", status_code=303)


@router.post("/distribute/segments")
async def add_segment(request: Request, user: User = Depends(officer)) -> Response:
    """Save a segment (empty criteria select everyone)."""
    form = await request.form()
    name = str(form.get("name", ""))
    try:
        create_segment(request.app.state.sessions, name, model.Criteria(
            languages=tuple(v.lower() for v in _split(str(form.get("languages", "")))),
            regions=_split(str(form.get("regions", ""))), beats=_split(str(form.get("beats", ""))),
            list_ids=tuple(int(v) for v in form.getlist("lists") if str(v).isdigit())))
        flash(request, f"Segment “{name.strip()}” saved.", "success")
    except DistributeError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/distribute/editors", status_code=303)


@router.post("/distribute/do-not-contact")
def do_not_contact(request: Request, email: str = Form(""), note: str = Form(""),
                   user: User = Depends(officer)) -> Response:
    """Put an address on the do-not-contact list for good."""
    try:
        add_to_do_not_contact(request.app.state.sessions, email, f"{note} (by {user.display})".strip())
        flash(request, f"{email.strip()} will never be mailed.", "success")
    except DistributeError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/distribute/editors", status_code=303)


@router.get("/unsubscribe/{token}", tags=["public"])
def unsubscribe_page(request: Request, token: str) -> Response:
    """The page behind the unsubscribe link: a button (a GET never unsubscribes: link scanners follow links)."""
    if model.read_unsubscribe_token(request.app.state.settings.secret_key, token) is None:
        return render(request, "distribute/unsubscribed.html", {"error": "This unsubscribe link is not valid."},
                      status_code=400)
    return render(request, "distribute/unsubscribe.html", {"token": token})


@router.post("/unsubscribe/{token}", tags=["public"])
def unsubscribe_now(request: Request, token: str) -> Response:
    """One-click unsubscribe (RFC 8058 POST from a mail client, or the button): the address is never mailed again."""
    try:
        email = unsubscribe(request.app.state.sessions, request.app.state.settings.secret_key, token)
    except DistributeError as exc:
        return render(request, "distribute/unsubscribed.html", {"error": str(exc)}, status_code=400)
    return render(request, "distribute/unsubscribed.html", {"email": email})


@router.post(WEBHOOK_PATH, tags=["public"])
async def sendgrid_events(request: Request) -> Response:
    """SendGrid's Event Webhook: the ECDSA signature over the raw body is checked before anything is read."""
    verifier = build_verifier(request.app.state.settings)
    if verifier is None:
        return JSONResponse({"error": "event webhook verification key not configured"}, status_code=403)
    raw = await request.body()
    try:
        stored = receive_events(request.app.state.sessions, verifier, raw,
                                request.headers.get("X-Twilio-Email-Event-Webhook-Signature", ""),
                                request.headers.get("X-Twilio-Email-Event-Webhook-Timestamp", ""),
                                max_age_s=request.app.state.settings.distribute.webhook_max_age_s)
    except WebhookRefused as exc:
        log.warning("distribute.webhook_refused", reason=str(exc))
        return JSONResponse({"error": str(exc)}, status_code=403)
    return JSONResponse({"stored": stored})


@router.get("/newsroom", tags=["public"])
def newsroom_page(request: Request, lang: str = "") -> Response:
    """Released op-eds by language, for anyone."""
    items = q.newsroom(request.app.state.sessions)
    return render(request, "distribute/newsroom.html", {"items": items, "lang": lang})


@router.get("/newsroom/{oped_id}/{lang}", tags=["public"])
def newsroom_article(request: Request, oped_id: str, lang: str) -> Response:
    """One released op-ed in one language."""
    for item in q.newsroom(request.app.state.sessions).get(lang, []):
        if item.oped_id == oped_id:
            return render(request, "distribute/article.html", {"item": item})
    raise HTTPException(404, detail="This op-ed is not released in this language.")
