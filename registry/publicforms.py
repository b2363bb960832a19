"""The public forms kit: forms anyone fills in without an account (a Youth Solidarity Fund application, a forum
registration, a Clearinghouse submission, a newsletter sign-up).

    FORM = PublicForm("ysf.application", (
        Field("name", "Your name", required=True, max_chars=120),
        Field("email", "Email", kind="email", required=True),
        Field("budget", "Budget", kind="file", accept=("application/pdf",), max_bytes=1_000_000),
    ))
    given = await read_form(request, FORM)                          # in the route (any Starlette request)
    with transaction(sessions) as session:                          # commit even when it is refused:
        checked = check(session, FORM, given)                       #   files already received are kept
        if checked.ok:
            row = save_submission(session, FORM, checked, subject_id=call_id, deadline=deadline)
            token = edit_token(links, FORM, row.id, deadline)      # the link to come back and edit
    ...
    row = open_for_edit(session, links, FORM, token)                # GET/POST of the edit page; FormClosed after
                                                                    # the deadline (a LinkExpired: a 410 page)

What it promises: every bad field gets its own sentence (`checked.errors[name]`) and every field keeps what was
typed (`checked.raw`); a file is checked (size, and type by its first bytes, not by its name) and stored in the
database as soon as it arrives, so a submission refused for another field does not lose it (the page carries the
file's random claim ticket, `checked.kept[name]`, and the next post reuses it); a link lets the person edit until
the deadline, never after, whatever the link's own age. The template side is the macro
`web/templates/publicforms/macros.html` (`pf.fields(form, checked)` inside a multipart form with `csrf_field()`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from links import LinkExpired, SignedLinks

from .tables_programmes import FormAttachmentRow, FormSubmissionRow

KINDS = ("text", "email", "long", "date", "number", "select", "checkbox", "file", "url")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
#: File types the kit recognises, by their first bytes (what the name or the browser claims is not trusted).
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",),
}
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
              "application/vnd.oasis.opendocument.text": "OpenDocument (.odt)"}
EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              ".odt": "application/vnd.oasis.opendocument.text"}
PENDING_KEPT_FOR = timedelta(days=2)
KEPT_SUFFIX = "__kept"


class FormClosed(LinkExpired):
    """The form's deadline has passed: the link no longer opens it."""

    status_code = 410


@dataclass(frozen=True)
class Field:
    """One question of a public form.

    kind: text, email, url, long (multi-line), date (YYYY-MM-DD), number (`minimum`/`maximum`), select (`options`:
    (value, label) pairs), checkbox (a yes that `required` makes compulsory) or file (`accept`: MIME types among
    `SIGNATURES`, `max_bytes`).
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    hint: str = ""
    max_chars: int = 500
    options: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    accept: tuple[str, ...] = ("application/pdf",)
    max_bytes: int = 1_000_000

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")
        if self.kind == "file" and set(self.accept) - SIGNATURES.keys():
            raise ValueError(f"the kit cannot recognise {sorted(set(self.accept) - SIGNATURES.keys())}")

    @property
    def accept_attr(self) -> str:
        """The `accept` attribute of the file input (extensions and types)."""
        exts = [ext for ext, kind in EXTENSIONS.items() if kind in self.accept]
        return ",".join([*exts, *self.accept])

    @property
    def accept_text(self) -> str:
        """The accepted types and size, in words."""
        return f"{', '.join(TYPE_NAMES[a] for a in self.accept)}, up to {_size(self.max_bytes)}"


@dataclass(frozen=True)
class PublicForm:
    """A named public form: its fields in order."""

    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        """The field called `name`."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the person's computer gave it, the type it claimed, its bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class FormInput:
    """What a post carried: text values (a list for repeated names), files, and claim tickets of kept files."""

    values: dict[str, str] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)


