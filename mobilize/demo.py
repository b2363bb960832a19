"""The demo's fictional network: sixteen invented personalities (names, titles, affiliations, languages, regions,
backgrounds), and a duty rota for the demo officers (officer@demo at level 1, admin@demo at level 2, this week and
next), so flagged stories alert them.

Every address is at demo.example.org: in the demo, email goes to the console's mail sink (/mobilize/mail), where
you read what members and officers receive and click their links.
"""

from __future__ import annotations

from pathlib import Path

from config.settings import Settings
from db.engine import make_engine, session_factory, transaction
from links import make_links

from .handlers import Deps
from .network import import_csv
from .oncall import ensure_rota

#: The demo's console accounts (web/demo.py creates them) on call: (email, name, level).
DEMO_OFFICERS = [("officer@demo", "Demo Duty Officer", 1), ("admin@demo", "Demo Admin", 2)]

DEMO_CSV = Path(__file__).resolve().parent / "data" / "demo_network.csv"


def seed(settings: Settings) -> list[str]:
    """Import the fictional network (again: the import updates by email); return lines for `rrm up`."""
    engine = make_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        deps = Deps(settings=settings, links=make_links(settings, sessions))
        now = deps.now()
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        with transaction(sessions) as session:
            report = import_csv(session, deps, DEMO_CSV.read_text(encoding="utf-8"))
            shifts = ensure_rota(session, DEMO_OFFICERS, today, 14, now)
    finally:
        engine.dispose()
    return [f"mobilize: demo network ready ({report.summary()}); members' email: "
            f"{settings.web.base_url}/mobilize/mail",
            f"mobilize: duty rota ready ({shifts} shift(s) added; officer@demo on call, then admin@demo): "
            f"{settings.web.base_url}/oncall; flagged stories wait for an officer at {settings.web.base_url}"
            "/oncall/alerts"]
