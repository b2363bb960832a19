"""ingest/'s poll timing: when a feed is polled again, after a success, failures or a Retry-After. Pure."""

from __future__ import annotations

import random
from datetime import UTC, datetime


def next_poll_delay(interval_s: float, failures: int, *, jitter: float = 0.1, max_backoff_s: float = 6 * 3600,
                    retry_after_s: float | None = None, rng: random.Random | None = None) -> float:
    """Seconds until a feed's next poll: its interval (± `jitter`) after a success; after `failures` failures in a
    row, the interval doubled per failure up to `max_backoff_s`, or the server's Retry-After if longer."""
    rng = rng or random
    delay = interval_s if failures <= 0 else min(interval_s * (2 ** min(failures, 20)), max(max_backoff_s,
                                                                                            interval_s))
    if retry_after_s:
        delay = max(delay, min(retry_after_s, max_backoff_s))
    return max(1.0, delay * (1 + rng.uniform(-jitter, jitter)))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
