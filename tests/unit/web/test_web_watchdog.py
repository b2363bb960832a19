"""The stall watchdog: a partition with lag and no progress is stalled after the threshold, and recovers."""

from __future__ import annotations

from web.watchdog import BEHIND, OK, STALLED, assess_partition, rate, worst

STALL = 30.0


def run(samples: list[tuple[float, int | None, int]]):
    """Feed (time, committed, end) samples through the watchdog; return the statuses."""
    state, seen = None, []
    for now, committed, end in samples:
        state = assess_partition(state, committed, end, now, STALL)
        seen.append(state.status)
    return seen, state


def test_caught_up_partition_is_ok() -> None:
    """No lag is ok, however long nothing moves."""
    seen, state = run([(t, 10, 10) for t in range(0, 300, 10)])
    assert set(seen) == {OK} and state.lag == 0


def test_lag_without_progress_becomes_stalled_after_threshold() -> None:
    """Messages arrive, the consumer's committed offset stays: behind, then stalled at 30 s."""
    seen, state = run([(0, 10, 10), (1, 10, 15), (20, 10, 18), (30.5, 10, 20), (45, 10, 25)])
    assert seen == [OK, BEHIND, BEHIND, STALLED, STALLED]
    assert state.lag == 15 and state.stalled_for(45) == 45


def test_progressing_consumer_with_lag_is_never_stalled() -> None:
    """A consumer that keeps moving is behind, not stalled, even with lag for minutes."""
    seen, _ = run([(t, 10 + t, 1000 + t) for t in range(0, 240, 5)])
    assert STALLED not in seen and seen[-1] == BEHIND


def test_stalled_partition_recovers_when_offset_moves() -> None:
    """When the worker returns and commits, the partition is no longer stalled."""
    seen, _ = run([(0, 10, 20), (40, 10, 25), (41, 18, 25), (42, 25, 25)])
    assert seen == [BEHIND, STALLED, BEHIND, OK]


def test_never_committed_group_with_messages_counts_from_zero() -> None:
    """A group that never committed on a partition with messages has lag from offset 0 and can stall."""
    seen, state = run([(0, None, 5), (31, None, 5)])
    assert seen == [BEHIND, STALLED] and state.lag == 5


def test_worst_status_and_rate() -> None:
    """A group shows its worst partition; throughput is the end-offset slope over the window."""
    assert worst([OK, STALLED, BEHIND]) == STALLED and worst([]) == OK
    assert rate([(0, 0), (5, 50), (10, 150)], window_s=5) == 20.0
    assert rate([(0, 0)], window_s=5) == 0.0
