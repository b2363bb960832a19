"""Alembic environment: runs migrations against the URL given by db.migrate.alembic_config."""

from alembic import context

from db.base import Base
from db.engine import make_engine
from db.migrate import load_all_tables

load_all_tables()
config = context.config
target_metadata = Base.metadata


def include_name(name, type_, parent_names) -> bool:
    """Objects named `fts_*` belong to one engine's full-text search (an SQLite FTS5 table and its shadow tables, a
    PostgreSQL tsvector column and its index): their migration creates them by hand, autogenerate leaves them out."""
    return not (name or "").startswith("fts_")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
