"""The stall watchdog and throughput arithmetic: pure functions over samples (no I/O, clock passed in).

A partition of a consumer group is
- `ok` when the group has read everything (no lag),
- `behind` when it has lag but its committed offset moved within `stall_after_s`,
- `stalled` when it has had lag and no progress for `stall_after_s` or more (faust consumers have been seen to stop
  silently: this is what operators must see within a minute),
and goes back to `behind`/`ok` as soon as the committed offset moves again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OK, BEHIND, STALLED = "ok", "behind", "stalled"
SEVERITY = {OK: 0, BEHIND: 1, STALLED: 2}


@dataclass(frozen=True)
class PartitionWatch:
    """What the watchdog remembers about one (group, topic, partition)."""

    committed: int
    end: int
    lag: int
    status: str
    progress_at: float
    """When the committed offset last moved, or the partition last had no lag (the stall clock's start)."""

    def stalled_for(self, now: float) -> float:
        """Seconds since the last progress while there was lag (0 when not stalled)."""
        return max(0.0, now - self.progress_at) if self.status == STALLED else 0.0


def assess_partition(previous: PartitionWatch | None, committed: int | None, end: int, now: float,
                     stall_after_s: float) -> PartitionWatch:
    """The new state of one partition from its committed offset (None: never committed) and its end offset."""
    committed = max(0, committed or 0)
    lag = max(0, end - committed)
    moved = lag == 0 or previous is None or committed != previous.committed
    progress_at = now if moved else previous.progress_at
    if lag == 0:
        status = OK
    elif now - progress_at >= stall_after_s:
        status = STALLED
    else:
        status = BEHIND
    return PartitionWatch(committed=committed, end=end, lag=lag, status=status, progress_at=progress_at)


def worst(statuses: Iterable[str]) -> str:
    """The most severe status of several partitions (`ok` for none)."""
    return max(statuses, key=SEVERITY.__getitem__, default=OK)


def rate(history: Iterable[tuple[float, int]], window_s: float) -> float:
    """Messages per second over the last `window_s` seconds of (time, total end offset) samples, oldest first."""
    points = list(history)
    if len(points) < 2:
        return 0.0
    t_last, v_last = points[-1]
    first = points[0]
    for point in points:
        if t_last - point[0] <= window_s:
            first = point
            break
    elapsed = t_last - first[0]
    if elapsed <= 0:
        return 0.0
    return max(0.0, (v_last - first[1]) / elapsed)


def total_by_topic(ends: Mapping[tuple[str, int], int]) -> dict[str, int]:
    """Sum of end offsets per topic from {(topic, partition): end}."""
    totals: dict[str, int] = {}
    for (topic, _partition), end in ends.items():
        totals[topic] = totals.get(topic, 0) + end
    return totals
