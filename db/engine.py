"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUrlError(ValueError):
    """The configured database URL cannot be used."""


def make_engine(url: str, *, echo: bool = False, pool_size: int = 5) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout so that several processes share it."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"malformed database URL {url!r}: expected e.g. sqlite:///var/rrm.sqlite3 or "
                               "postgresql+psycopg://user@host/db") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, echo=echo, pool_size=pool_size, pool_pre_ping=True)
    raise DatabaseUrlError(f"unsupported database {backend!r} in {url!r}: use sqlite or postgresql")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep objects readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error."""
    with factory() as session, session.begin():
        yield session
