"""registry/ pages: the Alliance's registries in the console (view, create, edit, retire, CSV upload), the yearly
report (the public Clearinghouse is web/routes/clearinghouse.py).

Edits never write a registry's table: they queue a RegistryCommand on `registry.commands` (through the outbox) and
the registry worker applies it, exactly as for a CSV import or another system; the page says so. Forms are built
from the registry's pydantic model, so a new field shows up without template work.
"""

from __future__ import annotations

import re
import typing
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from bus.records import RegistryCommand
from db.engine import transaction
from registry import handlers, model, queries
from registry.csvimport import import_csv, row_data
from registry.report import PdfUnavailable, figures, render_html, render_pdf

from ..auth import User, require_role, require_user
from ..nav import NavItem
from ..templating import flash, render
from .review import live_counts

router = APIRouter()
nav = [NavItem("Registries", "/registry", ("duty_officer", "operator", "admin"), order=60)]
# The public Clearinghouse (search, resource pages, proposals, moderation) is web/routes/clearinghouse.py.

editor = require_role("duty_officer", "admin")
SIGNED_IN = Depends(require_user)
EDITOR = Depends(editor)
LONG_FIELDS = {"summary", "notes", "outcomes"}
FORM_LANGS = ("en", "fr", "es", "ar")
FIELD_LABELS = {"on": "Date", "party": "Donor or applicant", "member_id": "Network member id",
                "starts_on": "Starts on", "ends_on": "Ends on", "url": "Web address", "website": "Web site"}
VOCAB = {"theme": model.THEMES, "category": model.CATEGORIES, "role": model.ROLES}


def _registry(name: str) -> str:
    if name not in model.MODELS:
        raise HTTPException(404, detail=f"There is no registry called {name!r}.")
    return name


def _options(annotation: typing.Any) -> list[str] | None:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    if typing.get_origin(annotation) is list:
        return None
    if len(args) == 1 and typing.get_origin(args[0]) is typing.Literal:
        return list(typing.get_args(args[0]))
    return None


def form_fields(registry: str) -> list[dict]:
    """The form of a registry, from its model: name, label, kind (text/select/list/date/checks/long), options."""
    out = []
    for name, info in model.MODELS[registry].model_fields.items():
        if name == "texts":
            continue
        annotation = info.annotation
        label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
        field = {"name": name, "label": label, "kind": "text", "options": [], "required": info.is_required(),
                 "hint": info.description or ""}
        options = _options(annotation)
        list_args = typing.get_args(annotation) if typing.get_origin(annotation) is list else ()
        if name == "criteria":
            field.update(kind="checks", options=list(model.CRITERIA.items()), label="Selection criteria met")
        elif options:
            labels = VOCAB.get(name, {})
            field.update(kind="select", options=[(o, labels.get(o, o.replace("_", " "))) for o in options])
        elif list_args:
            inner = _options(list_args[0])
            if name == "subjects":
                field.update(kind="checks", options=list(model.SUBJECTS.items()), label="Subjects (of the seven)")
            elif name == "themes" and inner:
                field.update(kind="checks", options=list(model.THEMES.items()))
            else:
                field.update(kind="list", hint=field["hint"] or "One per line.")
        elif annotation in (date, date | None):
            field["kind"] = "date"
        elif annotation is Decimal:
            field["kind"] = "number"
        elif name in LONG_FIELDS:
            field["kind"] = "long"
        out.append(field)
    return out


def form_values(data: dict) -> dict:
    """An entry's data as form values (lists one per line, criteria as the codes met)."""
    values: dict[str, typing.Any] = {}
    for key, value in data.items():
        if key == "criteria":
            values[key] = [k for k, v in value.items() if v]
        elif key == "subjects" or key == "themes":
            values[key] = list(value)
        elif key == "texts":
            for lang, text in value.items():
                for part in ("title", "summary", "body"):
                    values[f"{part}_{lang}"] = text.get(part, "")
        elif isinstance(value, list):
            values[key] = "\n".join(str(v) for v in value)
        elif value is None:
            values[key] = ""
        else:
            values[key] = str(value)
    return values


