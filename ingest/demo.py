"""The demo's feeds: fictional outlets in six languages, served by the ingest worker on a local port.

`seed` registers them (config/feeds.demo.toml, with `{demo}` = the demo feed server's address); the worker serves
them (ingest/demo_server.py) and polls them every 15 s, so the unfolding story reaches the console within a minute.
"""

from __future__ import annotations

from datetime import UTC, datetime

from config.settings import PROJECT_ROOT, Settings
from db.engine import make_engine, session_factory, transaction

from .handlers import read_feed_file, register_feeds

DEMO_FEEDS_FILE = PROJECT_ROOT / "config" / "feeds.demo.toml"


def demo_base_url(port: int) -> str:
    """The demo feed server's address on this machine."""
    return f"http://127.0.0.1:{port}"


def register_demo_feeds(settings: Settings, port: int | None = None) -> str:
    """Register the demo outlets' feeds at the demo server's address; returns a one-line summary."""
    base = demo_base_url(port or settings.ingest.demo_port)
    specs, errors = read_feed_file(DEMO_FEEDS_FILE, {"demo": base})
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            report = register_feeds(session, specs, datetime.now(UTC), origin="demo")
    finally:
        engine.dispose()
    suffix = f"; {len(errors)} refused: {errors[0]}" if errors else ""
    return f"{report.summary()}{suffix}"


def seed(settings: Settings) -> list[str]:
    """Register the demo feeds; return the line `rrm up` shows."""
    summary = register_demo_feeds(settings)
    return [f"ingest: demo feeds registered ({summary}); served at {demo_base_url(settings.ingest.demo_port)}/"]
