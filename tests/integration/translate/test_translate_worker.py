"""The translate worker as `rrm worker translate` wires it (agents.py, schedule.py, bus.worker.Worker) on the bus."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bus.publisher import KafkaPublisher
from bus.records import OpEdApproved
from config.settings import PROJECT_ROOT
from db.engine import make_engine, session_factory
from tests.support.streams import read_topic, running_app
from tests.support.transactions import in_transaction
from tests.support.waiting import wait_until
from translate import model as tmodel
from translate import queries as tq
from translate.adapters import OfflineBackend
from translate.bootstrap import build
from translate.chain import TranslatorChain

pytestmark = pytest.mark.broker


def test_worker_opens_one_job_per_approved_oped_translates_it_and_rejects_an_empty_one(bus_settings):
    """An op-ed approved twice opens one job whose languages are machine-translated; one without a body is rejected."""
    worker = build(bus_settings, TranslatorChain([OfflineBackend()]))
    publisher = KafkaPublisher(bus_settings.kafka)
    good = OpEdApproved(oped_id="oped-w", title="Listening first", body="Dialogue is a practice.", lang="en",
                        authors=["Amina Diallo"], officer="Officer")
    for record in (good, good, OpEdApproved(oped_id="oped-empty", title="No body", body=" ", lang="en")):
        publisher.publish("opeds.approved", record)
    publisher.flush()
    worker.start()
    try:
        with running_app(worker.app):
            rejected = read_topic(bus_settings, "rejected", expect=1, timeout=60)
            wait_until(lambda: (v := in_transaction(worker.sessions, tq.version, "oped-w", "fr")) is not None
                       and v.status == tmodel.AWAITING_HUMAN, 60, "French machine-translated, awaiting review")
    finally:
        worker.close()
        publisher.close()
    assert "needs an oped_id, a title and a body" in rejected[0].reason
    assert in_transaction(worker.sessions, tq.job, "oped-empty") is None
    assert [j.oped_id for j in in_transaction(worker.sessions, tq.list_jobs)] == ["oped-w"]


def test_rrm_worker_translate_starts_and_stops_cleanly_on_sigterm(bus_settings, tmp_path):
    """`rrm worker translate` opens the job of an approved op-ed, then exits 0 on SIGTERM without a traceback."""
    publisher = KafkaPublisher(bus_settings.kafka)
    publisher.publish("opeds.approved", OpEdApproved(oped_id="oped-p", title="T", body="B.", lang="en"))
    publisher.flush()
    publisher.close()
    env = dict(os.environ)
    env.update({
        "RRM_ENV": "test", "RRM_DATA_DIR": str(bus_settings.data_dir), "RRM_LOG_FORMAT": "json",
        "RRM_KAFKA__BOOTSTRAP_SERVERS": bus_settings.kafka.servers,
        "RRM_KAFKA__TOPIC_PREFIX": bus_settings.kafka.topic_prefix, "RRM_DB__URL": bus_settings.database_url,
    })
    log_path = tmp_path / "translate.log"
    with open(log_path, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "rrm", "worker", "translate"], cwd=PROJECT_ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        engine = make_engine(bus_settings.database_url)
        try:
            wait_until(lambda: in_transaction(session_factory(engine), tq.job, "oped-p") is not None, 90,
                       "the op-ed's job")
        finally:
            engine.dispose()
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    output = log_path.read_text(errors="replace")
    assert process.returncode == 0, output[-2000:]
    assert "Traceback" not in output