async def _form_data(request: Request, registry: str, for_update: bool) -> tuple[dict, dict]:
    """The posted form as command data, and the raw values (to show the form again after an error)."""
    form = await request.form()
    raw: dict[str, typing.Any] = {}
    cells: dict[str, str] = {}
    fields = {f["name"]: f for f in form_fields(registry)}
    for name, field in fields.items():
        if field["kind"] == "checks":
            chosen = [v for v in form.getlist(name) if isinstance(v, str)]
            raw[name] = chosen
            cells[name] = ";".join(chosen)
        else:
            value = form.get(name, "")
            value = value if isinstance(value, str) else ""
            raw[name] = value
            cells[name] = ";".join(line.strip() for line in value.splitlines()) if field["kind"] == "list" else value
    if registry == "clearinghouse":
        for key, value in form.items():
            if isinstance(value, str) and key.split("_")[0] in ("title", "summary", "body") and "_" in key:
                raw[key] = value
                cells[key] = value
    data = row_data(registry, {k: v for k, v in cells.items() if k in fields or k.split("_")[0] in
                               ("title", "summary", "body")})
    if for_update:
        for name in fields:
            if name not in data and name != "criteria":
                data[name] = None
        if "criteria" in fields and "criteria" not in data:
            data["criteria"] = {}
    return data, raw


def _languages(values: dict) -> list[str]:
    found = {k.split("_", 1)[1] for k in values if k.startswith("title_") and values[k]}
    return list(FORM_LANGS) + sorted(found - set(FORM_LANGS))


def _page(request: Request, registry: str, user: User, *, values: dict | None = None, error: str = "",
          status_code: int = 200) -> Response:
    with request.app.state.sessions() as session:
        rows = (queries.ambassadors_with_activity(session) if registry == "ambassadors"
                else queries.entries(session, registry))
        totals = queries.fund_totals(session) if registry == "funds" else []
    values = values or {}
    return render(request, "registry/list.html", {
        "registry": registry, "label": model.LABELS[registry], "rows": rows, "fields": form_fields(registry),
        "values": values, "error": error, "can_edit": user.role in ("duty_officer", "admin"),
        "langs": _languages(values), "columns": _columns(registry), "vocab": VOCAB,
        "totals": totals}, status_code=status_code)


def _columns(registry: str) -> list[tuple[str, str]]:
    """Extra columns of a registry's list (keys of the entry's data)."""
    return {
        "friends": [("kind", "Kind"), ("country", "Country"), ("focal_point", "Focal point")],
        "ambassadors": [("role", "Role"), ("appointed_on", "Appointed")],
        "partners": [("kind", "Kind"), ("country", "Country")],
        "projects": [("category", "Category"), ("theme", "Theme"), ("role", "Role of the Alliance"),
                     ("status", "Status")],
        "clearinghouse": [("kind", "Kind"), ("theme", "Theme"), ("organization", "Organization")],
        "events": [("kind", "Kind"), ("starts_on", "Starts"), ("host", "Host")],
        "funds": [("fund", "Fund"), ("kind", "Kind"), ("amount", "Amount"), ("currency", "Currency"),
                  ("on", "Date"), ("decision", "Decision")],
    }[registry]


def _send(request: Request, user: User, registry: str, action: str, entity_id: str, data: dict | None) -> None:
    command = RegistryCommand(registry=registry, action=action, entity_id=entity_id,
                              request_id=f"web:{uuid.uuid4().hex}", data=data, actor=user.email)
    with transaction(request.app.state.sessions) as session:
        handlers.request_change(session, command)


# --- console pages ---------------------------------------------------------------------------------------------

@router.get("/registry")
def registry_index(request: Request, user: User = SIGNED_IN) -> Response:
    """Every registry with its number of entries."""
    with request.app.state.sessions() as session:
        counts = queries.counts(session)
    return render(request, "registry/index.html", {"counts": counts, "labels": model.LABELS,
                                                   "year": datetime.now(UTC).year})


@router.get("/registry/report")
def report_page(request: Request, year: int | None = None, user: User = SIGNED_IN) -> Response:
    """The yearly report's figures, with links to the full document (HTML, PDF)."""
    year = year or datetime.now(UTC).year
    if not 2000 <= year <= 2100:
        raise HTTPException(400, detail="Give a year between 2000 and 2100.")
    with request.app.state.sessions() as session:
        f = figures(session, year, live_counts(request, year))
    return render(request, "registry/report.html", {"f": f, "year": year})


@router.get("/registry/report/{year}.html")
def report_html(request: Request, year: int, user: User = SIGNED_IN) -> Response:
    """The yearly report as one HTML document."""
    with request.app.state.sessions() as session:
        return HTMLResponse(render_html(figures(session, year, live_counts(request, year))))


@router.get("/registry/report/{year}.pdf")
def report_pdf(request: Request, year: int, user: User = SIGNED_IN) -> Response:
    """The yearly report as PDF."""
    with request.app.state.sessions() as session:
        html = render_html(figures(session, year, live_counts(request, year)))
    try:
        pdf = render_pdf(html)
    except PdfUnavailable as exc:
        raise HTTPException(503, detail="The PDF cannot be made on this server (pango is missing); the HTML report "
                            "works.") from exc
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="aoc-report-{year}.pdf"'})


