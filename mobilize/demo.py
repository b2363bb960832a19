"""The demo's fictional network: sixteen invented personalities (names, languages, regions, backgrounds).

Every address is at demo.example.org: in the demo, email goes to the console's mail sink (/mobilize/mail), where
you read what members receive and click their links.
"""

from __future__ import annotations

from pathlib import Path

from config.settings import Settings
from db.engine import make_engine, session_factory, transaction
from links import make_links

from .handlers import Deps
from .network import import_csv

DEMO_CSV = Path(__file__).resolve().parent / "data" / "demo_network.csv"


def seed(settings: Settings) -> list[str]:
    """Import the fictional network (again: the import updates by email); return lines for `rrm up`."""
    engine = make_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        deps = Deps(settings=settings, links=make_links(settings, sessions))
        with transaction(sessions) as session:
            report = import_csv(session, deps, DEMO_CSV.read_text(encoding="utf-8"))
    finally:
        engine.dispose()
    return [f"mobilize: demo network ready ({report.summary()}); members' email: "
            f"{settings.web.base_url}/mobilize/mail"]
