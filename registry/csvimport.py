"""CSV import of a registry: each good row becomes a RegistryCommand; each bad row is reported (row, field, reason).

Columns are the entry's field names (`rrm registry-import --help` and docs/registry.md list them per registry),
plus an optional `entity_id`. List columns separate values with `;`. Projects take `criteria` as the codes of the
criteria met (`feasible;replicable`). Clearinghouse rows give their texts as `title_<lang>`, `summary_<lang>` and
`body_<lang>` columns (`title_en`, `title_fr`, ...). An empty cell leaves the field at its default (or, for an
entry that exists, as it was).

Without `entity_id` a row's id is derived from its natural key (name, title, or party + kind + date), so importing
the same file twice updates the same entries; the request id is derived from the file's content and the row, so the
same file published twice is applied once.
"""

from __future__ import annotations

import hashlib
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from bus.records import RegistryCommand, deterministic_id
from db.csv_import import BadRow, CsvRefused, Row, RowRefused, read_csv

from . import model

TEXT_COLUMN = re.compile(r"^(title|summary|body)_([a-z]{2})$")
MAX_ROWS = 20_000


@dataclass
class ImportReport:
    """What an import made of a file: commands to publish, and every bad row."""

    registry: str
    rows: int = 0
    commands: list[RegistryCommand] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        bad_rows = len({b.line for b in self.bad})
        creates = sum(1 for c in self.commands if c.action == "create")
        return (f"{self.registry}: {self.rows} rows read, {len(self.commands)} accepted ({creates} new, "
                f"{len(self.commands) - creates} updates), {bad_rows} bad")

    def lines(self) -> list[str]:
        """The summary, then one line per bad field."""
        return [self.summary()] + [f"  row {b.line}: {b.field}: {b.reason}" for b in self.bad]


def _is_list(annotation: typing.Any) -> bool:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    return origin is list or any(typing.get_origin(a) is list for a in args)


def columns(registry: str) -> list[str]:
    """The columns a registry's CSV may have (Clearinghouse texts: `title_<lang>` etc.)."""
    fields = [name for name in model.MODELS[registry].model_fields if name != "texts"]
    extra = ["title_en", "summary_en", "body_en", "title_<lang>..."] if registry == "clearinghouse" else []
    return ["entity_id", *fields, *extra]


def natural_key(registry: str, data: dict) -> str:
    """What identifies an entry when the file gives no id."""
    if registry == "funds":
        return "|".join(str(data.get(k, "")).strip().casefold() for k in ("fund", "kind", "party", "on"))
    if registry == "clearinghouse":
        texts = data.get("texts") or {}
        first = texts.get("en") or next(iter(texts.values()), {})
        return model.normalize(first.get("title", ""))
    if registry == "events":
        return model.normalize(f"{data.get('name', '')} {data.get('starts_on', '')}")
    return model.normalize(str(data.get("name") or data.get("title") or ""))


def row_data(registry: str, row: Mapping[str, str]) -> dict:
    """A CSV row as the data of a command (cells as text; pydantic validates and converts)."""
    fields = model.MODELS[registry].model_fields
    data: dict[str, typing.Any] = {}
    texts: dict[str, dict[str, str]] = {}
    for column, raw in row.items():
        value = (raw or "").strip()
        if column == "entity_id" or not value:
            continue
        match = TEXT_COLUMN.match(column)
        if registry == "clearinghouse" and match:
            texts.setdefault(match.group(2), {})[match.group(1)] = value
            continue
        info = fields[column]
        if column == "criteria":
            data[column] = {code: True for code in _split(value)}
        elif _is_list(info.annotation):
            data[column] = _split(value)
        else:
            data[column] = value
    if texts:
        data["texts"] = texts
    return data


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def import_csv(registry: str, text: bytes | str, exists: Callable[[str], bool], *,
               actor: str = "csv-import") -> ImportReport:
    """Read a CSV file of one registry (`db.csv_import`) into commands and a report of bad rows (nothing is
    published here)."""
    report = ImportReport(registry=registry)
    if registry not in model.MODELS:
        report.bad.append(BadRow(0, f"unknown registry {registry!r}: one of {', '.join(model.MODELS)}", "registry"))
        return report
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    digest = hashlib.sha256(raw.removeprefix(b"\xef\xbb\xbf")).hexdigest()[:16]
    known = set(model.MODELS[registry].model_fields) | {"entity_id"}
    seen: dict[str, int] = {}

    def allowed(column: str) -> bool:
        return column in known or bool(registry == "clearinghouse" and TEXT_COLUMN.match(column))

    def command(row: Row) -> RegistryCommand:
        data = row_data(registry, row.cells)
        try:
            entry = model.MODELS[registry].model_validate(data)
        except ValidationError as exc:  # one bad-row line per field
            raise RowRefused(problems=model.describe_errors(exc)) from exc
        entity_id = row.get("entity_id") or deterministic_id(registry, natural_key(registry, data))
        if not model.ENTITY_ID.match(entity_id):
            raise RowRefused("1-64 letters, digits or . _ : - expected", "entity_id")
        if entity_id in seen:
            raise RowRefused(f"same entry as row {seen[entity_id]}", "entity_id")
        seen[entity_id] = row.line
        return RegistryCommand(registry=registry, action="update" if exists(entity_id) else "create",
                               entity_id=entity_id, request_id=f"csv:{digest}:{row.line}",
                               data=_plain(entry, data), actor=actor)

    try:
        read = read_csv(text, command, known=allowed, max_rows=MAX_ROWS, columns_hint=columns(registry))
    except CsvRefused as exc:
        report.bad.append(BadRow(1, str(exc), exc.field or "(file)"))
        return report
    report.rows = read.read
    report.commands = read.values
    report.bad = read.bad
    return report


def _plain(entry: BaseModel, data: dict) -> dict:
    """The validated values of the fields the row gave (so an update leaves the others as they were)."""
    dumped = entry.model_dump(mode="json")
    return {k: dumped[k] for k in data}
