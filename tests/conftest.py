"""Fixtures shared by every test: a real tansu broker, real SQLite and PostgreSQL stores, settings per test.

Fixtures start what they need and fail loudly when they cannot: a skipped integration test tests nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
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

#: A run that has printed its result also ends: a hung exit prints every thread's stack (tests/support/exit_watch.py).
pytest_plugins = ["tests.support.exit_watch"]

PG_ADMIN_URL = os.environ.get("RRM_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


#: Every process this test session starts inherits this variable (tests that drop RRM_* variables keep it), so the
#: leftover check below finds our engines and never another session's on the same machine.
SESSION_MARK = "PYTEST_RRM_SESSION"
os.environ.setdefault(SESSION_MARK, uuid.uuid4().hex)
ENGINE_ARGV = re.compile(r"(^|/)tansu[^/\x00]*\x00broker\x00|\x00-m\x00rrm\x00(up|worker|web)(\x00|$)"
                         r"|(^|/)rrm\x00(up|worker|web)(\x00|$)|uvicorn|\x00-m\x00tests\.support\.")


def engine_processes() -> dict[int, str]:
    """Running engine processes of this test session (tansu broker, `rrm up|worker|web`, uvicorn): pid -> argv."""
    mark = f"{SESSION_MARK}={os.environ[SESSION_MARK]}".encode()
    found: dict[int, str] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                argv = f.read().rstrip(b"\x00").decode("utf-8", "replace")
            if not argv or not ENGINE_ARGV.search(argv):
                continue  # zombies have an empty command line
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                if mark not in f.read().split(b"\x00"):
                    continue
        except OSError:  # gone meanwhile, or not ours to read
            continue
        found[int(entry.name)] = argv.replace("\x00", " ")
    return found


@pytest.fixture(autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """Fail the test that leaves an engine process running (and kill it), so a leak is a failure, not a mystery."""
    before = set(engine_processes())
    yield
    deadline = time.monotonic() + 5  # a process killed at the very end of the test may take a moment to go
    left = {pid: argv for pid, argv in engine_processes().items() if pid not in before}
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = {pid: argv for pid, argv in engine_processes().items() if pid not in before}
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if left:
        pytest.fail("the test left processes running (now killed): "
                    + "; ".join(f"{pid}: {argv[:160]}" for pid, argv in sorted(left.items())), pytrace=False)


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
