"""The store on SQLite and PostgreSQL: migrations, time zones, idempotency markers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import inspect, select

from bus.records import ArticleIngested
from db.engine import make_engine, transaction
from db.idempotency import first_time
from db.migrate import upgrade
from db.outbox import add_to_outbox
from db.tables import OutboxMessage


def test_migrations_create_the_spine_tables_and_run_twice(db_url):
    """Migrating creates the outbox and markers; migrating again changes nothing."""
    upgrade(db_url)
    engine = make_engine(db_url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"outbox", "processed_messages", "alembic_version"} <= names


def test_times_come_back_in_utc(sessions):
    """A time written in another zone is read back as the same instant, in UTC."""
    paris = timezone(timedelta(hours=1))
    when = datetime(2026, 3, 1, 13, 0, tzinfo=paris)
    with transaction(sessions) as session:
        row = add_to_outbox(session, "articles.ingested", ArticleIngested(article_id="x"))
        row.created_at = when
    with sessions() as session:
        stored = session.scalars(select(OutboxMessage)).one().created_at
    assert stored == when and stored.utcoffset() == timedelta(0)


def test_a_message_is_handled_once_per_consumer(sessions):
    """The processed marker lets each consumer apply a message once, independently of other consumers."""
    with transaction(sessions) as session:
        assert first_time(session, "detect", "m-1") is True
    with transaction(sessions) as session:
        assert first_time(session, "detect", "m-1") is False
        assert first_time(session, "mobilize", "m-1") is True


def test_every_stage_table_matches_its_migrations(db_url):
    """The tables the code declares are exactly what the migrations create (no forgotten migration)."""
    from alembic import command

    from db.migrate import alembic_config

    command.check(alembic_config(db_url))  # raises if autogenerate would find a difference
