"""mobilize/ pages: the duty officer's console (mobilizations, network, review queue, figures, the demo mail sink)
and SendGrid's Inbound Parse webhook. The members' signed-link pages are in web/routes/members.py.

Console pages need a login (duty officers and admins act; operators may read the mail sink). Member pages are
public but open only with a valid signed link: accept/decline links work once (used up in the transaction of the
answer); draft links are tied to one accepted invitation and last `RRM_MOBILIZE__DRAFT_LINK_TTL_S`.
"""

# ruff: noqa: B008 - FastAPI declares dependencies and form fields as argument defaults
from __future__ import annotations

import re
from contextlib import contextmanager

import structlog
from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse
from markupsafe import Markup, escape
from starlette.responses import Response

from db.engine import transaction
from mail import queries as mail_queries
from mobilize import handlers as h
from mobilize import model, oncall, signoff
from mobilize import queries as q
from mobilize.drafts import markdown_of
from mobilize.network import RowError, import_csv, parse_row

from ..auth import User, require_role
from ..bodylimit import BodyTooLarge
from ..csrf import csrf_exempt, inbound_secret_ok
from ..nav import NavItem
from ..templating import flash, render, templates

log = structlog.get_logger(__name__)
router = APIRouter()
nav = [
    NavItem("Mobilizations", "/mobilize", ("duty_officer", "admin"), order=30),
    NavItem("Review", "/mobilize/review", ("duty_officer", "admin"), order=31),
    NavItem("Network", "/mobilize/network", ("duty_officer", "admin"), order=32),
    NavItem("Mail sink", "/mobilize/mail", ("duty_officer", "operator", "admin"), order=80),
]
INBOUND_PATH = csrf_exempt("/webhooks/sendgrid/inbound")

