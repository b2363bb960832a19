"""`rrm up`: the whole engine on one machine, supervised, with a clean stop on Ctrl-C.

Order: broker (embedded unless a cluster is configured) -> topics -> migrations -> demo data -> outbox relay ->
stage workers -> web server. Each child runs as `python -m rrm worker <stage>` (or `rrm web`), logs to
`<data_dir>/logs/<name>.log`, and is restarted with back-off if it dies.

Stopping (docs/architecture.md, docs/guarantees.md 4a): Ctrl-C or SIGTERM sends SIGTERM to every child at once;
they share one grace period of `STOP_GRACE_S` seconds to finish the message in hand, then whatever is left gets
SIGKILL; then the broker gets SIGTERM and, after `BROKER_GRACE_S`, SIGKILL. So `rrm up` is gone within
`STOP_BOUND_S` of Ctrl-C however busy the machine is (a kill is safe: offsets are committed after the effect, the
outbox keeps unpublished events). A second Ctrl-C skips the grace period. SIGINT gets an explicit handler, so Ctrl-C
works even when `rrm up` was started from a script that ignores SIGINT (an ignored signal stays ignored across exec).
Every child, and the embedded broker, is started with PR_SET_PDEATHSIG (Linux): if the supervisor dies, even by
SIGKILL, the kernel kills them too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import click
import structlog

from bus.admin import ensure_topics
from bus.broker import BrokerError, EmbeddedBroker, die_with_parent, port_open, wait_for_kafka
from bus.records import utcnow
from config.logging import configure_logging
from config.settings import PROJECT_ROOT, Settings
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.outbox import replay_since

from . import stages
from .errors import UserFacingError

log = structlog.get_logger(__name__)

#: Seconds every child gets, all at once, to finish after SIGTERM before SIGKILL.
STOP_GRACE_S = 10.0
#: Seconds the embedded broker gets after SIGTERM before SIGKILL.
BROKER_GRACE_S = 3.0
#: The documented bound from Ctrl-C to `rrm up` exiting (grace periods plus reaping).
STOP_BOUND_S = 20.0


@dataclass
class Child:
    """One supervised process."""

    name: str
    argv: list[str]
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        """Start the child in a session of its own (a terminal's Ctrl-C reaches the supervisor only, which stops
        the children in order); it dies with the supervisor (PR_SET_PDEATHSIG)."""
        out = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, env=self.env,  # noqa: S603 - our own argv
                                        cwd=PROJECT_ROOT, start_new_session=True, preexec_fn=die_with_parent)
        out.close()
        self.started_at = time.monotonic()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        """Send `signum` to the child's whole process group (it leads one)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)


def stop_children(children: list[Child], grace_s: float = STOP_GRACE_S,
                  hurry: Callable[[], bool] = lambda: False) -> list[str]:
    """SIGTERM to every child at once, one shared grace period, then SIGKILL; returns the names that were killed.

    `hurry()` turning true (a second Ctrl-C) ends the grace period at once.
    """
    for child in children:
        child.signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(c.alive() for c in children) and time.monotonic() < deadline and not hurry():
        time.sleep(0.1)
    killed = [c.name for c in children if c.alive()]
    for child in children:
        child.signal(signal.SIGKILL)
    for child in children:
        if child.process is not None:
            try:
                child.process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - a process in uninterruptible sleep
                log.error("child.unkillable", child=child.name, pid=child.process.pid)
    if killed:
        log.warning("children.killed", children=killed, grace_s=grace_s)
    return killed


def _child_env(settings: Settings, servers: str) -> dict[str, str]:
    env = dict(os.environ)
    env["RRM_KAFKA__BOOTSTRAP_SERVERS"] = servers
    env["RRM_DB__URL"] = settings.database_url
    env["RRM_DATA_DIR"] = str(settings.data_dir)
    env["RRM_LOG_FORMAT"] = "json" if settings.log_format == "auto" else settings.log_format
    env["RRM_ENV"] = settings.env
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def prepare(settings: Settings, *, demo: bool) -> list[str]:
    """Migrate the database and seed the demo; return lines to show the user (e.g. demo credentials)."""
    make_engine(settings.database_url).dispose()  # a malformed URL fails here, with one line
    upgrade(settings.database_url)
    lines: list[str] = []
    if demo:
        for module in stages.demo_modules():
            lines.extend(module.seed(settings) or [])
    return lines


