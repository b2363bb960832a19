"""The demo's fictional outlets and editors (one or more per configured language) and three segments.

Every address is at demo.example.org and every outlet is invented: in the demo, email goes to the console's mail
sink, where you read what editors receive and try the one-click unsubscribe link.
"""

from __future__ import annotations

from pathlib import Path

from config.settings import Settings
from db.engine import make_engine, session_factory, transaction

from . import model
from . import queries as q
from .audience import create_segment, import_editors

DEMO_CSV = Path(__file__).resolve().parent / "data" / "demo_editors.csv"
DEMO_SEGMENTS = (
    ("Every editor", model.Criteria()),
    ("Arabic, Persian and Urdu press", model.Criteria(languages=("ar", "fa", "ur"))),
    ("European press", model.Criteria(regions=("Europe",))),
)


def seed(settings: Settings) -> list[str]:
    """Import the fictional editors (again: the import updates by email) and the segments; lines for `rrm up`."""
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            result = import_editors(session, DEMO_CSV.read_bytes())
            existing = {s.name for s in q.segments(session)}
            for name, criteria in DEMO_SEGMENTS:
                if name not in existing:
                    create_segment(session, name, criteria)
            languages = len(q.editors_overview(session).by_language)
    finally:
        engine.dispose()
    return [f"distribute: {result.created + result.updated} fictional editors in {languages} languages, "
            f"{len(DEMO_SEGMENTS)} segments; distributions at {settings.web.base_url}/distribute, "
            f"public newsroom at {settings.web.base_url}/newsroom"]
