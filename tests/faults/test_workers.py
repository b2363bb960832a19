"""Workers die and groups rebalance while busy: every article is applied, each exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bus.admin import ensure_topics
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from db.engine import make_engine, session_factory
from db.tables import ProcessedMessage
from tests.conftest import make_settings
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _start(settings, name: str, log: Path, work_ms: int = 10, engine: str = "faust") -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    env.update({
        "RRM_ENV": "test",
        "RRM_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.servers,
        "RRM_KAFKA__TOPIC_PREFIX": settings.kafka.topic_prefix,
        "RRM_DB__URL": settings.database_url,
        "RRM_DATA_DIR": str(settings.data_dir / name),
        "RRM_LOG_LEVEL": "WARNING",
        "WORKER_NAME": name,
        "WORK_MS": str(work_ms),
        "DIRECT": "1" if engine == "direct" else "0",
        "PYTHONPATH": str(ROOT),
        # small batches: a worker that took the whole backlog in one batch would finish it before a second one could
        # join, and the rebalance under test would have nothing left to move
        "RRM_KAFKA__BATCH_MAX_MESSAGES": "5",
    })
    return subprocess.Popen([sys.executable, "-m", "tests.support.idempotent_worker"], cwd=ROOT, env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)


def _applied(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ProcessedMessage)) or 0


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _publish(settings, prefix: str, n: int) -> None:
    publisher = KafkaPublisher(settings.kafka)
    for i in range(n):
        publisher.publish("articles.ingested", ArticleIngested(article_id=f"{prefix}-{i}"))
    publisher.flush()
    publisher.close()


ENGINES = pytest.mark.parametrize("engine", ["faust", "direct"])


@pytest.mark.timeout(300)
@ENGINES
def test_a_worker_killed_mid_batch_and_restarted_applies_everything_once(broker, tmp_path, sqlite_url, engine):
    """SIGKILL a worker halfway through 300 articles; its restart applies the rest, none twice (either engine)."""
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url)
    ensure_topics(settings.kafka)
    sessions = session_factory(make_engine(sqlite_url))
    _publish(settings, "kill", 300)
    first = _start(settings, "first", tmp_path / "first.log", engine=engine)
    try:
        wait_until(lambda: _applied(sessions) >= 100, 120, "the first worker to apply 100")
        first.kill()  # mid-batch: no chance to commit what it handled since the last commit
        first.wait()
        done_before = _applied(sessions)
        assert done_before < 300
        second = _start(settings, "second", tmp_path / "second.log", engine=engine)
        try:
            wait_until(lambda: _applied(sessions) == 300, 180, lambda: f"300 applied ({_applied(sessions)} are)")
        finally:
            _stop(second)
    finally:
        _stop(first)
    log = (tmp_path / "second.log").read_text()
    assert log.count(" applied ") == 300 - done_before


@pytest.mark.timeout(300)
@ENGINES
def test_two_workers_in_one_group_share_the_work_through_a_rebalance(broker, tmp_path, sqlite_url, engine):
    """A second worker joins while the first is busy: the group rebalances, both work, each article applied once."""
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url)
    ensure_topics(settings.kafka)
    sessions = session_factory(make_engine(sqlite_url))
    _publish(settings, "group", 400)
    # 70 ms a message: alone, a needs about 28 s for the 400, longer than a second worker takes to start and join
    # on a busy machine (at 40 ms, a sometimes finished before b got a partition)
    a = _start(settings, "a", tmp_path / "a.log", work_ms=70, engine=engine)
    b = None
    try:
        wait_until(lambda: _applied(sessions) >= 20, 120, "20 applied")
        b = _start(settings, "b", tmp_path / "b.log", work_ms=70, engine=engine)
        wait_until(lambda: _applied(sessions) == 400, 240, lambda: f"400 applied ({_applied(sessions)} are)")
    finally:
        _stop(a)
        if b is not None:
            _stop(b)
    a_log, b_log = (tmp_path / "a.log").read_text(), (tmp_path / "b.log").read_text()
    assert a_log.count(" applied ") > 0 and b_log.count(" applied ") > 0
    assert a_log.count(" applied ") + b_log.count(" applied ") == 400
