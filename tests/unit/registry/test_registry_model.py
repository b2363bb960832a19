"""registry/'s pure parts: strict validation of entries, search normalization, and the CSV import's report."""

from __future__ import annotations

import pytest

from registry import model
from registry.csvimport import import_csv


def test_a_project_keeps_the_plans_vocabulary_and_counts_criteria_met():
    """A project names its category, theme and role from the plan, and its checklist counts the criteria met."""
    project = model.validate_entry("projects", {
        "title": "Abraham's Path", "category": "collaborative_pilot", "theme": "education", "role": "facilitating",
        "criteria": {"feasible": True, "replicable": True}})
    assert project.criteria.met() == 2
    assert set(model.ROLES) == {"auspices", "catalyst", "facilitating", "managing"}
    assert len(model.SUBJECTS) == 7 and len(model.CRITERIA) == 5


@pytest.mark.parametrize(("registry", "data", "reason"), [
    ("projects", {"title": "X", "category": "pilot", "theme": "media", "role": "catalyst"}, "category"),
    ("projects", {"title": "X", "category": "aoc_project", "theme": "sports", "role": "catalyst"}, "theme"),
    ("friends", {"name": "Spain", "kind": "state", "colour": "red"}, "colour"),
    ("funds", {"fund": "voluntary_trust_fund", "kind": "grant", "party": "A", "amount": "10", "currency": "USD",
               "on": "2026-01-01"}, "not grant"),
    ("funds", {"fund": "youth_solidarity_fund", "kind": "grant", "party": "A", "amount": "-5", "currency": "USD",
               "on": "2026-01-01"}, "amount"),
    ("events", {"name": "Forum", "kind": "annual_forum", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
     "ends_on is before starts_on"),
    ("clearinghouse", {"theme": "media", "texts": {}}, "texts"),
    ("clearinghouse", {"theme": "media", "texts": {"english": {"title": "x"}}}, "texts"),
    ("nonsense", {}, "unknown registry"),
])
def test_malformed_entries_are_refused_with_the_field_named(registry, data, reason):
    """Wrong values, unknown fields and inconsistent dates are refused, and the reason names what is wrong."""
    with pytest.raises(model.RegistryError, match=reason):
        model.validate_entry(registry, data)


def test_search_normalization_folds_case_accents_and_arabic_marks():
    """Search text ignores case, accents and Arabic vowel marks, so a query typed without them still matches."""
    assert model.normalize("Éducation aux MÉDIAS!") == "education aux medias"
    assert model.normalize("مُرشِد") == model.normalize("مرشد")
    assert model.search_terms("  Media,   literacy ") == ["media", "literacy"]


CSV = """name,kind,country,focal_point_email,meetings
Spain,state,Spain,focal@example.org,GoF New York;Annual Forum
UNESCO,agency,,,
Qatar,state,Qatar,not-an-email,
Spain,state,Spain,,
,state,,,
"""


def test_csv_import_reports_every_bad_row_with_row_field_and_reason():
    """Good rows become commands; each bad row is listed with its line, field and reason; none is lost silently."""
    report = import_csv("friends", CSV, exists=lambda _id: False)
    assert report.rows == 5
    assert [c.data["name"] for c in report.commands] == ["Spain"]
    assert report.commands[0].data["meetings"] == ["GoF New York", "Annual Forum"]
    bad = {(b.line, b.field) for b in report.bad}
    assert bad == {(3, "kind"), (4, "focal_point_email"), (5, "entity_id"), (6, "name")}
    assert "same entry as row 2" in next(b.reason for b in report.bad if b.line == 5)
    assert report.summary() == "friends: 5 rows read, 1 accepted (1 new, 0 updates), 4 bad"


def test_csv_import_refuses_unknown_columns_and_updates_what_exists():
    """An unknown column stops the import with a clear reason; a row for an existing entry becomes an update."""
    report = import_csv("partners", "name,kind,colour\nA,foundation,red\n", exists=lambda _id: False)
    assert not report.commands and report.bad[0].line == 1 and "colour" in report.bad[0].field
    report = import_csv("partners", "name,kind\nA,foundation\n", exists=lambda _id: True)
    assert [c.action for c in report.commands] == ["update"]


def test_csv_import_reads_clearinghouse_texts_and_project_criteria():
    """Clearinghouse texts come from title_<lang> columns; a project's criteria from the codes met."""
    report = import_csv("clearinghouse", "theme,subjects,title_en,title_fr,summary_fr\n"
                        "media,media_literacy;dialogue,Clinics,Ateliers,Résumé\n", exists=lambda _id: False)
    assert not report.bad
    assert report.commands[0].data["texts"] == {"en": {"title": "Clinics", "summary": "", "body": ""},
                                                "fr": {"title": "Ateliers", "summary": "Résumé", "body": ""}}
    report = import_csv("projects", "title,category,theme,role,criteria\nP,aoc_project,youth,managing,feasible;nope\n",
                        exists=lambda _id: False)
    assert report.bad and report.bad[0].field == "criteria.nope"


def test_importing_the_same_file_twice_gives_the_same_commands():
    """Ids and request ids derive from the file, so publishing the same file twice is applied once."""
    first = import_csv("friends", CSV, exists=lambda _id: False)
    second = import_csv("friends", CSV, exists=lambda _id: False)
    assert [c.message_id for c in first.commands] == [c.message_id for c in second.commands]
