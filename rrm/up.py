"""`rrm up`: the whole engine on one machine, supervised, with a clean stop on Ctrl-C.

Order: broker (embedded unless a cluster is configured) -> topics -> migrations -> demo data -> outbox relay ->
stage workers -> web server. Each child runs as `python -m rrm worker <stage>` (or `rrm web`), logs to
`<data_dir>/logs/<name>.log`, and is restarted with back-off if it dies. Ctrl-C stops the web server first, then the
workers (each finishes and commits the message in hand), then the relay, then the broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import click
import structlog

from bus.admin import ensure_topics
from bus.broker import BrokerError, EmbeddedBroker, port_open, wait_for_kafka
from config.logging import configure_logging
from config.settings import PROJECT_ROOT, Settings
from bus.records import utcnow
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.outbox import replay_since

from . import stages
from .errors import UserFacingError

log = structlog.get_logger(__name__)


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
        out = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, env=self.env,
                                        cwd=PROJECT_ROOT, start_new_session=True)
        out.close()
        self.started_at = time.monotonic()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


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

    broker: EmbeddedBroker | None = None
    if settings.kafka.embedded:
        broker = EmbeddedBroker(port=settings.kafka.embedded_port, log_path=logs_dir / "broker.log").start()
        servers = broker.bootstrap_servers
    else:
        servers = settings.kafka.servers
        try:
            wait_for_kafka(servers, timeout=15)
        except BrokerError as exc:
            raise UserFacingError(f"{exc}; check RRM_KAFKA__BOOTSTRAP_SERVERS") from None
    children: list[Child] = []
    try:
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
    finally:
        _stop_all(children)
        if broker is not None:
            broker.stop()
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
    for child in workers:
        child.terminate()
    for child in workers:
        child.wait(timeout=30)
        child.start()
        child.next_start = 0.0
    log.warning("workers.restarted", reason="the broker restarted empty", workers=[c.name for c in workers])


def _supervise(children: list[Child], settings: Settings, broker: EmbeddedBroker | None) -> int:
    stopping = False

    def _on_term(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _on_term)
    try:
        while not stopping:
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
    except KeyboardInterrupt:
        pass
    return 0


def _stop_all(children: list[Child]) -> None:
    """Web first, then the stages, then the relay, so that nothing is left half-published."""
    if not children:
        return
    click.echo("Stopping: finishing the messages in hand...")
    order = [c for c in children if c.name == "web"] + [c for c in reversed(children) if c.name not in ("web", "relay")]
    order += [c for c in children if c.name == "relay"]
    for child in order[:-1]:
        child.terminate()
    for child in order[:-1]:
        child.wait(timeout=30)
    relay = order[-1]
    relay.terminate()
    relay.wait(timeout=30)