officer = require_role("duty_officer", "admin")
reader = require_role("duty_officer", "operator", "admin")
_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Plain text with its URLs made clickable (everything else escaped)."""
    out, last = [], 0
    for match in _URL.finditer(text or ""):
        out.append(escape(text[last:match.start()]))
        url = match.group(0)
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.end()
    out.append(escape((text or "")[last:]))
    return Markup("").join(out)


templates.env.filters.setdefault("linkify", linkify)
templates.env.filters.setdefault("when", lambda d: d.strftime("%Y-%m-%d %H:%M UTC") if d else "—")
templates.env.filters.setdefault("minutes", lambda v: "—" if v is None else f"{v:g} min")
templates.env.filters.setdefault("percent", lambda v: "—" if v is None else f"{v * 100:.0f}%")


def _deps(request: Request) -> h.Deps:
    return h.Deps(settings=request.app.state.settings, links=request.app.state.links)


@contextmanager
def _acting(request: Request, back: str):
    """Run an officer action; a refusal becomes a flash message on the page the officer came from."""
    state = {"redirect": RedirectResponse(back, status_code=303)}
    try:
        yield state
    except h.MobilizeError as exc:
        flash(request, str(exc), "error")


STATUS_KIND = {"paging": "warn", "drafting": "warn", "review": "warn", "approved": "ok", "rejected": "bad",
               "stopped": "idle", "sent": "idle", "accepted": "ok", "declined": "bad", "expired": "bad",
               "withdrawn": "idle", "editing": "warn", "submitted": "warn", "changes_requested": "warn",
               "queued": "idle", "pending": "warn", "failed": "bad", "uncertain": "bad", "attached": "ok"}
templates.env.globals.setdefault("status_kind", lambda s: STATUS_KIND.get(s, "idle"))
templates.env.globals.setdefault("mobilization_status", model.status_label)  # one label on every page


# ------------------------------------------------------------------------------------------------ console: incidents
@router.get("/mobilize")
def mobilizations_page(request: Request, user: User = Depends(officer)) -> Response:
    """Every mobilization, flagged stories nobody mobilized on yet, a form to start one by hand, overall figures."""
    with request.app.state.sessions() as session:
        return render(request, "mobilize/index.html", {
            "mobilizations": q.mobilizations(session), "stories": q.stories_without_mobilization(session),
            "alerts": {a.story_id: a.id for a in oncall.alerts(session, pending_only=True)},
            "figures": q.figures(session), "queue": len(q.review_queue(session)),
            "awaiting": signoff.mobilizations_awaiting_authors(session)})


@router.post("/mobilize/start")
def start_by_hand(request: Request, story_id: str = Form(""), title: str = Form(""), summary: str = Form(""),
                  topics: str = Form(""), countries: str = Form(""), urgent: str = Form(""),
                  user: User = Depends(officer)) -> Response:
    """Queue a StartMobilization command (mobilize.commands); the worker pages the first wave."""
    with _acting(request, "/mobilize") as act, transaction(request.app.state.sessions) as session:
        h.request_start(session, story_id=story_id, title=title, summary=summary,
                        topics=[t.strip() for t in re.split(r"[;,]", topics) if t.strip()],
                        countries=[c.strip().upper() for c in re.split(r"[;,]", countries) if c.strip()],
                        urgent=bool(urgent), officer=user.display)
        flash(request, "Mobilization requested: the first wave is paged within seconds.", "success")
    return act["redirect"]


@router.get("/mobilize/figures")
def figures_page(request: Request, user: User = Depends(officer)) -> Response:
    """Time to first acceptance, to draft, to approval, and response rates, overall and per mobilization."""
    with request.app.state.sessions() as session:
        rows = [(m, q.figures(session, m.id)) for m in q.mobilizations(session)]
        return render(request, "mobilize/figures.html", {"overall": q.figures(session), "rows": rows,
                                                         "awaiting": signoff.mobilizations_awaiting_authors(session)})


@router.get("/mobilize/mail")
def mail_sink_page(request: Request, to: str = "", user: User = Depends(reader)) -> Response:
    """The demo mail sink: what members and editors would have received, with clickable links."""
    with request.app.state.sessions() as session:
        return render(request, "mobilize/mail.html", {
            "messages": mail_queries.sink_messages(session, to=to), "to": to,
            "counts": mail_queries.ledger_counts(session),
            "problems": mail_queries.ledger_entries(session, statuses=("failed", "uncertain"), limit=50),
            "backend": request.app.state.settings.mail.backend})


@router.get("/mobilize/mail/{message_id}")
def mail_message_page(request: Request, message_id: int, user: User = Depends(reader)) -> Response:
    """One message of the mail sink."""
    with request.app.state.sessions() as session:
        message = mail_queries.sink_message(session, message_id)
    if message is None:
        raise HTTPException(404)
    return render(request, "mobilize/mail_message.html", {"m": message})


@router.get("/mobilize/replies")
def replies_page(request: Request, user: User = Depends(officer)) -> Response:
    """Email replies from members (Inbound Parse), attached or rejected with the reason."""
    with request.app.state.sessions() as session:
        return render(request, "mobilize/replies.html", {"replies": q.inbound_replies(session)})


@router.get("/mobilize/review")
def review_queue_page(request: Request, user: User = Depends(officer)) -> Response:
    """Submitted drafts waiting for a decision, oldest first."""
    with request.app.state.sessions() as session:
        return render(request, "mobilize/review_queue.html", {"queue": q.review_queue(session)})


@router.get("/mobilize/review/{draft_id}")
def review_page(request: Request, draft_id: str, user: User = Depends(officer)) -> Response:
    """A draft with the story's evidence beside it: edit, request changes, approve or reject."""
    with request.app.state.sessions() as session:
        draft = q.draft(session, draft_id)
        if draft is None:
            raise HTTPException(404)
        mob = q.mobilization(session, draft.mobilization_id)
        story = q.story(session, mob.story_id)
        final, words = signoff.final_progress(session, draft)
        return render(request, "mobilize/review.html", {
            "draft": draft, "mob": mob, "story": story, "facts": oncall.evidence_of(story),
            "final": final, "final_words": words, "source": markdown_of(draft),
            "awaits_authors": final is not None and final.status == "awaiting_authors",
            "mob_awaits_authors": signoff.mobilization_awaits_authors(
                session, mob, [d for _, d, _ in q.pieces(session, mob.id)]),
            "piece": q.piece(session, draft.piece_id) if draft.piece_id else None,
            "pieces_count": len(q.pieces(session, mob.id)),
            "authors": [m for _, m in h.authors_of(session, mob.id, draft.piece_id)],
            "revisions": q.revisions(session, draft.id),
            "comments": q.comments(session, draft.id), "timeline": q.timeline(session, mob.id)})


