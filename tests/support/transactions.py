"""Calling a handler or a query from a test the way the worker kit and the web routes do: in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db.engine import transaction


def in_transaction(sessions: sessionmaker[Session], handler: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`handler(session, *args, **kwargs)` in a transaction of its own, committed when it returns."""
    with transaction(sessions) as session:
        return handler(session, *args, **kwargs)
