"""The two re-drive tables become one (spine_0004 + web_0004): what operators see of past re-drives is kept."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

import db.base
from db.migrate import alembic_config
from tests.conftest import _pg_database, _pg_drop

T1 = datetime(2026, 11, 29, 9, 30, 15, 123456, tzinfo=UTC)
T2 = T1 + timedelta(minutes=5)
WEB = sa.table("web_redrives", sa.column("id", sa.Integer()), sa.column("rejected_partition", sa.Integer()),
               sa.column("rejected_offset", sa.Integer()), sa.column("source_topic", sa.String()),
               sa.column("edited", sa.Boolean()), sa.column("by_email", sa.String()),
               sa.column("at", db.base.UtcDateTime()))
SPINE = sa.table("redrives", sa.column("redrive_id", sa.String()), sa.column("rejected_partition", sa.Integer()),
                 sa.column("rejected_offset", sa.Integer()), sa.column("source_topic", sa.String()),
                 sa.column("consumer", sa.String()), sa.column("outcome", sa.String()), sa.column("reason", sa.Text()),
                 sa.column("sent_at", db.base.UtcDateTime()), sa.column("settled_at", db.base.UtcDateTime()))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (not migrated), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    name = f"rrm_test_{uuid.uuid4().hex[:12]}"
    url = _pg_database(name)
    try:
        yield url
    finally:
        _pg_drop(name)


def test_merging_the_redrive_tables_keeps_who_redrove_and_what_became_of_it(empty_url):
    """Operator and outcome end up on one row; a re-drive known only to the web is kept; a downgrade splits them."""
    cfg = alembic_config(empty_url)
    command.upgrade(cfg, "web_0003")
    command.upgrade(cfg, "spine_0003")
    engine = sa.create_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(SPINE.insert().values(redrive_id="r1", rejected_partition=0, rejected_offset=5,
                                               source_topic="registry.commands", consumer="rrm.registry/apply",
                                               outcome="applied", reason="", sent_at=T1, settled_at=T1))
            conn.execute(WEB.insert(), [
                {"rejected_partition": 0, "rejected_offset": 5, "source_topic": "registry.commands", "edited": True,
                 "by_email": "ops@example.org", "at": T1},
                {"rejected_partition": 1, "rejected_offset": 7, "source_topic": "stories.flagged", "edited": False,
                 "by_email": "admin@example.org", "at": T2}])
        command.upgrade(cfg, "web_0004")
        assert "web_redrives" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT redrive_id, rejected_offset, outcome, by_email, edited FROM redrives "
                                        "ORDER BY rejected_offset")).all()
        assert [tuple(r) for r in rows] == [("r1", 5, "applied", "ops@example.org", True),
                                            ("web-2", 7, "sent", "admin@example.org", False)]
        command.downgrade(cfg, "web_0003")
        with engine.connect() as conn:
            back = conn.execute(sa.select(WEB.c.rejected_offset, WEB.c.by_email, WEB.c.at)
                                .order_by(WEB.c.rejected_offset)).all()
            spine = conn.execute(sa.text("SELECT redrive_id FROM redrives")).scalars().all()
        assert [tuple(r) for r in back] == [(5, "ops@example.org", T1), (7, "admin@example.org", T2)]
        assert spine == ["r1"]
    finally:
        engine.dispose()
