"""A test run that has printed its result also ends: a thread left blocked after the last test no longer keeps the
process (and CI) waiting; the run exits with its own status and says which thread held it, with its stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

LEAKY_TEST = '''
import threading
import time


def park_forever():
    time.sleep(3600)


def test_leaves_a_thread_behind():
    threading.Thread(target=park_forever, name="parked-forever").start()  # not a daemon: exit waits for it
'''


def test_a_run_held_open_by_a_thread_exits_with_its_status_and_names_the_thread(tmp_path):
    (tmp_path / "test_leaky.py").write_text(LEAKY_TEST)
    env = {**os.environ, "RRM_TEST_EXIT_GRACE_S": "2", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "tests.support.exit_watch", str(tmp_path / "test_leaky.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr  # the test passed: so does the run
    assert "1 passed" in done.stdout
    assert "the interpreter has not exited" in done.stderr
    assert "parked-forever" in done.stderr  # the thread that held it, by name
    assert "park_forever" in done.stderr  # and where it was blocked
