"""distribute/ pages: editors (CSV import, segments, do-not-contact), distributions with their delivery report,
the editors' one-click unsubscribe, SendGrid's Event Webhook, and the public newsroom."""

# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import structlog
from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from bus.languages import language_label
from config.settings import Settings
from db.engine import transaction
from distribute import model
from distribute import queries as q
from distribute.audience import add_to_do_not_contact, create_list, create_segment, import_editors, unsubscribe
from distribute.bootstrap import build_senders, build_verifier
from distribute.deliveries import WebhookRefused, receive_events
from distribute.distributions import create_distribution
from distribute.model import DistributeError
from distribute.placements import receive_reply, record_placement, send_context
from distribute.release import cancel_distribution
from mail.ports import MailError
from translate.model import RTL_LANGUAGES, language_name

from ..auth import User, require_role
from ..csrf import csrf_exempt, inbound_secret_ok
from ..nav import NavItem
from ..templating import flash, render, templates

log = structlog.get_logger(__name__)
router = APIRouter()
nav = [NavItem("Distributions", "/distribute", ("duty_officer", "admin"), order=50),
       NavItem("Editors", "/distribute/editors", ("duty_officer", "admin"), order=51),
       NavItem("Placements", "/distribute/placements", ("duty_officer", "admin"), order=52),
       NavItem("Newsroom", "/newsroom", (), order=95)]
officer = require_role("duty_officer", "admin")
WEBHOOK_PATH = csrf_exempt("/webhooks/sendgrid/events")
UNSUBSCRIBE_PATH = csrf_exempt("/unsubscribe/")  # mail clients POST one-click unsubscribes without a session
EDITOR_REPLIES_PATH = csrf_exempt("/webhooks/sendgrid/editors")  # Inbound Parse: editors' replies
MAX_CSV_BYTES = 5_000_000
STATUS_KIND = {model.SCHEDULED: "idle", model.SENDING: "warn", model.HANDED_OVER: "warn", model.RELEASED: "ok",
               model.CANCELLED: "idle"}
templates.env.globals.setdefault("distribution_kind", lambda s: STATUS_KIND.get(s, "idle"))
templates.env.globals.setdefault("distribution_label", lambda s: model.STATUS_LABELS.get(s, s))
templates.env.globals.setdefault("language_name", language_name)
templates.env.globals.setdefault("language_label", language_label)
templates.env.globals.setdefault("placement_label", lambda s: model.PLACEMENT_LABELS.get(s, s))
templates.env.globals.setdefault("lang_rows", lambda counts: [
    {"language": f"{language_name(k)} ({k})", "count": v} for k, v in counts.items()])
templates.env.globals.setdefault("suppressed_rows", lambda rows: [
    {"email": k, "reason": v} for k, v in sorted(rows.items())])
templates.env.globals.setdefault("ready_options", lambda ready, titles: [(o, titles.get(o, o)) for o in ready])
templates.env.globals.setdefault("text_dir", lambda lang: "rtl" if lang in RTL_LANGUAGES else "ltr")


def setup(app: FastAPI, settings: Settings) -> None:
    """Build the mail senders (a cancel asks SendGrid to drop scheduled batches) and the Event Webhook's verifier
    once, at start-up; the senders are closed on shutdown."""
    try:
        mailer, batches = build_senders(settings, app.state.sessions)
    except MailError as exc:  # e.g. SendGrid chosen without an API key: the console still runs, cancels say why
        log.warning("distribute.senders_unavailable", error=str(exc))
        mailer, batches = None, None
    app.state.distribute_batches = batches
    app.state.distribute_verifier = build_verifier(settings)
    if mailer is not None:
        app.router.add_event_handler("shutdown", mailer.close)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.replace(";", ",").split(",") if v.strip())