@router.get("/registry/{name}")
def registry_list(request: Request, name: str, user: User = SIGNED_IN) -> Response:
    """A registry's entries and the form to add one."""
    return _page(request, _registry(name), user)


@router.post("/registry/{name}")
async def registry_create(request: Request, name: str, user: User = EDITOR) -> Response:
    """Queue a `create` command for a new entry."""
    registry = _registry(name)
    data, raw = await _form_data(request, registry, for_update=False)
    try:
        entry = model.validate_entry(registry, data)
        key = re.sub(r"[^a-z0-9]+", "-", model.normalize(entry.label()))[:40].strip("-") or registry
        _send(request, user, registry, "create", f"{key}-{uuid.uuid4().hex[:8]}", data)
    except model.RegistryError as exc:
        return _page(request, registry, user, values=raw, error=str(exc), status_code=400)
    flash(request, f"Sent to the {model.LABELS[registry]} registry: “{entry.label()}” appears here as soon as the "
          "registry worker has applied it.", "success")
    return RedirectResponse(f"/registry/{registry}", status_code=303)


@router.post("/registry/{name}/import")
async def registry_import(request: Request, name: str, file: UploadFile, user: User = EDITOR) -> Response:
    """Import a CSV file: good rows are queued as commands; every bad row is listed."""
    registry = _registry(name)
    raw = await file.read(5_000_001)
    if len(raw) > 5_000_000:
        raise HTTPException(400, detail="The file is larger than 5 MB: split it.")
    with transaction(request.app.state.sessions) as session:  # an unreadable file is the report's first bad row
        report = import_csv(registry, raw, lambda i: queries.exists(session, registry, i), actor=user.email)
        for command in report.commands:
            handlers.request_change(session, command)
    return render(request, "registry/import.html", {"registry": registry, "label": model.LABELS[registry],
                                                    "report": report, "filename": file.filename or "file.csv"})


@router.get("/registry/{name}/{entity_id}")
def registry_entry(request: Request, name: str, entity_id: str, user: User = SIGNED_IN) -> Response:
    """One entry: its data, the form to change it, the button to retire it."""
    registry = _registry(name)
    with request.app.state.sessions() as session:
        found = queries.entry(session, registry, entity_id)
        activity = (queries.member_activity(session, [found["data"].get("member_id", "")])
                    if found and registry == "ambassadors" else {})
    if found is None:
        raise HTTPException(404, detail="No such entry (it may still be on its way to the registry).")
    values = form_values(found["data"])
    return render(request, "registry/entry.html", {
        "registry": registry, "label": model.LABELS[registry], "entry": found, "fields": form_fields(registry),
        "values": values, "langs": _languages(values), "can_edit": user.role in ("duty_officer", "admin"),
        "activity": activity.get(found["data"].get("member_id", "")), "error": ""})


@router.post("/registry/{name}/{entity_id}")
async def registry_update(request: Request, name: str, entity_id: str, user: User = EDITOR) -> Response:
    """Queue an `update` command with the form's values."""
    registry = _registry(name)
    data, raw = await _form_data(request, registry, for_update=True)
    try:
        _send(request, user, registry, "update", entity_id, data)
    except model.RegistryError as exc:
        with request.app.state.sessions() as session:
            found = queries.entry(session, registry, entity_id)
        if found is None:
            raise HTTPException(404, detail="No such entry.") from exc
        return render(request, "registry/entry.html", {
            "registry": registry, "label": model.LABELS[registry], "entry": found, "fields": form_fields(registry),
            "values": raw, "langs": _languages(raw), "can_edit": True, "activity": None, "error": str(exc)},
            status_code=400)
    flash(request, "Change sent: the entry shows it as soon as the registry worker has applied it.", "success")
    return RedirectResponse(f"/registry/{registry}/{entity_id}", status_code=303)


@router.post("/registry/{name}/{entity_id}/retire")
def registry_retire(request: Request, name: str, entity_id: str, user: User = EDITOR) -> Response:
    """Queue a `retire` command (the entry stays in the store, marked retired)."""
    registry = _registry(name)
    try:
        _send(request, user, registry, "retire", entity_id, None)
    except model.RegistryError as exc:
        raise HTTPException(400, detail=str(exc)) from exc
    flash(request, "Retirement sent.", "success")
    return RedirectResponse(f"/registry/{registry}", status_code=303)
