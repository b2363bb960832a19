"""A mobilize worker killed mid-wave, restarted, and handed the same flagged story again sends no second email."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from bus.admin import ensure_topics
from bus.publisher import KafkaPublisher
from bus.records import StoryFlagged
from config.settings import PROJECT_ROOT
from db.engine import make_engine, session_factory, transaction
from mail.tables import MailLedgerEntry
from mobilize import handlers as h
from mobilize.network import import_csv
from tests.conftest import make_settings
from tests.support.mail_servers import SmtpInbox
from tests.support.waiting import wait_until

pytestmark = pytest.mark.broker

NETWORK = """name,email,languages,topics,cultural_background
Johan Eriksson,johan@example.org,en,quran,Nordic
Mehmet Yilmaz,mehmet@example.org,en,quran,Turkish
Amina Haddad,amina@example.org,en,quran,Maghrebi
Daniel Levin,daniel@example.org,en,quran,Ashkenazi
Grace Okonkwo,grace@example.org,en,interfaith,West African
"""
STORY = StoryFlagged(story_id="kill-story", title="Quran burning", severity="alert", entities=["quran"])


def _start_worker(settings, inbox_port: int, log_path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({
        "RRM_ENV": "test", "RRM_DATA_DIR": str(settings.data_dir), "RRM_LOG_FORMAT": "console",
        "RRM_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.servers, "RRM_KAFKA__TOPIC_PREFIX": settings.kafka.topic_prefix,
        "RRM_KAFKA__DEFAULT_PARTITIONS": "2", "RRM_DB__URL": settings.database_url,
        "RRM_WEB__SECRET_KEY": settings.web.secret_key, "RRM_MAIL__BACKEND": "smtp",
        "RRM_MAIL__SMTP_PORT": str(inbox_port), "RRM_MAIL__PENDING_GRACE_S": "3",
        "RRM_MOBILIZE__WAVE_SIZE": "4", "RRM_MOBILIZE__TICK_S": "0.3",
        "RRM_MOBILIZE__AUTO_START": "true",  # the story starts the mobilization by itself
    })
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen([sys.executable, "-m", "rrm", "worker", "mobilize"], cwd=PROJECT_ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()


def _ledger(sessions) -> list[tuple[str, str]]:
    with sessions() as s:
        return [(r.recipient, r.status) for r in s.scalars(
            select(MailLedgerEntry).where(MailLedgerEntry.purpose == "mobilize.invite"))]


def test_worker_killed_mid_wave_sends_no_second_copy(broker, tmp_path, sqlite_url):
    """kill -9 during the first wave's sends, restart, redeliver the story: every member has at most one email."""
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url)
    ensure_topics(settings.kafka)
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        import_csv(s, h.Deps(settings=settings, links=None), NETWORK)
    log_path = tmp_path / "worker.log"
    with SmtpInbox(delay_s=1.5) as inbox:
        worker = _start_worker(settings, inbox.port, log_path)
        try:
            publisher = KafkaPublisher(settings.kafka)
            publisher.publish("stories.flagged", STORY)
            publisher.flush()
            inbox.wait_for(1, timeout=60)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            killed_with = len(inbox.messages)
            assert any(status in ("queued", "pending") for _, status in _ledger(sessions)), \
                "the worker was killed after the wave had been sent: nothing was tested"

            worker = _start_worker(settings, inbox.port, log_path)
            publisher.publish("stories.flagged", STORY)  # a redelivery of the same fact
            publisher.flush()
            publisher.close()
            wait_until(lambda: len(_ledger(sessions)) == 4 and
                       all(status in ("sent", "uncertain") for _, status in _ledger(sessions)), 90,
                       f"every invitation sent or marked uncertain (log: {log_path})")
            time.sleep(3)  # room for a wrong second copy to arrive
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    engine.dispose()
    received = [m.recipients[0] for m in inbox.messages]
    assert len(received) == len(set(received)), f"a member got two copies: {received}"
    ledger = dict(_ledger(sessions))
    assert len(ledger) == 4
    assert {r for r, status in ledger.items() if status == "sent"} <= set(received)
    assert len(received) >= 3 and killed_with >= 1