@router.get("/distribute")
def distributions_page(request: Request, user: User = Depends(officer)) -> Response:
    """Distributions, and a form to schedule one."""
    with request.app.state.sessions() as session:
        return render(request, "distribute/index.html", {
            "distributions": q.distributions(session), "ready": q.ready_languages(session),
            "titles": q.oped_titles(session), "segments": q.segments(session),
            "backend": request.app.state.settings.mail.backend, "modes": model.MODES,
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
        with transaction(request.app.state.sessions) as session:
            dist = create_distribution(
                session, oped_id=str(form.get("oped_id", "")),
                languages=[str(v) for v in form.getlist("languages")],
                segment_ids=[int(v) for v in form.getlist("segments") if str(v).isdigit()], release_at=release,
                created_by=user.display, backend=request.app.state.settings.mail.backend,
                mode=str(form.get("mode", model.SCHEDULED_RELEASE)),
                send_original=form.get("send_original") == "yes")
    except DistributeError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/distribute", status_code=303)
    what = ("Advance copies go out now, embargoed until" if form.get("mode") == model.ADVANCE_COPY
            else "Scheduled for release at")
    flash(request, f"{what} {release:%Y-%m-%d %H:%M} UTC.", "success")
    return RedirectResponse(f"/distribute/d/{dist}", status_code=303)


@router.get("/distribute/d/{distribution_id}")
def report_page(request: Request, distribution_id: str, user: User = Depends(officer)) -> Response:
    """The delivery report of one distribution."""
    with request.app.state.sessions() as session:
        report = q.delivery_report(session, distribution_id)
    if report is None:
        raise HTTPException(404, detail="There is no such distribution.")
    return render(request, "distribute/report.html", {"r": report, "d": report.distribution,
                                                      "events": model.COUNTED_EVENTS})


@router.post("/distribute/d/{distribution_id}/cancel")
def cancel(request: Request, distribution_id: str, user: User = Depends(officer)) -> Response:
    """Cancel before the release (SendGrid's scheduled batches are cancelled by batch id)."""
    try:
        stopped = cancel_distribution(request.app.state.sessions, distribution_id,
                                      batches=request.app.state.distribute_batches, actor=user.display)
        flash(request, f"Cancelled: {stopped} editors will not receive it.", "success")
    except DistributeError as exc:
        flash(request, str(exc), "error")
    except Exception as exc:  # the provider refused: say so, keep the distribution as it was
        flash(request, f"SendGrid did not confirm the cancellation: {exc}", "error")
    return RedirectResponse(f"/distribute/d/{distribution_id}", status_code=303)


@router.get("/distribute/editors")
def editors_page(request: Request, user: User = Depends(officer)) -> Response:
    """Editors by language, CSV import, segments and the do-not-contact list."""
    with request.app.state.sessions() as session:
        return render(request, "distribute/editors.html", {
            "overview": q.editors_overview(session), "segments": q.segments(session),
            "suppressed": q.suppressed(session), "columns": model.CSV_COLUMNS, "lists": q.lists(session)})


@router.post("/distribute/editors/import")
async def import_csv(request: Request, file: UploadFile, user: User = Depends(officer)) -> Response:
    """Import editors from CSV and show which rows were refused and why."""
    data = await file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        flash(request, "The file is larger than 5 MB: split it and import the parts.", "error")
        return RedirectResponse("/distribute/editors", status_code=303)
    try:
        with transaction(request.app.state.sessions) as session:
            result = import_editors(session, data)
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
        with transaction(request.app.state.sessions) as session:
            create_list(session, name, emails)
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
        with transaction(request.app.state.sessions) as session:
            create_segment(session, name, model.Criteria(
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
        with transaction(request.app.state.sessions) as session:
            add_to_do_not_contact(session, email, f"{note} (by {user.display})".strip())
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
        with transaction(request.app.state.sessions) as session:
            email = unsubscribe(session, request.app.state.settings.secret_key, token)
    except DistributeError as exc:
        return render(request, "distribute/unsubscribed.html", {"error": str(exc)}, status_code=400)
    return render(request, "distribute/unsubscribed.html", {"email": email})


@router.post(WEBHOOK_PATH, tags=["public"])
async def sendgrid_events(request: Request) -> Response:
    """SendGrid's Event Webhook: the ECDSA signature over the raw body is checked before anything is read."""
    verifier = request.app.state.distribute_verifier
    if verifier is None:
        return JSONResponse({"error": "event webhook verification key not configured"}, status_code=403)
    raw = await request.body()
    try:
        with transaction(request.app.state.sessions) as session:
            stored = receive_events(session, verifier, raw,
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
    with request.app.state.sessions() as session:
        items = q.newsroom(session)
    return render(request, "distribute/newsroom.html", {"items": items, "lang": lang})


@router.get("/newsroom/feed.atom", tags=["public"])
def newsroom_feed(request: Request) -> Response:
    """An Atom feed of released op-eds, every language, newest first (each entry in its own language)."""
    with request.app.state.sessions() as session:
        items = sorted((i for group in q.newsroom(session).values() for i in group),
                       key=lambda i: i.released_at, reverse=True)[:100]
    base = request.app.state.settings.web.base_url
    xml = templates.env.get_template("distribute/feed.xml").render(
        items=items, base=base, updated=items[0].released_at if items else datetime(2026, 1, 1, tzinfo=UTC),
        host=urlsplit(base).hostname or "localhost")
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


@router.get("/newsroom/{oped_id}/{lang}", tags=["public"])
def newsroom_article(request: Request, oped_id: str, lang: str) -> Response:
    """One released op-ed in one language."""
    with request.app.state.sessions() as session:
        item = q.newsroom_item(session, oped_id, lang)
        others = [lang_ for lang_, group in q.newsroom(session).items()
                  if lang_ != lang and any(i.oped_id == oped_id for i in group)]
    if item is None:
        raise HTTPException(404, detail="This op-ed is not released in this language.")
    return render(request, "distribute/article.html", {"item": item, "others": others})


def _placement_send(request: Request, token: str) -> int:
    return model.read_placement_token(request.app.state.settings.secret_key, token, datetime.now(UTC))


def _placement_context(request: Request, token: str) -> dict:
    send_id = _placement_send(request, token)
    with request.app.state.sessions() as session:
        try:
            send, dist, outlet, title = send_context(session, send_id)
        except DistributeError as exc:
            raise HTTPException(404, detail="This link belongs to an email that no longer exists.") from exc
        current = q.placements(session, oped_id=dist.oped_id)
        mine = next((p for p in current if p.editor_email == send.email), None)
    return {"token": token, "title": title, "outlet": outlet, "email": send.email, "placement": mine,
            "lang": send.version_lang or send.lang}


@router.get("/placements/{token}", tags=["public"])
def placement_page(request: Request, token: str) -> Response:
    """The page behind "We will run it / it ran at…" in an editor's email (a GET records nothing)."""
    try:
        context = _placement_context(request, token)
    except DistributeError as exc:
        return render(request, "distribute/placement.html", {"error": str(exc)}, status_code=400)
    return render(request, "distribute/placement.html", context)


@router.post("/placements/{token}", tags=["public"])
def placement_said(request: Request, token: str, status: str = Form(""), url: str = Form("")) -> Response:
    """An editor says they will run the op-ed, or where it ran (the URL is checked); the link stays usable."""
    try:
        context = _placement_context(request, token)
        send_id = _placement_send(request, token)
    except DistributeError as exc:
        return render(request, "distribute/placement.html", {"error": str(exc)}, status_code=400)
    try:
        with transaction(request.app.state.sessions) as session:
            record_placement(session, send_id, status, url, via="link")
    except DistributeError as exc:
        return render(request, "distribute/placement.html", {**context, "problem": str(exc), "given_url": url,
                                                               "given_status": status}, status_code=400)
    flash(request, "Thank you: the authors will be told." if status == model.RAN
          else "Thank you. When it has run, come back to this link and give us its address.", "success")
    return RedirectResponse(f"/placements/{token}", status_code=303)



@router.post(EDITOR_REPLIES_PATH, tags=["public"])
async def editor_replies(request: Request) -> Response:
    """Editors' replies, posted by SendGrid Inbound Parse: the secret is checked before the body is read; a reply
    saying where the op-ed ran (or that it will) records a placement, anything else is kept for officers."""
    settings = request.app.state.settings
    expected = settings.mail.inbound_token
    if expected and not inbound_secret_ok(request, expected):
        log.warning("distribute.inbound_refused", reason="missing or wrong inbound token")
        return Response("The Inbound Parse secret is missing or wrong.", status_code=403, media_type="text/plain")
    fields: dict[str, str] = {}
    try:
        form = await request.form()
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    except Exception as exc:  # a malformed or oversized body: kept as an unmatched reply (4xx makes SendGrid drop it)
        fields = {"subject": f"unreadable post ({type(exc).__name__})"}
    own = tuple(h for h in {urlsplit(settings.web.base_url).hostname or ""} if h)
    with transaction(request.app.state.sessions) as session:
        reply = receive_reply(session, fields, own_hosts=own)
        status, reason = reply.status, reply.reason
    log.info("distribute.editor_reply", status=status, reason=reason)
    return JSONResponse({"status": status})


@router.get("/distribute/placements")
def placements_page(request: Request, oped: str = "", outlet: str = "", user: User = Depends(officer)) -> Response:
    """Where op-eds ran: per op-ed and per outlet, and editors' replies."""
    with request.app.state.sessions() as session:
        rows = q.placements(session, oped_id=oped, outlet=outlet)
        titles = q.oped_titles(session)
        by_outlet = q.outlet_placements(session, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
        replies = q.editor_replies(session, limit=50)
    by_oped: dict[str, list] = {}
    for p in rows:
        by_oped.setdefault(p.oped_id, []).append(p)
    return render(request, "distribute/placements.html", {"by_oped": by_oped, "titles": titles,
                                                          "by_outlet": by_outlet, "replies": replies,
                                                          "oped": oped, "outlet": outlet})