@dataclass
class Checked:
    """The outcome of `check`: cleaned answers, the raw text to show again, one error per bad field."""

    answers: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No field was refused."""
        return not self.errors


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, n // 1000)} KB"


def utcnow() -> datetime:
    """Now, tz-aware UTC."""
    return datetime.now(UTC)


async def read_form(request: Any, form: PublicForm) -> FormInput:
    """Read a posted (multipart or urlencoded) Starlette request into a `FormInput` for `form`."""
    posted = await request.form()
    given = FormInput()
    for f in form.fields:
        if f.kind == "file":
            item = posted.get(f.name)
            if item is not None and hasattr(item, "read") and getattr(item, "filename", ""):
                data = await item.read()
                given.uploads[f.name] = Upload(str(item.filename)[:255], str(item.content_type or ""), data)
            ticket = posted.get(f.name + KEPT_SUFFIX)
            if isinstance(ticket, str) and ticket:
                given.kept[f.name] = ticket
        else:
            value = posted.get(f.name)
            given.values[f.name] = value if isinstance(value, str) else ""
    return given


def sniff(data: bytes) -> str:
    """The type `data` is, by its first bytes ('' if none the kit knows)."""
    for kind, signatures in SIGNATURES.items():
        if any(data.startswith(s) for s in signatures):
            return kind
    return ""


def _check_value(f: Field, value: str) -> tuple[Any, str]:
    """(cleaned value, error sentence or '') for a non-file field."""
    value = value.strip() if f.kind != "long" else value.strip("\r\n ")
    if f.kind == "checkbox":
        yes = value in ("on", "yes", "true", "1")
        return yes, (f"Tick “{f.label}” to continue." if f.required and not yes else "")
    if not value:
        return "", (f"{f.label} is required." if f.required else "")
    if len(value) > f.max_chars:
        return value, f"{f.label} is too long: {len(value):,} characters, at most {f.max_chars:,}."
    if f.kind == "email" and not EMAIL.match(value):
        return value, "Enter an email address like name@example.org."
    if f.kind == "url" and not URL.match(value):
        return value, "Enter a web address starting with http:// or https://."
    if f.kind == "date":
        try:
            return date.fromisoformat(value).isoformat(), ""
        except ValueError:
            return value, f"{f.label}: enter a date as YYYY-MM-DD, e.g. 2027-03-15."
    if f.kind == "number":
        try:
            number = Decimal(value.replace(",", "").replace(" ", ""))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            return value, f"{f.label}: enter a number, e.g. 4500."
        if f.minimum is not None and number < Decimal(str(f.minimum)):
            return value, f"{f.label} must be at least {f.minimum:,g}."
        if f.maximum is not None and number > Decimal(str(f.maximum)):
            return value, f"{f.label} must be at most {f.maximum:,g}."
        return str(number), ""
    if f.kind == "select" and value not in {v for v, _ in f.options}:
        return value, f"{f.label}: choose one of the options."
    return value, ""


def store_attachment(session: Session, form: PublicForm, f: Field, upload: Upload,
                     now: datetime | None = None) -> tuple[FormAttachmentRow | None, str]:
    """Check one file and keep it as pending (its random id is the claim ticket); (row, '') or (None, error)."""
    if not upload.data:
        return None, f"{f.label}: the file “{upload.filename}” is empty."
    if len(upload.data) > f.max_bytes:
        return None, (f"{f.label}: “{upload.filename}” is {_size(len(upload.data))}; the limit is "
                      f"{_size(f.max_bytes)}.")
    kind = sniff(upload.data)
    if kind not in f.accept:
        return None, f"{f.label}: “{upload.filename}” is not a {' or '.join(TYPE_NAMES[a] for a in f.accept)} file."
    row = FormAttachmentRow(id=secrets.token_urlsafe(24), form=form.name, field=f.name, submission_id="",
                            filename=upload.filename.replace("/", "_").replace("\\", "_")[:255] or "file",
                            content_type=kind, size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(),
                            data=upload.data, created_at=now or utcnow())
    session.add(row)
    session.flush()
    return row, ""


def _file_info(row: FormAttachmentRow) -> dict:
    return {"id": row.id, "filename": row.filename, "size": row.size, "type": row.content_type}


def check(session: Session, form: PublicForm, given: FormInput, *, submission: FormSubmissionRow | None = None,
          now: datetime | None = None) -> Checked:
    """Check every field of `given`; keep good files at once (so commit the session even when `ok` is False).

    With `submission` (an edit), a file field left empty keeps the file already sent.
    """
    now = now or utcnow()
    out = Checked()
    for f in form.fields:
        if f.kind != "file":
            raw = given.values.get(f.name, "")
            out.raw[f.name] = raw
            value, error = _check_value(f, raw)
            out.answers[f.name] = value
            if error:
                out.errors[f.name] = error
            continue
        row: FormAttachmentRow | None = None
        upload = given.uploads.get(f.name)
        if upload is not None:
            row, error = store_attachment(session, form, f, upload, now)
            if error:
                out.errors[f.name] = error
        if row is None and given.kept.get(f.name):
            candidate = session.get(FormAttachmentRow, given.kept[f.name])
            if (candidate is not None and candidate.form == form.name and candidate.field == f.name
                    and candidate.submission_id in ("", submission.id if submission else "")):
                row = candidate
        if row is None and submission is not None:
            row = session.scalar(select(FormAttachmentRow).where(FormAttachmentRow.submission_id == submission.id,
                                                                 FormAttachmentRow.field == f.name))
        if row is not None:
            out.kept[f.name] = row.id
            out.files[f.name] = _file_info(row)
            out.answers[f.name] = _file_info(row)
            if f.name in out.errors and upload is not None:
                out.errors[f.name] += f" The file you sent before, “{row.filename}”, is kept."
        else:
            out.answers[f.name] = None
            if f.required and f.name not in out.errors:
                out.errors[f.name] = f"{f.label}: attach a file ({f.accept_text})."
    return out


def save_submission(session: Session, form: PublicForm, checked: Checked, *, subject_id: str = "",
                    deadline: datetime | None = None, submission: FormSubmissionRow | None = None,
                    email_field: str = "email", now: datetime | None = None) -> FormSubmissionRow:
    """Store a checked submission (new, or `submission` edited) and bind its files; return the row."""
    if not checked.ok:
        raise ValueError("a submission with errors is not saved")
    now = now or utcnow()
    if submission is None:
        submission = FormSubmissionRow(id=uuid.uuid4().hex, form=form.name, subject_id=subject_id, answers={},
                                       deadline=deadline, edits=0, created_at=now, updated_at=now)
        session.add(submission)
    else:
        submission.edits += 1
        submission.updated_at = now
    submission.answers = dict(checked.answers)
    submission.email = str(checked.answers.get(email_field) or "")
    keep = set(checked.kept.values())
    session.execute(delete(FormAttachmentRow).where(FormAttachmentRow.submission_id == submission.id,
                                                    FormAttachmentRow.id.not_in(keep or {""})))
    for attachment_id in keep:
        session.get(FormAttachmentRow, attachment_id).submission_id = submission.id
    session.flush()
    return submission


def edit_token(links: SignedLinks, form: PublicForm, submission_id: str, deadline: datetime,
               now: datetime | None = None) -> str:
    """A signed link token to come back and edit `submission_id` until `deadline`."""
    seconds = int((deadline - (now or utcnow())).total_seconds())
    return links.make_link(form.name, submission_id, max_age=max(seconds, 60))


def open_for_edit(session: Session, links: SignedLinks, form: PublicForm, token: str,
                  now: datetime | None = None) -> FormSubmissionRow:
    """The submission a link opens; `FormClosed` once its deadline has passed (LinkError for a bad link)."""
    submission_id = links.peek_link(token, form.name, session=session)
    row = session.get(FormSubmissionRow, submission_id)
    if row is None or row.form != form.name:
        raise FormClosed("This submission no longer exists. Ask the secretariat if you think this is a mistake.")
    if row.deadline is not None and (now or utcnow()) > row.deadline:
        raise FormClosed(f"The deadline ({row.deadline:%d %B %Y, %H:%M} UTC) has passed: this submission can no "
                         "longer be changed. Write to the secretariat if something must be corrected.")
    return row


def checked_from(session: Session, form: PublicForm, row: FormSubmissionRow) -> Checked:
    """A stored submission as a `Checked` (to fill the edit form)."""
    out = Checked(answers=dict(row.answers))
    for f in form.fields:
        value = row.answers.get(f.name)
        if f.kind == "file":
            att = session.scalar(select(FormAttachmentRow).where(FormAttachmentRow.submission_id == row.id,
                                                                 FormAttachmentRow.field == f.name))
            if att is not None:
                out.kept[f.name], out.files[f.name] = att.id, _file_info(att)
        elif f.kind == "checkbox":
            out.raw[f.name] = "on" if value else ""
        else:
            out.raw[f.name] = "" if value is None else str(value)
    return out


def submission(session: Session, submission_id: str) -> FormSubmissionRow | None:
    """One stored submission (for the console)."""
    return session.get(FormSubmissionRow, submission_id)


def attachments_of(session: Session, submission_id: str) -> list[FormAttachmentRow]:
    """The files bound to a submission."""
    return list(session.scalars(select(FormAttachmentRow).where(FormAttachmentRow.submission_id == submission_id)
                                .order_by(FormAttachmentRow.field)))


def attachment(session: Session, attachment_id: str) -> FormAttachmentRow | None:
    """One stored file (for a console download; never serve pending files publicly)."""
    return session.get(FormAttachmentRow, attachment_id)


def purge_pending(session: Session, now: datetime | None = None, kept_for: timedelta = PENDING_KEPT_FOR) -> int:
    """Delete files never bound to a submission after `kept_for` (the timer's job); the number deleted."""
    cutoff = (now or utcnow()) - kept_for
    result = session.execute(delete(FormAttachmentRow).where(FormAttachmentRow.submission_id == "",
                                                             FormAttachmentRow.created_at < cutoff))
    return int(result.rowcount or 0)
