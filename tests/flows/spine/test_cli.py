"""The command line as a new user meets it: help, bad settings, and `rrm up` reaching the console."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bus.broker import free_port

ROOT = Path(__file__).resolve().parents[3]


def _rrm(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "rrm", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def test_help_lists_the_commands():
    """`rrm --help` lists the commands a user needs first."""
    out = _rrm("--help")
    assert out.returncode == 0
    for command in ("up", "broker", "topics", "migrate", "worker", "settings", "web"):
        assert f"  {command} " in out.stdout


def test_a_malformed_database_url_gives_one_clear_line(tmp_path):
    """A malformed database URL: one line naming the problem, a non-zero exit, no traceback."""
    out = _rrm("migrate", env={"RRM_DB__URL": "not a url at all", "RRM_DATA_DIR": str(tmp_path)})
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and "database URL" in lines[0]


def test_an_unreachable_database_gives_one_clear_line(tmp_path):
    """A database nobody answers at: one clear line and a non-zero exit."""
    port = free_port()
    out = _rrm("migrate", env={"RRM_DB__URL": f"postgresql+psycopg://rrm@127.0.0.1:{port}/rrm"})
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "cannot use the database" in out.stderr


def test_an_unreachable_broker_gives_one_clear_line():
    """A broker nobody answers at: one clear line and a non-zero exit."""
    port = free_port()
    out = _rrm("topics", "--create", env={"RRM_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{port}"})
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert f"no Kafka broker answers at 127.0.0.1:{port}" in out.stderr


def test_bad_setting_values_name_the_variable():
    """A setting of the wrong kind names its variable."""
    out = _rrm("settings", env={"RRM_WEB__PORT": "eighty"})
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "RRM_WEB__PORT" in out.stderr


def test_rrm_up_serves_the_console_within_a_minute_and_stops_cleanly(tmp_path):
    """`rrm up` on a fresh data directory answers on the web port within a minute; Ctrl-C stops everything."""
    web_port, kafka_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    env.update({"RRM_DATA_DIR": str(tmp_path), "RRM_WEB__PORT": str(web_port),
                "RRM_KAFKA__EMBEDDED_PORT": str(kafka_port), "RRM_LOG_FORMAT": "json"})
    proc = subprocess.Popen([sys.executable, "-m", "rrm", "up"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        started = time.monotonic()
        page = None
        while time.monotonic() - started < 60:
            try:
                page = httpx.get(f"http://127.0.0.1:{web_port}/", timeout=2, follow_redirects=True)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert page is not None and page.status_code == 200, "no page within 60 s"
        assert "Rapid Response" in page.text
        deadline = time.monotonic() + 30  # the page answers a moment before `rrm up` prints its summary
        while not any("Rapid Response is up" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=90)
        reader.join(timeout=10)
    output = "".join(lines)
    assert "Rapid Response is up" in output
    assert "Rapid Response stopped." in output
    assert "Traceback" not in output


def test_rrm_up_restarts_a_dead_broker_with_its_topics_and_workers(tmp_path):
    """Kill the embedded broker under `rrm up`: it comes back on its port with every topic, and the workers restart."""
    from kafka import KafkaAdminClient

    from bus.broker import port_open
    from bus.catalog import TOPICS

    web_port, kafka_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    env.update({"RRM_DATA_DIR": str(tmp_path), "RRM_WEB__PORT": str(web_port),
                "RRM_KAFKA__EMBEDDED_PORT": str(kafka_port), "RRM_LOG_FORMAT": "json"})
    proc = subprocess.Popen([sys.executable, "-m", "rrm", "up", "--no-demo"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        while not port_open("127.0.0.1", web_port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert port_open("127.0.0.1", web_port), "rrm up did not start"
        broker_pids = subprocess.run(["pgrep", "-f", f"tcp://127.0.0.1:{kafka_port}"], capture_output=True,
                                     text=True).stdout.split()
        assert broker_pids
        for pid in broker_pids:
            os.kill(int(pid), signal.SIGKILL)
        time.sleep(1)
        deadline = time.monotonic() + 60
        topics: set[str] = set()
        while time.monotonic() < deadline:
            if port_open("127.0.0.1", kafka_port):
                try:
                    admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{kafka_port}", request_timeout_ms=3000)
                    topics = set(admin.list_topics())
                    admin.close()
                except Exception:  # noqa: BLE001 - coming back
                    topics = set()
                if {t.full_name("rrm.") for t in TOPICS} <= topics:
                    break
            time.sleep(0.5)
        assert {t.full_name("rrm.") for t in TOPICS} <= topics, "the broker did not come back with its topics"
        deadline = time.monotonic() + 120
        while not any("workers.restarted" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        reader.join(timeout=10)
    output = "".join(lines)
    events = re.findall(r'"event": "([^"]+)"', output)
    assert "broker.restarted" in events and "workers.restarted" in events, events
    assert "Rapid Response stopped." in output
