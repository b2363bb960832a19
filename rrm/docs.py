"""Docs generated from the code, so that they stay true: docs/events.md and docs/settings.md."""

from __future__ import annotations

from pathlib import Path

from bus import catalog
from config.settings import PROJECT_ROOT, Settings, describe

DOCS = PROJECT_ROOT / "docs"


def render_events() -> str:
    """docs/events.md from the topic catalog."""
    return (
        "# Events on the bus\n\n"
        "Generated from `bus/catalog.py` by `rrm docs` (a test checks it is current). Every record also carries\n"
        "`message_id` (uuid5 of its natural key), `occurred_at` and `schema_version`. Topic names are shown with the\n"
        "default prefix `rrm.` (`RRM_KAFKA__TOPIC_PREFIX`).\n\n" + catalog.markdown("rrm.")
    )


def render_settings() -> str:
    """docs/settings.md from the settings classes."""
    lines = [
        "# Settings",
        "",
        "Generated from `config/settings.py` by `rrm docs` (a test checks it is current). Every setting is an",
        "environment variable; nested groups use a double underscore. The defaults run the embedded demo.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for variable, default, doc in describe(Settings):
        lines.append(f"| `{variable}` | `{default}` | {doc} |")
    return "\n".join(lines) + "\n"


def write_docs(folder: Path = DOCS) -> list[Path]:
    """Write the generated docs; return their paths."""
    written = []
    for name, text in (("events.md", render_events()), ("settings.md", render_settings())):
        path = folder / name
        path.write_text(text)
        written.append(path)
    return written