@router.post("/mobilize/review/{draft_id}/{action}")
def review_action(request: Request, draft_id: str, action: str, title: str = Form(""), body: str = Form(""),
                  message: str = Form(""), user: User = Depends(officer)) -> Response:
    """Edit, comment, request changes, approve or reject a submitted draft."""
    deps = _deps(request)
    back = f"/mobilize/review/{draft_id}"
    with _acting(request, back) as act, transaction(request.app.state.sessions) as session:
        if action == "edit":
            h.save_draft(session, deps, draft_id, user.display, title, "", "edited by the duty officer",
                         officer=True, body_md=body)  # Markdown, as the authors' editor: bold and lists survive
            flash(request, "Your edit is saved as a new revision.", "success")
        elif action == "comment":
            h.comment_on_draft(session, deps, draft_id, user.display, message)
        elif action == "changes":
            h.request_changes(session, deps, draft_id, user.display, message)
            flash(request, "Changes requested: the authors have been emailed.", "success")
        elif action == "approve":
            if h.approve_draft(session, deps, draft_id, user.display).status == "approved":
                flash(request, "Approved: translation and distribution start now.", "success")
            else:  # the officer edited the authors' text: they approve the final text first (mobilize/signoff.py)
                flash(request, "Your edits go to the authors first: they have been emailed the changes, and the "
                      "op-ed goes out when they approve (or record their approval on the Sign-offs page).", "success")
            act["redirect"] = RedirectResponse("/mobilize/review", status_code=303)
        elif action == "reject":
            h.reject_draft(session, deps, draft_id, user.display, message)
            flash(request, "Rejected: the authors have been told why.", "success")
        else:
            raise HTTPException(404)
    return act["redirect"]


@router.get("/mobilize/network")
def network_page(request: Request, user: User = Depends(officer)) -> Response:
    """The network's members; import a CSV, add or edit a member."""
    with request.app.state.sessions() as session:
        return render(request, "mobilize/network.html", {"members": q.members(session),
                                                         "report": request.session.pop("mobilize_import", None)})


@router.post("/mobilize/network/import")
async def import_network(request: Request, file: UploadFile, user: User = Depends(officer)) -> Response:
    """Import members from a CSV file; bad rows are listed with their line and reason."""
    raw = await file.read()
    with transaction(request.app.state.sessions) as session:  # an unreadable file is the report's line 1
        report = import_csv(session, _deps(request), raw)
    request.session["mobilize_import"] = {"summary": report.summary(), "errors": report.errors[:200]}
    flash(request, f"Import: {report.summary()}.", "error" if report.errors else "success")
    return RedirectResponse("/mobilize/network", status_code=303)


@router.get("/mobilize/network/{member_id}")
def member_page(request: Request, member_id: str, user: User = Depends(officer)) -> Response:
    """Edit one member ("new" for a blank form)."""
    with request.app.state.sessions() as session:
        member = None if member_id == "new" else q.member(session, member_id)
        if member_id != "new" and member is None:
            raise HTTPException(404)
    return render(request, "mobilize/member.html", {"member": member, "error": None, "form": None})


@router.post("/mobilize/network/{member_id}")
async def save_member(request: Request, member_id: str, user: User = Depends(officer)) -> Response:
    """Save a member from the form (validated like a CSV row)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and k != "csrf_token"}
    form.setdefault("active", "no")
    try:
        data = parse_row(form)
    except RowError as exc:
        with request.app.state.sessions() as session:
            member = None if member_id == "new" else q.member(session, member_id)
        return render(request, "mobilize/member.html", {"member": member, "error": str(exc), "form": form},
                      status_code=400)
    with transaction(request.app.state.sessions) as session:
        member, created = h.upsert_member(session, _deps(request), data)
    flash(request, f"{member.name} {'added' if created else 'saved'}.", "success")
    return RedirectResponse("/mobilize/network", status_code=303)


@router.get("/mobilize/{mobilization_id}")
def mobilization_page(request: Request, mobilization_id: str, user: User = Depends(officer)) -> Response:
    """One mobilization: story, invitations, proposed pairs, draft, figures, timeline, and the officer's actions."""
    with request.app.state.sessions() as session:
        mob = q.mobilization(session, mobilization_id)
        if mob is None:
            raise HTTPException(404)
        invitations = q.invitations(session, mob.id)
        ranked = h.candidates(session, _deps(request), mob) if mob.status in h.OPEN_STATUSES else []
        ids = [i.id for i, _ in invitations]
        ranked_ids = {c.member_id for c in ranked} | {m.id for _, m in invitations}
        others = [m for m in q.members(session, include_inactive=False) if m.id not in ranked_ids]
        pieces = q.pieces(session, mob.id)
        invited = [m.id for _, m in invitations]
        return render(request, "mobilize/mobilization.html", {
            "mob": mob, "story": q.story(session, mob.story_id), "invitations": invitations,
            "pieces": pieces, "piece_numbers": {p.id: p.number for p, _, _ in pieces},
            "paging_pieces": [p for p, _, _ in pieces if p.status == "paging"],
            "best": h.best_not_proposed(session, _deps(request), mob.story_id, invited, urgent=mob.urgent,
                                        invited=set(invited)),
            "pairs": model.propose_pairs(ranked, 3), "candidates": ranked[:15], "others": others,
            "draft": q.draft_of(session, mob.id), "timeline": q.timeline(session, mob.id),
            "awaits_authors": signoff.mobilization_awaits_authors(session, mob, [d for _, d, _ in pieces]),
            "waiting_drafts": {d.id for _, d, _ in pieces if d is not None and (f := signoff.final_waiting(
                session, d)) is not None and f.status == "awaiting_authors"},
            "figures": q.figures(session, mob.id), "replies": q.inbound_replies(session, invitation_ids=ids),
            "mails": mail_queries.ledger_entries(session, ref=mob.id), "open": mob.status in h.OPEN_STATUSES})


