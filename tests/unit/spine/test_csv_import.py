"""The one CSV reader of every import (db/csv_import.py): what a spreadsheet saves, and a report of the bad rows."""

from __future__ import annotations

import codecs

import pytest

from db.csv_import import CsvRefused, Row, RowRefused, read_csv


def person(row: Row) -> tuple[str, str]:
    """The test's row callback: a name and an email with an @."""
    if "@" not in row.get("email"):
        raise RowRefused(f"not an email address: {row.get('email')!r}", "email")
    return row.get("name"), row.get("email")


def test_semicolon_file_with_bom_from_excel_reads_like_a_comma_file():
    """Excel in a European locale saves `;` and a byte-order mark: the same people come out as from a `,` file."""
    comma = read_csv(b"name,email\nAmina,amina@example.org\n", person, required=("email",))
    excel = read_csv(codecs.BOM_UTF8 + b"Name;E-mail\r\nAmina;amina@example.org\r\n", person,
                     required=("email",), aliases={"e-mail": "email"})
    assert excel.values == comma.values == [("Amina", "amina@example.org")]
    assert excel.delimiter == ";" and comma.delimiter == ","


def test_utf16_tab_separated_unicode_text_is_read():
    """Excel's "Unicode text" (UTF-16 with a BOM, tab-separated) keeps non-Latin names intact."""
    data = "name\temail\nعائشة\taisha@example.org\n".encode("utf-16")
    assert read_csv(data, person).values == [("عائشة", "aisha@example.org")]


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do():
    """A Latin-1 file is refused as a whole with a sentence saying how to save it, not garbled."""
    with pytest.raises(CsvRefused, match="not UTF-8 text: save it as CSV UTF-8"):
        read_csv("name,email\nJosé,jose@example.org\n".encode("latin-1"), person)


def test_bad_rows_are_reported_with_their_line_and_the_good_rows_kept():
    """A bad email and a row with a stray cell are listed by line (a quoted two-line cell counts two); others kept."""
    data = ('name,email\n'
            '"Amina\nDiallo",amina@example.org\n'
            '\n'
            'Bo,not-an-address\n'
            'Cy,cy@example.org,extra\n'
            'Di,di@example.org\n')
    read = read_csv(data, person)
    assert [name for name, _ in read.values] == ["Amina\nDiallo", "Di"]
    assert [line for line, _ in read.rows] == [2, 7]
    assert [(b.line, b.field) for b in read.bad] == [(5, "email"), (6, "(row)")]
    assert "not an email address: 'not-an-address'" in read.bad[0].reason
    assert "1 cell(s) more than the header has columns" in read.bad[1].reason and read.bad[1].raw.startswith("Cy,")


def test_missing_or_unknown_columns_refuse_the_file_naming_them():
    """A header without a required column, or with one the import does not know, is refused naming the column."""
    with pytest.raises(CsvRefused, match="lacks the column.*email") as missing:
        read_csv("name,mail\nA,a@example.org\n", person, required=("name", "email"))
    assert missing.value.field == "email"
    with pytest.raises(CsvRefused, match="unknown column.*colour"):
        read_csv("name,email,colour\nA,a@example.org,red\n", person, known={"name", "email"})
    with pytest.raises(CsvRefused, match="empty"):
        read_csv(b"", person)


def test_size_caps_stop_reading_and_say_so():
    """Past `max_rows` a bad row says the rest was not read; over `max_bytes` the file is refused."""
    data = "name,email\n" + "".join(f"P{i},p{i}@example.org\n" for i in range(5))
    read = read_csv(data, person, max_rows=3)
    assert len(read.values) == 3 and read.bad[-1].line == 5 and "more than 3 rows" in read.bad[-1].reason
    with pytest.raises(CsvRefused, match="larger than"):
        read_csv(data.encode(), person, max_bytes=20)


def test_a_stage_exception_and_several_problems_per_row_are_reported():
    """A stage's own row error becomes a bad row; `RowRefused(problems=...)` gives one line per bad field."""

    class StageRowError(ValueError):
        pass

    def strict(row: Row) -> str:
        if row.get("name") == "stage":
            raise StageRowError("refused by the stage")
        if row.get("name") == "both":
            raise RowRefused(problems=[("name", "too short"), ("email", "missing")])
        return row.get("name")

    read = read_csv("name,email\nstage,\nboth,\nok,\n", strict, refused=(StageRowError,))
    assert read.values == ["ok"]
    assert [(b.line, b.field, b.reason) for b in read.bad] == [
        (2, "", "refused by the stage"), (3, "name", "too short"), (3, "email", "missing")]