def run_up(settings: Settings, *, demo: bool = True) -> int:
    """Start and supervise everything; return the exit status."""
    configure_logging(settings.log_level, "console" if settings.log_format == "auto" else settings.log_format)
    if settings.env == "production":
        demo = False
    logs_dir = settings.data_dir / "logs"
    logs_dir.mkdir(parents=True, exist_ok=True)
    if port_open(settings.web.host, settings.web.port):
        raise UserFacingError(f"port {settings.web.port} on {settings.web.host} is already taken "
                              "(another `rrm up`?); stop it or set RRM_WEB__PORT")

    stop = _StopRequest()
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _run(settings, demo, logs_dir, stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _StopRequest:
    """The handler of SIGINT and SIGTERM: the first one unwinds `rrm up` into its stop (from wherever it is: starting,
    supervising); a later one, while stopping, ends the grace period (`hurry`)."""

    def __init__(self) -> None:
        self.count = 0
        self.stopping = False

    def __call__(self, signum: int, frame: object) -> None:
        self.count += 1
        if not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt

    def hurry(self) -> bool:
        """True once a second stop signal arrived."""
        return self.count > 1


def _run(settings: Settings, demo: bool, logs_dir: Path, stop: _StopRequest) -> int:
    broker: EmbeddedBroker | None = None
    children: list[Child] = []
    try:
        if settings.kafka.embedded:
            broker = EmbeddedBroker(port=settings.kafka.embedded_port, log_path=logs_dir / "broker.log")
            broker.start()
            servers = broker.bootstrap_servers
        else:
            servers = settings.kafka.servers
            try:
                wait_for_kafka(servers, timeout=15)
            except BrokerError as exc:
                raise UserFacingError(f"{exc}; check RRM_KAFKA__BOOTSTRAP_SERVERS") from None
        ensure_topics(settings.kafka.model_copy(update={"bootstrap_servers": servers}))
        notes = prepare(settings, demo=demo)
        if broker is not None:
            replayed = _replay_outbox(settings, utcnow() - timedelta(hours=settings.kafka.embedded_replay_hours))
            if replayed:
                log.info("outbox.replayed", rows=replayed, reason="the embedded broker started empty")
        env = _child_env(settings, servers)
        if demo:
            env["RRM_DEMO"] = "1"
        python = sys.executable
        names = ["relay", *stages.worker_stages()]
        for name in names:
            children.append(Child(name, [python, "-m", "rrm", "worker", name], logs_dir / f"{name}.log", env))
        children.append(Child("web", [python, "-m", "rrm", "web"], logs_dir / "web.log", env))
        for child in children:
            child.start()
        _wait_for_web(settings, children[-1])
        _announce(settings, servers, broker is not None, names, logs_dir, notes)
        return _supervise(children, settings, broker)
    except KeyboardInterrupt:
        return 0
    finally:
        stop.stopping = True  # from here a stop signal only hurries the stop
        _stop_all(children, stop.hurry)
        if broker is not None:
            broker.stop(timeout=BROKER_GRACE_S)
        click.echo("Rapid Response stopped.")


def _wait_for_web(settings: Settings, web: Child, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(settings.web.host, settings.web.port):
            return
        if not web.alive():
            raise UserFacingError(f"the web server exited at start; see {web.log_path}")
        time.sleep(0.2)
    raise UserFacingError(f"the web server did not answer on port {settings.web.port} within {timeout:.0f}s")


def _announce(settings: Settings, servers: str, embedded: bool, names: list[str], logs_dir: Path,
              notes: list[str]) -> None:
    bar = "-" * 72
    click.echo(bar)
    click.echo(f"Rapid Response is up.  Console: {settings.web.base_url}/")
    click.echo(f"  bus:      {servers} ({'embedded tansu broker, in memory' if embedded else 'external cluster'})")
    click.echo(f"  database: {settings.database_url}")
    click.echo(f"  workers:  {', '.join(names)}, web")
    click.echo(f"  logs:     {logs_dir}/")
    for line in notes:
        click.echo(f"  {line}")
    click.echo("Press Ctrl-C to stop.")
    click.echo(bar)


def _replay_outbox(settings: Settings, since: datetime) -> int:
    engine = make_engine(settings.database_url)
    try:
        return replay_since(session_factory(engine), since)
    finally:
        engine.dispose()


def _restart_broker(settings: Settings, broker: EmbeddedBroker) -> None:
    """The embedded broker died: start it again on the same port, recreate the topics, re-publish what it held
    (the same window as at start: consumers ignore what they had already applied)."""
    log.error("broker.died", bootstrap_servers=broker.bootstrap_servers)
    broker.start()
    ensure_topics(settings.kafka.model_copy(update={"bootstrap_servers": broker.bootstrap_servers}))
    replayed = _replay_outbox(settings, utcnow() - timedelta(hours=settings.kafka.embedded_replay_hours))
    log.warning("broker.restarted", bootstrap_servers=broker.bootstrap_servers, outbox_replayed=replayed)


def _restart_workers(children: list[Child]) -> None:
    """Restart the relay and every stage worker after the broker came back empty.

    Their consumers' positions point into the lost log: kept, they would skip the replayed messages that land below
    them. Restarted, each group finds no committed offset on the new broker and reads the replay from the start;
    idempotent handlers ignore what they had applied. The web server keeps running (its monitor reads no group).
    """
    workers = [c for c in children if c.name != "web"]
    stop_children(workers)
    for child in workers:
        child.start()
        child.next_start = 0.0
    log.warning("workers.restarted", reason="the broker restarted empty", workers=[c.name for c in workers])


def _supervise(children: list[Child], settings: Settings, broker: EmbeddedBroker | None) -> int:
    """Restart what dies, until a stop signal (SIGINT, SIGTERM) raises KeyboardInterrupt out of the loop."""
    while True:
        if broker is not None and (broker.process is None or broker.process.poll() is not None):
            _restart_broker(settings, broker)
            _restart_workers(children)
        now = time.monotonic()
        for child in children:
            if child.alive() or child.next_start > now:
                continue
            if child.process is not None and child.next_start == 0.0:
                code = child.process.returncode
                delay = min(2 ** child.restarts, 30)
                if now - child.started_at > 60:
                    child.restarts, delay = 0, 1
                log.warning("child.exited", child=child.name, status=code, restart_in_s=delay,
                            log=str(child.log_path))
                child.next_start = now + delay
                continue
            child.restarts += 1
            child.next_start = 0.0
            child.start()
            log.info("child.restarted", child=child.name)
        time.sleep(0.5)


def _stop_all(children: list[Child], hurry: Callable[[], bool] = lambda: False) -> None:
    """Every child at once: SIGTERM, one shared grace period (`STOP_GRACE_S`), then SIGKILL.

    Nothing is lost by the order or by a kill: offsets are committed after the effect (a message in hand is handled
    again at the next start, idempotently) and events not yet published wait in the outbox.
    """
    if not children:
        return
    click.echo(f"Stopping: finishing the messages in hand (at most {STOP_GRACE_S:.0f} s)...")
    stop_children(children, STOP_GRACE_S, hurry)
