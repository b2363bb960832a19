"""A test run that has printed its result must also end: this plugin makes a hung interpreter exit say why.

After pytest reports, Python still joins every non-daemon thread (an executor's worker among them) and runs the
`atexit` handlers. A thread blocked for good there (a lock wait with no timeout, a socket read on a dead peer) keeps
the process alive long after the summary, and CI only sees a timeout. If the interpreter is still alive
`RRM_TEST_EXIT_GRACE_S` seconds (default 120) after the session finished, this prints every thread's stack to stderr,
names the threads that held it, and exits with the run's own status, so a passing run still passes and the hang is
fixed from its stacks instead of guessed at.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
import time

import pytest


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Every test and fixture is done: from here on, only the summary, the plugins' unconfigure and the exit."""
    grace_s = float(os.environ.get("RRM_TEST_EXIT_GRACE_S", "120"))
    threading.Thread(target=_watch, args=(grace_s, int(exitstatus)), name="test-exit-watch", daemon=True).start()


def _watch(grace_s: float, status: int) -> None:
    time.sleep(grace_s)
    err = sys.__stderr__
    holding = [t.name for t in threading.enumerate()
               if t.is_alive() and not t.daemon and t is not threading.main_thread()]
    err.write(f"\n!!! the tests ended {grace_s:.0f} s ago but the interpreter has not exited; "
              f"non-daemon threads still alive: {holding or 'none (an atexit handler is blocked)'}\n"
              "!!! every thread's stack follows; exiting with the run's own status\n")
    err.flush()
    faulthandler.dump_traceback(file=err, all_threads=True)
    err.flush()
    os._exit(status)
