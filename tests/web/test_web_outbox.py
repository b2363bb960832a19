"""The outbox on the operator dashboard, in a real browser: table sizes, a parked row with its reason, re-drive."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested, utcnow
from db.engine import transaction
from db.outbox import OutboxRelay, pending_count
from db.tables import OutboxMessage

pytestmark = pytest.mark.browser


def test_operator_sees_a_parked_outbox_row_with_its_reason_and_re_drives_it(page_as, live_server) -> None:
    """A row for a topic the engine does not know is parked; /ops counts it, /ops/outbox says why and re-drives it."""
    record = ArticleIngested(article_id="parked-1", title="For a topic nobody knows")
    with transaction(live_server.sessions) as session:
        session.add(OutboxMessage(topic="no.such.topic", key="parked-1", message_id=record.message_id,
                                  payload=record.to_json(), created_at=utcnow()))
    publisher = KafkaPublisher(live_server.settings.kafka)
    OutboxRelay(live_server.sessions, publisher, live_server.settings.kafka.topic_prefix).run_once()
    publisher.close()

    page = page_as("operator")
    page.goto(live_server.url + "/ops")
    expect(page.locator("#stores")).to_contain_text("1 parked")
    page.get_by_role("link", name="Outbox: parked rows and re-drive").click()
    row = page.locator("#parked tbody tr", has_text=record.message_id)
    expect(row).to_contain_text("topic 'no.such.topic' is not in the catalog")
    row.get_by_role("button", name=re.compile("Re-drive row")).click()
    expect(page.locator(".flash-success")).to_contain_text("is queued again")
    expect(page.locator("#parked")).not_to_contain_text(record.message_id)
    assert pending_count(live_server.sessions) >= 1
