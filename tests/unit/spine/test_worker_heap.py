"""A worker's tuned garbage collector (`bus.worker.settle_heap`) still frees what it must."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(code: str) -> str:
    """Run `code` in a fresh interpreter (the collector's settings are per process) and return what it printed."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.strip()


def test_cycles_made_after_start_up_are_collected_without_asking():
    printed = run("""
        import gc, weakref
        from bus.worker import settle_heap

        class Node:
            pass

        start_up = [Node() for _ in range(50_000)]  # what a worker builds before its first message
        settle_heap()
        freed, news = [], []
        for i in range(200):  # a worker's messages leave some reference cycles behind
            a, b = Node(), Node()
            a.other, b.other = b, a
            weakref.finalize(a, freed.append, i)
            del a, b
            news.append([[n] for n in range(300)])  # the caches grow: the collector runs on its own
        print(len(freed), len(start_up))
    """)
    freed, kept = map(int, printed.split())
    assert freed >= 150  # all but the last few thousand allocations' worth of cycles are gone
    assert kept == 50_000


def test_objects_frozen_at_start_up_are_still_freed_by_reference_counting():
    printed = run("""
        import weakref
        from bus.worker import settle_heap

        class Model:
            pass

        model = Model()
        gone = []
        weakref.finalize(model, gone.append, True)
        settle_heap()
        del model  # a worker that drops a start-up object (a reloaded model) gets its memory back
        print(gone)
    """)
    assert printed == "[True]"
