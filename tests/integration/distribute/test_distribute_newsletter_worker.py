"""The distribute worker sends a newsletter issue registry/ handed over on `newsletter.issues`: one ledger email per
subscriber with one-click unsubscribe headers, none twice when the command comes again, an empty one rejected."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bus.publisher import KafkaPublisher
from bus.records import NewsletterIssueReady
from distribute.bootstrap import build
from mail.tables import MailLedgerEntry
from tests.support.streams import read_topic, running_app
from tests.support.waiting import wait_until

pytestmark = pytest.mark.broker


def test_worker_queues_one_email_per_subscriber_and_rejects_an_empty_issue(bus_settings):
    """Two subscribers get one email each (a redelivered command adds none); an issue without content is rejected."""
    worker = build(bus_settings)
    publisher = KafkaPublisher(bus_settings.kafka)
    issue = NewsletterIssueReady(issue_id="nl-1", subject="AoC newsletter, June", text="News.", html="<p>News.</p>",
                                 recipients=[{"email": "a@example.org", "name": "A",
                                              "unsubscribe_url": "https://aoc.example.org/newsletter/unsubscribe/t1"},
                                             {"email": "b@example.org", "name": "B",
                                              "unsubscribe_url": "https://aoc.example.org/newsletter/unsubscribe/t2"}])
    for record in (issue, issue, NewsletterIssueReady(issue_id="nl-2", subject="", text="")):
        publisher.publish("newsletter.issues", record)
    publisher.flush()

    def queued() -> list[MailLedgerEntry]:
        with worker.sessions() as session:
            return list(session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == "newsletter")))

    worker.start()
    try:
        with running_app(worker.app):
            rejected = read_topic(bus_settings, "rejected", expect=1, timeout=60)
            wait_until(lambda: len(queued()) == 2, 60, "two newsletter emails in the ledger")
    finally:
        worker.close()
        publisher.close()
    rows = queued()
    assert sorted(r.recipient for r in rows) == ["a@example.org", "b@example.org"]
    assert all(r.message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for r in rows)
    assert "newsletter issue without" in rejected[0].reason
