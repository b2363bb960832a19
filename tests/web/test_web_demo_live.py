"""The whole demo: `rrm up`, sign in with the printed credentials, watch the flashpoint appear live, follow it.

This is the issue's acceptance journey. It runs the real supervisor with every stage's worker, so it is slow
(about two minutes) and marked `demo`.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from bus.broker import free_port
from config.settings import PROJECT_ROOT
from rrm.up import STOP_BOUND_S

pytestmark = [pytest.mark.browser, pytest.mark.broker]
LOGIN = re.compile(r"console login \((?P<role>[a-z ]+)\): (?P<email>\S+) / (?P<password>\S+)")


@dataclass
class Engine:
    """A running `rrm up`: its console URL, the credentials it printed, its output so far."""

    url: str
    logins: dict[str, tuple[str, str]]
    started_at: float
    output: list[str] = field(default_factory=list)


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    """`rrm up` with the demo, on free ports and a fresh data directory; stopped with Ctrl-C at the end, within the
    documented bound (the leftover-process check in tests/conftest.py fails the test if any child outlives it)."""
    web_port = free_port()
    env = {**os.environ, "RRM_DATA_DIR": str(tmp_path), "RRM_KAFKA__EMBEDDED_PORT": str(free_port()),
           "RRM_WEB__PORT": str(web_port), "RRM_LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1"}
    for key in ("RRM_KAFKA__BOOTSTRAP_SERVERS", "RRM_DB__URL", "RRM_ENV"):
        env.pop(key, None)
    proc = subprocess.Popen([sys.executable, "-m", "rrm", "up"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        for line in proc.stdout:
            output.append(line.rstrip("\n"))
            if "Press Ctrl-C" in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        if not ready.wait(180):
            raise RuntimeError("rrm up did not come up within 180 s:\n" + "\n".join(output[-40:]))
        logins = {}
        for line in output:
            found = LOGIN.search(line)
            if found:
                logins[found["role"]] = (found["email"], found["password"])
        yield Engine(f"http://127.0.0.1:{web_port}", logins, time.monotonic(), output)
    finally:
        stopping = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=STOP_BOUND_S)
        except subprocess.TimeoutExpired:
            proc.kill()  # its children and broker die with it (PR_SET_PDEATHSIG); no process group reaches them
            proc.wait(timeout=10)
            pytest.fail(f"rrm up still running {STOP_BOUND_S:.0f} s after Ctrl-C")
    took = time.monotonic() - stopping
    assert took <= STOP_BOUND_S, f"rrm up took {took:.0f} s to stop after Ctrl-C"


def test_flashpoint_appears_live_and_leads_to_its_mobilization(engine, browser) -> None:
    """A new duty officer signs in with the printed credentials, sees the demo flashpoint appear on the dashboard
    within a minute, gets its alert, acknowledges it and mobilizes: the mobilization's page opens."""
    assert "duty officer" in engine.logins, "\n".join(engine.output[-40:])
    email, password = engine.logins["duty officer"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(engine.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(engine.url + "/")
    page.goto(engine.url + "/ops")
    story = page.locator("#stories li[data-story]").first
    remaining = max(1.0, 60 - (time.monotonic() - engine.started_at))
    expect(story).to_be_visible(timeout=remaining * 1000)
    seen_after = time.monotonic() - engine.started_at
    assert seen_after <= 60, f"the first story appeared {seen_after:.0f} s after start"
    expect(page.locator("#feeds tbody tr").first).not_to_contain_text("No feeds yet")
    # A person decides (issue 15): the flag alerts the officer on call (the demo rota), who acknowledges, previews
    # the members proposed and mobilizes; nobody in the network is paged before that.
    alert, deadline = page.locator("table.data tbody a").first, time.monotonic() + 90
    while True:
        page.goto(engine.url + "/oncall/alerts")
        if alert.count() or time.monotonic() > deadline:
            break
        time.sleep(2)
    expect(page.get_by_role("link", name=re.compile(r"^\d+ open alerts?$"))).to_be_visible()
    alert.click()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_role("button", name=re.compile(r"^Mobilize 1 piece")).click()
    expect(page).to_have_url(re.compile(r"/mobilize/[^/]+$"))
    expect(page.locator("h1")).to_be_visible()
    assert page.locator("main").inner_text().strip()
    context.close()
