"""Distributions through SendGrid (a local v3 endpoint), SMTP (aiosmtpd) and the sink, on SQLite and PostgreSQL."""

from __future__ import annotations

import collections
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from distribute import model, queries
from distribute.adapters import SendGridBatchSender
from distribute.audience import import_editors, unsubscribe
from distribute.release import release_due
from distribute.tables import DistributionSend
from mail.adapters import SendGridMailer, SmtpMailer
from tests.support.mail_servers import SendGridEndpoint, SmtpInbox
from tests.support.transactions import in_transaction

SECRET = "test-secret-for-unsubscribe-links"  # noqa: S105 - a test signing key


@pytest.fixture
def sendgrid():
    """A local SendGrid v3 endpoint and a batch sender pointed at it."""
    with SendGridEndpoint() as endpoint:
        mailer = SendGridMailer("SG.test-key", host=endpoint.url, from_address="rr@aoc.example.org", timeout_s=10)
        yield endpoint, SendGridBatchSender(mailer)


def test_2500_editors_go_in_three_batches_with_no_address_twice(sessions, seeded, composer, sendgrid):
    """2,500 editors: three requests of at most 1,000, each with its own batch id and the release as send_at."""
    endpoint, batches = sendgrid
    now = datetime.now(UTC)
    dist = seeded(2500, now=now)
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    requests = endpoint.accepted
    sizes = [len(r.body["personalizations"]) for r in requests]
    recipients = endpoint.recipients()
    assert sorted(sizes) == [500, 1000, 1000]
    assert len(recipients) == 2500 and len(set(recipients)) == 2500
    assert len({r.body["batch_id"] for r in requests}) == 3
    assert in_transaction(sessions, queries.distribution, dist).status == model.HANDED_OVER
    # a second pass of the scheduler sends nothing more
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now + timedelta(seconds=5))
    assert len(endpoint.accepted) == 3


def test_embargo_is_carried_as_send_at_of_every_request(sessions, seeded, composer, sendgrid):
    """SendGrid gets the op-ed ahead of time but with send_at = the release time, in every request."""
    endpoint, batches = sendgrid
    now = datetime.now(UTC)
    dist = seeded(30, languages=("en", "fr", "ar"), release_in=timedelta(hours=5), now=now)
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    release = int(in_transaction(sessions, queries.distribution, dist).release_at.timestamp())
    assert {r.body["send_at"] for r in endpoint.accepted} == {release}
    released = f"released {datetime.fromtimestamp(release, UTC):%d %B %Y, %H:%M} UTC"
    assert all(released in r.body["content"][0]["value"] for r in endpoint.accepted)
    assert not any("EMBARGOED" in r.body["subject"] for r in endpoint.accepted)


def test_each_editor_gets_the_version_in_their_language(sessions, seeded, composer, sendgrid):
    """Arabic editors get the Arabic title, French editors the French one."""
    endpoint, batches = sendgrid
    seeded(30, languages=("en", "fr", "ar"))
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    subject_of = {to["email"]: r.body["subject"] for r in endpoint.accepted
                  for p in r.body["personalizations"] for to in p["to"]}
    assert subject_of["editor2@outlet2.example.org"] == "Title [ar]"
    assert subject_of["editor1@outlet1.example.org"] == "Title [fr]"
    assert len(subject_of) == 30


def test_smtp_sends_nothing_before_the_release_time_and_everything_after(sessions, seeded, composer):
    """With SMTP the embargo is kept by the scheduler: nothing leaves before the release time."""
    now = datetime.now(UTC)
    with SmtpInbox() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        dist = seeded(5, release_in=timedelta(minutes=30), backend="smtp", now=now)
        release_due(sessions, composer=composer, batches=None, mailer=mailer, now=now + timedelta(minutes=29))
        assert inbox.messages == []
        release_due(sessions, composer=composer, batches=None, mailer=mailer, now=now + timedelta(minutes=30))
        got = inbox.wait_for(5)
    assert sorted(m.recipients[0] for m in got) == sorted(f"editor{i}@outlet{i}.example.org" for i in range(5))
    assert all(m.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in got)
    assert all(m.message["List-Unsubscribe"].startswith("<https://rrm.example.org/unsubscribe/") for m in got)
    assert in_transaction(sessions, queries.distribution, dist).status == model.RELEASED


def test_unsubscribed_editor_is_never_mailed_again(sessions, seeded, composer, sendgrid, csv_of):
    """An editor who used the one-click link gets nothing from any later distribution."""
    endpoint, batches = sendgrid
    now = datetime.now(UTC)
    seeded(3, now=now)
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    link = endpoint.accepted[0].body["personalizations"][0]["headers"]["List-Unsubscribe"]
    token = link.split("/unsubscribe/")[1].rstrip(">").split(">")[0]
    who = in_transaction(sessions, unsubscribe, SECRET, token)
    in_transaction(sessions, import_editors, csv_of(3))  # re-importing the same list does not undo it
    from distribute.audience import create_segment
    from distribute.distributions import create_distribution

    segment = in_transaction(sessions, create_segment, "again", model.Criteria())
    in_transaction(sessions, create_distribution, oped_id="oped-1", languages=["en"], segment_ids=[segment],
                   release_at=now + timedelta(hours=2), created_by="officer", backend="sendgrid", now=now)
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    counts = collections.Counter(endpoint.recipients())
    assert counts[who] == 1 and len(counts) == 3
    assert who in in_transaction(sessions, queries.suppressed)


