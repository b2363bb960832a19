"""SendGrid resetting the connection after it read a distribution's request, on SQLite and PostgreSQL: the real
scheduler (one object across the fault) never mails an editor twice, and says which sends are uncertain."""

from __future__ import annotations

import collections
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bus.records import TranslationReady
from distribute import model, queries
from distribute.adapters import SendGridBatchSender
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution, record_translation
from distribute.release import Composer
from distribute.schedule import build_scheduler
from distribute.tables import DistributionSend
from mail.adapters import SendGridMailer
from tests.support.mail_servers import SendGridEndpoint
from tests.support.transactions import in_transaction

EDITORS = 30
SECRET = "test-secret-for-links"  # noqa: S105 - a test signing key


def _distribution(sessions, release_in: timedelta) -> str:
    rows = ["email,name,outlet,language,region,beat,opt_in_source"]
    rows += [f"ed{i}@paper{i % 7}.example.org,Editor {i},Paper {i % 7},en,r,opinion,forum" for i in range(EDITORS)]
    in_transaction(sessions, import_editors, "\n".join(rows) + "\n")
    in_transaction(sessions, record_translation,
                   TranslationReady(oped_id="oped-1", lang="en", title="Title", body="Body.", translator="test",
                                    source_lang="en"))
    now = datetime.now(UTC)
    segment = in_transaction(sessions, create_segment, "everyone", model.Criteria())
    return in_transaction(sessions, create_distribution, oped_id="oped-1", languages=["en"], segment_ids=[segment],
                          release_at=now + release_in, created_by="officer", backend="sendgrid", now=now)


def _run_scheduler_until_settled(sessions, endpoint: SendGridEndpoint, timeout: float = 30.0) -> None:
    """The distribute worker's scheduler, ticking every 0.2 s, until no row is planned or pending (then 1 s more)."""
    mailer = SendGridMailer("SG.test-key", host=endpoint.url, from_address="rr@aoc.example.org", timeout_s=5)
    scheduler = build_scheduler(sessions, Composer(secret=SECRET, base_url="https://rrm.example.org"),
                                batches=SendGridBatchSender(mailer), mailer=None, tick_s=0.2)
    scheduler.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with sessions() as s:
                open_rows = s.scalar(select(func.count()).select_from(DistributionSend).where(
                    DistributionSend.status.in_(("planned", "pending"))))
            if not open_rows:
                break
            time.sleep(0.1)
        time.sleep(1.0)  # a few more ticks: nothing may be sent again
    finally:
        scheduler.shutdown(wait=True)


def test_reset_close_to_release_leaves_one_copy_and_the_editors_uncertain(sessions):
    """Released now, SendGrid took the batch but the line was reset: one copy each, 30 sends shown uncertain."""
    with SendGridEndpoint() as endpoint:
        endpoint.reset_after_read = 10
        dist = _distribution(sessions, timedelta(seconds=0))
        _run_scheduler_until_settled(sessions, endpoint)
        delivered = collections.Counter(endpoint.delivered_recipients())
    assert len(delivered) == EDITORS and set(delivered.values()) == {1}
    report = in_transaction(sessions, queries.delivery_report, dist)
    assert report.by_status["uncertain"] == EDITORS and len(report.attention) == EDITORS


def test_reset_far_from_release_is_cancelled_by_batch_id_and_sent_once(sessions):
    """Embargoed an hour ahead: the batch in doubt is cancelled at SendGrid and sent again, one copy each."""
    with SendGridEndpoint() as endpoint:
        endpoint.reset_after_read = 1
        dist = _distribution(sessions, timedelta(hours=1))
        _run_scheduler_until_settled(sessions, endpoint)
        delivered = collections.Counter(endpoint.delivered_recipients())
        cancelled = list(endpoint.cancelled)
    assert len(cancelled) == 1 and len(delivered) == EDITORS and set(delivered.values()) == {1}
    assert in_transaction(sessions, queries.delivery_report, dist).by_status["sent"] == EDITORS


def test_sendgrid_refusing_connections_is_retried_and_sends_once(sessions):
    """SendGrid unreachable at first (connection refused): nothing is in doubt, every editor mailed once later."""
    endpoint = SendGridEndpoint()
    dist = _distribution(sessions, timedelta(seconds=0))
    mailer = SendGridMailer("SG.test-key", host=endpoint.url, from_address="rr@aoc.example.org", timeout_s=5)
    scheduler = build_scheduler(sessions, Composer(secret=SECRET, base_url="https://rrm.example.org"),
                                batches=SendGridBatchSender(mailer), mailer=None, tick_s=0.2)
    scheduler.start()
    try:
        time.sleep(1.0)  # several ticks against nobody
    finally:
        scheduler.shutdown(wait=True)
    assert in_transaction(sessions, queries.delivery_report, dist).by_status.get("uncertain", 0) == 0
    with endpoint:
        _run_scheduler_until_settled(sessions, endpoint)
        delivered = collections.Counter(endpoint.delivered_recipients())
    assert len(delivered) == EDITORS and set(delivered.values()) == {1}