@router.post("/mobilize/{mobilization_id}/{action}")
def mobilization_action(request: Request, mobilization_id: str, action: str, member_id: str = Form(""),
                        minutes: int = Form(0), reason: str = Form(""), piece_id: str = Form(""),
                        user: User = Depends(officer)) -> Response:
    """Stop, extend the deadlines, or page a member by hand."""
    deps = _deps(request)
    with _acting(request, f"/mobilize/{mobilization_id}") as act, \
            transaction(request.app.state.sessions) as session:
        if action == "stop":
            h.stop_mobilization(session, deps, mobilization_id, user.display, reason)
            flash(request, "Mobilization stopped.", "success")
        elif action == "extend":
            h.extend_deadlines(session, deps, mobilization_id, user.display, minutes)
            flash(request, f"Deadlines extended by {minutes} minutes.", "success")
        elif action == "page":
            invitation = h.page_member_by_hand(session, deps, mobilization_id, member_id, user.display, piece_id)
            flash(request, f"Paged: the email leaves within seconds (invitation {invitation.id[:8]}).", "success")
        else:
            raise HTTPException(404)
    return act["redirect"]


# ------------------------------------------------------------------------------------------ SendGrid Inbound Parse
@router.post(INBOUND_PATH, tags=["public"])
async def inbound_parse(request: Request) -> Response:
    """A member's email reply, posted by SendGrid Inbound Parse (multipart form).

    Always answered 200 once stored: Inbound Parse drops a message for good on any 4xx, so a post we cannot
    attach is kept as a rejected reply with the reason, for officers to read at /mobilize/replies.
    """
    expected = request.app.state.settings.mail.inbound_token
    if expected and not inbound_secret_ok(request, expected):  # before a byte of the body is read
        log.warning("inbound.refused", reason="missing or wrong inbound token")
        return Response("The Inbound Parse secret is missing or wrong.", status_code=403, media_type="text/plain")
    fields: dict[str, str] = {}
    problem = ""
    try:  # the body is capped as it arrives (RRM_MAIL__INBOUND_MAX_BYTES, web/bodylimit.py): 413 beyond it
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields[key] = value
            else:
                fields.setdefault("attachment-names", "")
                fields["attachment-names"] += f"{value.filename};"
    except BodyTooLarge as exc:  # reading stopped at the cap; a note is kept (SendGrid drops a reply on any 4xx)
        fields = {}
        problem = f"larger than RRM_MAIL__INBOUND_MAX_BYTES={exc.cap} bytes: body not read"
    except Exception as exc:  # a malformed body: keep what we can say about it
        problem = f"unreadable post ({type(exc).__name__}): {exc}"
    with transaction(request.app.state.sessions) as session:
        reply = h.attach_reply(session, _deps(request), fields, attach=not problem)
        if problem:
            reply.reason = problem[:500]
    log.info("inbound.reply", status=reply.status, reason=reply.reason)
    return Response("OK", media_type="text/plain")