def test_ledger_has_one_row_per_editor_written_before_the_send(sessions, seeded, composer, sendgrid):
    """Every recipient has exactly one ledger row, marked sent with the batch id of its request."""
    endpoint, batches = sendgrid
    dist = seeded(1200)
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    with sessions() as session:
        rows = session.scalars(select(DistributionSend).where(DistributionSend.distribution_id == dist)).all()
    assert len(rows) == 1200 and {r.status for r in rows} == {"sent"}
    assert {r.batch_id for r in rows} == {r.body["batch_id"] for r in endpoint.accepted}


def _timing_out(endpoint) -> SendGridBatchSender:
    """A sender whose requests time out while SendGrid still takes them (the outcome is unknown to us)."""
    endpoint.delay_s = 1.0
    return SendGridBatchSender(SendGridMailer("SG.test-key", host=endpoint.url, from_address="rr@aoc.example.org",
                                              timeout_s=0.3))


def test_timed_out_batch_far_from_release_is_cancelled_and_sent_again(sessions, seeded, composer, sendgrid):
    """A request whose answer never came is cancelled by batch id and its editors sent again: one copy each."""
    from distribute.release import recover_in_doubt
    from mail.ports import MailError

    endpoint, batches = sendgrid
    now = datetime.now(UTC)
    seeded(10, release_in=timedelta(hours=1), now=now)
    with pytest.raises(MailError):
        release_due(sessions, composer=composer, batches=_timing_out(endpoint), mailer=None, now=now)
    time.sleep(1.0)  # the endpoint finishes taking the timed-out request
    assert recover_in_doubt(sessions, batches=batches, now=now) == {"resent": 10, "uncertain": 0}
    endpoint.delay_s = 0.0
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    delivered = collections.Counter(endpoint.delivered_recipients())
    assert len(endpoint.cancelled) == 1 and len(delivered) == 10 and set(delivered.values()) == {1}


def test_timed_out_batch_close_to_release_is_uncertain_and_never_resent(sessions, seeded, composer, sendgrid):
    """Five minutes before release a cancellation is not reliable: the editors are marked uncertain, not resent."""
    from distribute.release import recover_in_doubt
    from mail.ports import MailError

    endpoint, batches = sendgrid
    now = datetime.now(UTC)
    dist = seeded(10, release_in=timedelta(minutes=5), now=now)
    with pytest.raises(MailError):
        release_due(sessions, composer=composer, batches=_timing_out(endpoint), mailer=None, now=now)
    time.sleep(1.0)
    assert recover_in_doubt(sessions, batches=batches, now=now) == {"resent": 0, "uncertain": 10}
    endpoint.delay_s = 0.0
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    assert endpoint.cancelled == [] and len(endpoint.recipients()) == 10
    report = in_transaction(sessions, queries.delivery_report, dist)
    assert report.by_status["uncertain"] == 10 and len(report.attention) == 10


def test_cancelled_distribution_cancels_its_sendgrid_batches(sessions, seeded, composer, sendgrid):
    """Cancelling before the release cancels every batch id handed to SendGrid: nobody receives it."""
    from distribute.release import cancel_distribution

    endpoint, batches = sendgrid
    dist = seeded(1500)
    release_due(sessions, composer=composer, batches=batches, mailer=None)
    assert cancel_distribution(sessions, dist, batches=batches, actor="Officer") == 1500
    assert endpoint.delivered_recipients() == []
    assert in_transaction(sessions, queries.distribution, dist).status == model.CANCELLED


def test_release_time_passing_publishes_op_ed_released(sessions, seeded, composer, sendgrid):
    """Once the release time has passed the distribution is released and OpEdReleased leaves via the outbox."""
    from bus.records import OpEdReleased
    from db.tables import OutboxMessage

    endpoint, batches = sendgrid
    now = datetime.now(UTC)
    dist = seeded(4, release_in=timedelta(minutes=30), now=now)
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
    assert in_transaction(sessions, queries.newsroom) == {}
    release_due(sessions, composer=composer, batches=batches, mailer=None, now=now + timedelta(minutes=31))
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "opeds.released")).all()
    released = [OpEdReleased.from_json(r.payload) for r in rows]
    assert [(r.distribution_id, r.recipients) for r in released] == [(dist, 4)]
    assert [i.title for i in in_transaction(sessions, queries.newsroom)["en"]] == ["Title [en]"]


def test_scheduler_settles_a_timed_out_request_on_its_next_tick(sessions, seeded, composer, sendgrid):
    """The release job itself cancels and resends a batch left in doubt by a timeout, without a worker restart."""
    from distribute.schedule import build_scheduler

    endpoint, _ = sendgrid
    dist = seeded(10, release_in=timedelta(hours=1))
    scheduler = build_scheduler(sessions, composer, batches=_timing_out(endpoint), mailer=None, tick_s=0.5)
    scheduler.start()
    try:
        deadline = time.monotonic() + 30
        while endpoint.started < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        endpoint.delay_s = 0.0  # the provider is quick again: the next request succeeds within the timeout
        def status() -> str:
            return in_transaction(sessions, queries.distribution, dist).status

        while status() != model.HANDED_OVER and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        scheduler.shutdown(wait=True)
    delivered = collections.Counter(endpoint.delivered_recipients())
    assert len(endpoint.cancelled) == 1 and len(delivered) == 10 and set(delivered.values()) == {1}
