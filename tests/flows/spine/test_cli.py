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
import pytest

from bus.broker import free_port
from rrm.up import STOP_BOUND_S

ROOT = Path(__file__).resolve().parents[3]


def _rrm(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "rrm", *args], cwd=ROOT, env=full_env,  # our CLI
                          capture_output=True, text=True, timeout=timeout)


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
        stopping = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=STOP_BOUND_S)
        finally:
            took = time.monotonic() - stopping
            proc.kill()  # no-op when it stopped; its children die with it either way (PR_SET_PDEATHSIG)
            proc.wait(timeout=10)
            reader.join(timeout=10)
    assert took <= STOP_BOUND_S
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
        broker_pids = subprocess.run(["pgrep", "-f", f"tcp://127.0.0.1:{kafka_port}"],  # noqa: S607 - pgrep
                                     capture_output=True, text=True).stdout.split()
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
                except Exception:  # coming back
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


class _Up:
    """A running `rrm up --no-demo` on free ports: its process and its output so far."""

    def __init__(self, tmp_path: Path, preexec_fn=None) -> None:  # as Popen's
        self.data_dir = str(tmp_path)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
        env.update({"RRM_DATA_DIR": self.data_dir, "RRM_WEB__PORT": str(free_port()),
                    "RRM_KAFKA__EMBEDDED_PORT": str(free_port()), "RRM_LOG_FORMAT": "json"})
        self.proc = subprocess.Popen([sys.executable, "-m", "rrm", "up", "--no-demo"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     preexec_fn=preexec_fn)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True)
        self.reader.start()

    def wait_ready(self, timeout: float = 150) -> None:
        deadline = time.monotonic() + timeout
        while not any("Press Ctrl-C" in line for line in self.lines):
            assert self.proc.poll() is None, "rrm up exited at start:\n" + "".join(self.lines[-30:])
            assert time.monotonic() < deadline, "rrm up did not come up:\n" + "".join(self.lines[-30:])
            time.sleep(0.2)

    def pids(self) -> set[int]:
        """Every process started for this engine (its children and the broker carry its data directory)."""
        mark = f"RRM_DATA_DIR={self.data_dir}".encode()
        found = set()
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == self.proc.pid:
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as f:
                    if mark in f.read().split(b"\x00"):
                        with open(f"/proc/{entry.name}/cmdline", "rb") as c:
                            if c.read():  # not a zombie
                                found.add(int(entry.name))
            except OSError:
                continue
        return found

    def stop_within(self, bound: float) -> float:
        """Ctrl-C; the seconds until `rrm up` exited (fails beyond `bound`)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            pytest.fail(f"rrm up still running {bound:.0f} s after Ctrl-C")
        return time.monotonic() - started

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.reader.join(timeout=10)


def _argv(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().rstrip(b"\x00").replace(b"\x00", b" ").decode()
    except OSError:
        return ""


@pytest.fixture
def busy_machine():
    """Every core kept busy by spinning processes while the test runs."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
    yield
    for spinner in spinners:
        spinner.kill()
        spinner.wait()


def test_ctrl_c_stops_rrm_up_and_every_child_within_the_documented_bound_on_a_busy_machine(tmp_path, busy_machine):
    """Every core busy and two children hung (SIGSTOP): Ctrl-C still ends `rrm up`, its children and its broker
    within STOP_BOUND_S."""
    up = _Up(tmp_path)
    try:
        up.wait_ready()
        children = up.pids()
        assert len(children) >= 8, children  # relay, stage workers, web, broker
        hung = [pid for pid in children if re.search(r"-m rrm (web|worker relay)$", _argv(pid))]
        assert len(hung) == 2, [_argv(pid) for pid in children]
        for pid in hung:
            os.kill(pid, signal.SIGSTOP)  # a process that cannot answer SIGTERM (swapped out, stuck in a handler)
        took = up.stop_within(STOP_BOUND_S)
        assert up.pids() == set(), "children outlived rrm up"
    finally:
        up.kill()
    assert "Rapid Response stopped." in "".join(up.lines)
    assert took <= STOP_BOUND_S


def test_sigkill_of_rrm_up_leaves_no_child(tmp_path):
    """`rrm up` killed with SIGKILL: the kernel takes its workers, web server and broker with it within seconds."""
    up = _Up(tmp_path)
    try:
        up.wait_ready()
        assert len(up.pids()) >= 8
        up.proc.kill()
        up.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while up.pids() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert up.pids() == set(), "orphans left behind by a killed rrm up"
    finally:
        up.kill()


def test_rrm_up_started_with_sigint_ignored_still_stops_on_ctrl_c(tmp_path):
    """Started from a script that ignores SIGINT (inherited across exec), `rrm up` still stops on Ctrl-C."""
    up = _Up(tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        up.wait_ready()
        up.stop_within(STOP_BOUND_S)
        assert up.pids() == set()
    finally:
        up.kill()
    assert "Rapid Response stopped." in "".join(up.lines)
