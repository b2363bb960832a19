"""One CSV reader for every import (network members, registry entries, editors), with a report of bad rows.

What people upload comes from Excel, LibreOffice, Google Sheets or a script, so the reader:
- decodes UTF-8 with or without a byte-order mark, and UTF-16 with one (Excel's "Unicode text"); anything else is
  refused with a sentence saying how to save the file (guessing a code page would garble names silently);
- finds the delimiter in the header line: `,`, `;` (Excel in many European locales) or a tab;
- maps the header: names trimmed and lower-cased, `aliases` ({"e-mail": "email"}) applied; required columns
  missing, or (with `known`) a column it does not know, refuse the whole file (`CsvRefused`);
- gives each row to the stage's `parse(row)` callback, which returns what to import or raises `RowRefused` (or one of
  the stage's own `refused` exception types): that row becomes a `BadRow` with its line number and reason, the
  others are kept;
- caps the size (`max_bytes`, `max_rows`): past the cap a bad row says the rest was not read.

Line numbers are lines of the file as an editor shows it (the header is line 1; a quoted cell spanning lines counts
each of them; the number is the row's first line). Nothing here touches a database: the stage applies the rows.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

#: The delimiters looked for in the header line, in order of preference on a tie.
DELIMITERS = (",", ";", "\t")
#: Characters of a row kept in a bad-row report (enough to recognise it).
RAW_CHARS = 200
#: The csv module refuses a cell over 128 KB by default; a long text (an op-ed body) may be more.
csv.field_size_limit(1_000_000)


class CsvRefused(ValueError):
    """The file as a whole cannot be read (encoding, header, size); the message says what to fix, `field` names
    the columns at fault when the header is."""

    def __init__(self, reason: str, field: str = "") -> None:
        self.field = field
        super().__init__(reason)


class RowRefused(ValueError):
    """Raised by a `parse` callback: this row is not imported. `problems` is [(field, reason), ...]."""

    def __init__(self, reason: str = "", field: str = "", problems: Iterable[tuple[str, str]] = ()) -> None:
        self.problems = list(problems) or [(field, reason)]
        super().__init__(reason or "; ".join(r for _, r in self.problems))


@dataclass(frozen=True)
class BadRow:
    """A row that was not imported: its line in the file (header = 1), the reason, the field if one, the row."""

    line: int
    reason: str
    field: str = ""
    raw: str = ""


class Row:
    """One row as the callback sees it: cells by (mapped) column name, stripped; missing cells are ""."""

    __slots__ = ("_cells", "_delimiter", "cells", "line")

    def __init__(self, line: int, cells: Mapping[str, str], raw_cells: list[str] | None = None,
                 delimiter: str = ",") -> None:
        self.line = line
        self.cells = cells
        self._cells = raw_cells if raw_cells is not None else list(cells.values())
        self._delimiter = delimiter

    @property
    def raw(self) -> str:
        """The row as in the file (cut to `RAW_CHARS`), for the bad-rows report."""
        return _raw(self._cells, self._delimiter)

    def get(self, column: str, default: str = "") -> str:
        """The cell of `column` ("" or `default` when the column or the cell is empty)."""
        return self.cells.get(column) or default


@dataclass
class CsvRead(Generic[T]):
    """What the reader made of a file: the parsed rows (with their lines) and every bad row."""

    header: list[str] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8"
    rows: list[tuple[int, T]] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    read: int = 0

    @property
    def values(self) -> list[T]:
        """The parsed rows without their lines."""
        return [value for _, value in self.rows]

    def refuse(self, line: int, reason: str, field: str = "", raw: str = "") -> None:
        """Report one more bad row (a check the stage makes after parsing, e.g. against the store)."""
        self.bad.append(BadRow(line, reason, field, raw))


def decode(data: bytes | str) -> tuple[str, str]:
    """(text, encoding name) of an upload; UTF-8 (BOM or not) or UTF-16 with a BOM, else `CsvRefused`."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), "text"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    raise CsvRefused("the file is not UTF-8 text: save it as CSV UTF-8 and try again")


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of `DELIMITERS` outside quotes (`,` if none)."""
    first = next(iter(text.splitlines()), "")
    outside, quoted = [], False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","


def _raw(cells: list[str], delimiter: str) -> str:
    text = delimiter.join(cells)
    return text if len(text) <= RAW_CHARS else text[: RAW_CHARS - 1] + "…"


def read_csv(data: bytes | str, parse: Callable[[Row], T], *, required: Iterable[str] = (),
             known: Iterable[str] | Callable[[str], bool] | None = None, aliases: Mapping[str, str] | None = None,
             refused: tuple[type[BaseException], ...] = (), max_rows: int = 100_000,
             max_bytes: int | None = None, columns_hint: Iterable[str] = ()) -> CsvRead[T]:
    """Read `data` into `parse(row)` results and bad rows; `CsvRefused` when the file as a whole is unreadable.

    `required`: columns that must be in the header. `known`: the columns allowed (a set, or a predicate); any other
    refuses the file (None: extra columns are ignored). `refused`: the stage's own exceptions that mean "this row is
    bad" besides `RowRefused`. `columns_hint`: the columns named in the refusal messages (default: `required`).
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if max_bytes is not None and size > max_bytes:
        raise CsvRefused(f"the file is larger than {max_bytes / 1_000_000:g} MB: split it and import the parts")
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    result: CsvRead[T] = CsvRead(delimiter=delimiter, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise CsvRefused(f"the header line cannot be read as CSV: {exc}") from exc
    aliases = {k.strip().lower(): v for k, v in (aliases or {}).items()}
    header = [aliases.get(h.strip().lower(), h.strip().lower()) for h in (first or [])]
    while header and header[-1] == "":  # trailing delimiters some spreadsheets add
        header.pop()
    result.header = header
    hint = ", ".join(columns_hint or required)
    if not any(header):
        raise CsvRefused("the file is empty: the first line must name the columns"
                         + (f" ({hint})" if hint else ""), "(header)")
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvRefused(f"the header row lacks the column(s) {', '.join(missing)}"
                         + (f" (expected: {hint})" if hint else ""), ", ".join(missing))
    if known is not None:
        allowed = known if callable(known) else set(known).__contains__
        unknown = [h for h in header if h and not allowed(h)]
        if unknown:
            raise CsvRefused(f"unknown column(s) {', '.join(unknown)}"
                             + (f"; expected some of: {hint}" if hint else ""), ", ".join(unknown))
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise CsvRefused(f"the header names the column(s) {', '.join(duplicated)} more than once",
                         ", ".join(duplicated))
    catch = (RowRefused, *refused)
    names = [name or f"\x00{i}" for i, name in enumerate(header)]  # an unnamed column is kept out of `cells`
    unnamed = [n for n in names if n.startswith("\x00")]
    width = len(header)
    padding = [""] * width
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.refuse(line, f"this line cannot be read as CSV ({exc}): the rest of the file was not read")
            break
        if not "".join(cells).strip():
            continue  # blank line (or only delimiters)
        if result.read >= max_rows:
            result.refuse(line, f"more than {max_rows} rows: the rest was not read; split the file")
            break
        result.read += 1
        if len(cells) > width and "".join(cells[width:]).strip():
            result.refuse(line, f"{len(cells) - width} cell(s) more than the header has columns "
                          "(a delimiter inside a value? quote it)", "(row)", _raw(cells, delimiter))
            continue
        values = [c.strip() for c in cells] + padding[len(cells):]
        mapped = dict(zip(names, values, strict=False))
        for name in unnamed:
            del mapped[name]
        row = Row(line, mapped, cells, delimiter)
        try:
            value = parse(row)
        except catch as exc:
            problems = exc.problems if isinstance(exc, RowRefused) else [("", str(exc))]
            raw = row.raw
            for field_name, reason in problems:
                result.refuse(line, reason, field_name, raw)
            continue
        result.rows.append((line, value))
    return result
