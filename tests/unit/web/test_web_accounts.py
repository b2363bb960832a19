"""Console accounts: argon2 hashes, role checks, and login rate limits per account and per address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_factory
from web.auth import AccountError, LoginPolicy, LoginRefused, add_user, authenticate
from web.tables import WebUser

LIMITS = {"policy": LoginPolicy(free_per_pair=3, free_per_address=5, free_per_account=3)}


@pytest.fixture
def sessions(db_url: str):
    """Sessions on a migrated store (SQLite and PostgreSQL)."""
    engine = make_engine(db_url)
    factory = session_factory(engine)
    with factory() as session, session.begin():
        add_user(session, "Officer@Example.org", "correct horse battery", "duty_officer", "Officer")
    yield factory
    engine.dispose()


def test_password_is_stored_as_argon2id(sessions) -> None:
    """The stored password is an argon2id hash, never the password."""
    with sessions() as session:
        account = session.scalar(select(WebUser))
    assert account.password_hash.startswith("$argon2id$")
    assert "correct horse" not in account.password_hash


def test_right_password_logs_in_case_insensitively(sessions) -> None:
    """The right password logs in, whatever the case of the email."""
    user = authenticate(sessions, "officer@EXAMPLE.org", "correct horse battery", "10.0.0.1", **LIMITS)
    assert (user.email, user.role) == ("officer@example.org", "duty_officer")


def test_wrong_password_is_refused(sessions) -> None:
    """A wrong password is refused with a message that does not say which part was wrong."""
    with pytest.raises(LoginRefused, match="Wrong email or password"):
        authenticate(sessions, "officer@example.org", "nope", "10.0.0.1", **LIMITS)
    with pytest.raises(LoginRefused, match="Wrong email or password"):
        authenticate(sessions, "nobody@example.org", "nope", "10.0.0.1", **LIMITS)


def test_an_account_guessed_from_everywhere_is_slowed_but_not_for_its_usual_address(sessions) -> None:
    """Past the per-account soft limit a new address waits (30 s at most); the owner's usual address does not."""
    assert authenticate(sessions, "officer@example.org", "correct horse battery", "10.9.9.9", **LIMITS)
    for i in range(3):
        with pytest.raises(LoginRefused, match="Wrong email or password"):
            authenticate(sessions, "officer@example.org", "guess", f"10.0.0.{i}", **LIMITS)
    with pytest.raises(LoginRefused, match="Too many failed attempts") as refused:
        authenticate(sessions, "officer@example.org", "correct horse battery", "10.8.8.8", **LIMITS)
    assert refused.value.limited and 0 < refused.value.retry_after <= 30
    assert authenticate(sessions, "officer@example.org", "correct horse battery", "10.9.9.9", **LIMITS)


def test_address_is_refused_after_too_many_failures(sessions) -> None:
    """One address guessing many accounts is refused, even for an account it has not tried."""
    for i in range(5):
        with pytest.raises(LoginRefused):
            authenticate(sessions, f"guess{i}@example.org", "guess", "10.6.6.6", **LIMITS)
    with pytest.raises(LoginRefused, match="Too many"):
        authenticate(sessions, "officer@example.org", "correct horse battery", "10.6.6.6", **LIMITS)
    assert authenticate(sessions, "officer@example.org", "correct horse battery", "10.0.0.2", **LIMITS)


def test_bad_accounts_are_refused(sessions) -> None:
    """Unknown roles, short passwords and duplicate emails are refused with a clear reason."""
    with sessions() as session, session.begin():
        with pytest.raises(AccountError, match="unknown role"):
            add_user(session, "a@example.org", "long enough pass", "editor")
        with pytest.raises(AccountError, match="at least 10"):
            add_user(session, "a@example.org", "short", "admin")
        with pytest.raises(AccountError, match="already exists"):
            add_user(session, "OFFICER@example.org", "long enough pass", "admin")
