"""Waiting in tests: poll a condition until it holds, or fail saying what never happened."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float = 30.0, what: str | Callable[[], str] = "condition",
               every: float = 0.1) -> T:
    """Call `check()` every `every` seconds until it returns something truthy, and return that value; after `timeout`
    seconds raise AssertionError naming `what` (a string, or a callable read at that moment, e.g. to give a count)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what() if callable(what) else what}")
        time.sleep(every)
