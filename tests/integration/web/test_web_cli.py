"""`rrm user` on the command line and the demo accounts `rrm up` prints."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.settings import PROJECT_ROOT
from db.engine import make_engine, session_factory
from tests.conftest import make_settings
from web.auth import LoginRefused, authenticate
from web.demo import seed

LIMITS: dict = {}  # the default LoginPolicy


def rrm(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run the real `rrm` command against `db_url`."""
    env = {**os.environ, "RRM_DB__URL": db_url, "RRM_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "rrm", *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_user_add_creates_an_account_that_can_log_in(sqlite_url: str) -> None:
    """`rrm user add` with a prompted password creates an account; `rrm user list` shows it."""
    done = rrm(sqlite_url, "user", "add", "Duty@Example.org", "--role", "duty_officer", "--name", "Duty",
               stdin="a-long-password\na-long-password\n")
    assert done.returncode == 0, done.stderr
    assert "account duty@example.org (duty_officer) created" in done.stdout
    assert "duty@example.org" in rrm(sqlite_url, "user", "list").stdout
    sessions = session_factory(make_engine(sqlite_url))
    assert authenticate(sessions, "duty@example.org", "a-long-password", "127.0.0.1", **LIMITS).role == "duty_officer"


def test_user_add_refuses_bad_input_in_one_line(sqlite_url: str) -> None:
    """A duplicate email or a short password is refused with one clear line and no traceback."""
    rrm(sqlite_url, "user", "add", "ops@example.org", "--role", "operator", "--password", "long-enough-1")
    again = rrm(sqlite_url, "user", "add", "ops@example.org", "--role", "operator", "--password", "long-enough-1")
    assert again.returncode != 0 and "already exists" in again.stderr + again.stdout
    short = rrm(sqlite_url, "user", "add", "new@example.org", "--role", "admin", "--password", "short")
    assert short.returncode != 0 and "at least 10 characters" in short.stderr + short.stdout
    assert "Traceback" not in again.stderr + short.stderr


def test_demo_accounts_log_in_with_the_printed_passwords(tmp_path, sqlite_url: str) -> None:
    """Each line the demo prints holds an email and password that log in with that role; a second run resets them."""
    settings = make_settings(tmp_path, db_url=sqlite_url)
    first = seed(settings)
    lines = seed(settings)
    assert len(lines) == 4
    sessions = session_factory(make_engine(sqlite_url))
    roles = set()
    for line in lines:
        email, password = line.split(": ", 1)[1].split(" / ")
        roles.add(authenticate(sessions, email, password, "127.0.0.1", **LIMITS).role)
    assert roles == {"duty_officer", "operator", "admin", "donor"}
    old_email, old_password = first[0].split(": ", 1)[1].split(" / ")
    with pytest.raises(LoginRefused):
        authenticate(sessions, old_email, old_password, "127.0.0.1", **LIMITS)
