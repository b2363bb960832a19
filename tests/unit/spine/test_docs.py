"""The generated docs are current: docs/events.md and docs/settings.md match the code (`rrm docs` rewrites them)."""

from __future__ import annotations

from rrm.docs import DOCS, render_events, render_settings


def test_events_doc_matches_the_catalog():
    """docs/events.md lists every topic exactly as the catalog declares it."""
    assert (DOCS / "events.md").read_text() == render_events(), "run `rrm docs`"


def test_settings_doc_matches_the_settings():
    """docs/settings.md lists every setting with its variable and default."""
    assert (DOCS / "settings.md").read_text() == render_settings(), "run `rrm docs`"
