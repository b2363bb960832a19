"""Turning what can go wrong at start into one clear line for the user, never a traceback."""

from __future__ import annotations

import pydantic
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bus.broker import BrokerError
from db.engine import DatabaseUrlError


class UserFacingError(RuntimeError):
    """An error whose message is meant for the person at the terminal."""


def explain(exc: BaseException) -> str | None:
    """One line that says what is wrong and what to do, or None if `exc` is a bug (then show the traceback)."""
    if isinstance(exc, UserFacingError | BrokerError | DatabaseUrlError):
        return str(exc)
    if isinstance(exc, pydantic.ValidationError):
        problems = "; ".join(
            f"RRM_{'__'.join(str(p).upper() for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        return f"bad settings: {problems}"
    if isinstance(exc, OperationalError):
        return f"cannot use the database: {str(exc.orig).strip().splitlines()[0] if exc.orig else exc}"
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {str(exc).splitlines()[0]}"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{exc.strerror}: {exc.filename or ''}".rstrip(": ")
    return None
