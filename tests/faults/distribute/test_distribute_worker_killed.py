"""The distribute worker killed with SIGKILL in the middle of a SendGrid request, then restarted: no address twice."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bus.records import TranslationReady
from config.settings import PROJECT_ROOT
from db.engine import make_engine, session_factory
from distribute import model, queries
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution, record_translation
from tests.support.mail_servers import SendGridEndpoint
from tests.support.transactions import in_transaction
from tests.support.waiting import wait_until

pytestmark = pytest.mark.broker


def _csv(count: int) -> str:
    rows = ["email,name,outlet,language,region,beat,opt_in_source"]
    rows += [f"ed{i}@paper{i % 40}.example.org,Editor {i},Paper {i % 40},en,r,opinion,forum" for i in range(count)]
    return "\n".join(rows) + "\n"


def _start_worker(settings, endpoint: SendGridEndpoint, log_path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({
        "RRM_ENV": "test", "RRM_DATA_DIR": str(settings.data_dir), "RRM_LOG_FORMAT": "json",
        "RRM_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.servers, "RRM_KAFKA__TOPIC_PREFIX": settings.kafka.topic_prefix,
        "RRM_DB__URL": settings.database_url, "RRM_WEB__SECRET_KEY": settings.web.secret_key,
        "RRM_MAIL__BACKEND": "sendgrid", "RRM_MAIL__SENDGRID_HOST": endpoint.url,
        "RRM_MAIL__SENDGRID_API_KEY": "SG.test-key", "RRM_MAIL__TIMEOUT_S": "30",
    })
    return subprocess.Popen([sys.executable, "-m", "rrm", "worker", "distribute"], cwd=PROJECT_ROOT, env=env,
                            stdout=open(log_path, "ab"), stderr=subprocess.STDOUT, start_new_session=True)


def test_worker_killed_mid_send_and_restarted_mails_every_editor_exactly_once(bus_settings, tmp_path):
    """2,500 editors; SIGKILL while the second batch is in flight; after the restart every editor gets one copy."""
    engine = make_engine(bus_settings.database_url)
    sessions = session_factory(engine)
    in_transaction(sessions, import_editors, _csv(2500))
    in_transaction(sessions, record_translation,
                   TranslationReady(oped_id="oped-k", lang="en", title="Listening first",
                                    body="Dialogue is a practice.", translator="original"))
    segment = in_transaction(sessions, create_segment, "everyone", model.Criteria())
    dist = in_transaction(sessions, create_distribution, oped_id="oped-k", languages=["en"], segment_ids=[segment],
                          release_at=datetime.now(UTC) + timedelta(hours=1), created_by="officer",
                          backend="sendgrid")
    log_path = tmp_path / "worker.log"
    with SendGridEndpoint() as endpoint:
        endpoint.delay_s = 2.0
        worker = _start_worker(bus_settings, endpoint, log_path)
        try:
            wait_until(lambda: endpoint.started >= 2, 60, "the second SendGrid request", every=0.05)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        wait_until(lambda: len(endpoint.accepted) >= 2, 10, "the in-flight request to be answered", every=0.05)
        in_doubt = endpoint.accepted[1].body["batch_id"]
        endpoint.delay_s = 0.0
        worker = _start_worker(bus_settings, endpoint, log_path)
        try:
            wait_until(lambda: in_transaction(sessions, queries.distribution, dist).status == model.HANDED_OVER,
                       90, "the distribution to be handed over after the restart", every=0.05)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        delivered = collections.Counter(endpoint.delivered_recipients())
        cancelled = list(endpoint.cancelled)
        sizes = [len(r.body["personalizations"]) for r in endpoint.accepted
                 if r.body["batch_id"] not in cancelled]
    engine.dispose()
    assert cancelled == [in_doubt], log_path.read_text()[-3000:]
    assert len(delivered) == 2500 and set(delivered.values()) == {1}
    assert sorted(sizes) == [500, 1000, 1000]
