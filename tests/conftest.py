"""Fixtures shared by every test: a real tansu broker, real SQLite and PostgreSQL stores, settings per test.

Fixtures start what they need and fail loudly when they cannot: a skipped integration test tests nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bus.admin import ensure_topics
from bus.broker import EmbeddedBroker
from config.settings import Settings
from db.engine import make_engine, session_factory
from db.migrate import upgrade

PG_ADMIN_URL = os.environ.get("RRM_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """One embedded tansu broker for the whole test session (each test uses its own topic prefix)."""
    with EmbeddedBroker() as b:
        yield b


def _pg_database(name: str) -> str:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # fail loudly: PostgreSQL is part of every dev and CI machine
        raise RuntimeError(f"PostgreSQL at {PG_ADMIN_URL} is needed by the store tests: {exc}") from exc
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _pg_drop(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rrm.sqlite3'}"
        upgrade(url)
        yield url
        return
    name = f"rrm_test_{uuid.uuid4().hex[:12]}"
    url = _pg_database(name)
    try:
        upgrade(url)
        yield url
    finally:
        _pg_drop(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A freshly migrated SQLite database (for tests that are about something other than the store)."""
    url = f"sqlite:///{tmp_path / 'rrm.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture
def sessions(db_url: str):
    """A session factory on `db_url`."""
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


def make_settings(tmp_path: Path, *, servers: str = "", db_url: str = "", **overrides: object) -> Settings:
    """Settings for one test: its own topic prefix and data directory."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    data = {
        "env": "test",
        "data_dir": tmp_path,
        "log_format": "console",
        "kafka": {"bootstrap_servers": servers, "topic_prefix": prefix, "default_partitions": 2},
        "db": {"url": db_url},
        "web": {"secret_key": "test-secret-key-" + prefix},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return Settings(**data)


@pytest.fixture
def bus_settings(broker: EmbeddedBroker, tmp_path: Path, sqlite_url: str) -> Settings:
    """Settings pointing at the session's broker with this test's topics created, and a migrated SQLite store."""
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url)
    ensure_topics(settings.kafka)
    return settings
