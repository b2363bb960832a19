"""Operator pages in a real browser: the rejected topic, re-driving a fixed message, the live dashboard."""

from __future__ import annotations

import base64
import json
import re

import pytest
from playwright.sync_api import expect

from bus.catalog import spec
from bus.publisher import KafkaPublisher
from bus.records import MessageRejected
from tests.support.streams import read_topic

pytestmark = pytest.mark.browser

BAD = b'{"article_id": 42, "title": "Article with a numeric id"}'


def reject(settings, raw: bytes, reason: str) -> None:
    """Put a rejection record on `rejected`, as a stage's consumer would."""
    source = spec("articles.ingested").full_name(settings.kafka.topic_prefix)
    publisher = KafkaPublisher(settings.kafka)
    publisher.publish("rejected", MessageRejected(source_topic=source, partition=0, offset=7,
                                                  consumer="rrm.detect/score", reason=reason,
                                                  error_type="ValueError", key_b64=base64.b64encode(b"k-42").decode(),
                                                  raw_b64=base64.b64encode(raw).decode()), key=source)
    publisher.close()


def test_operator_reads_and_redrives_a_corrected_message(page_as, live_server) -> None:
    """An operator finds a rejected message, reads its reason and payload, corrects it and sends it back."""
    reject(live_server.settings, BAD, "ArticleIngested.article_id: expected str, got int")
    page = page_as("operator")
    page.goto(live_server.url + "/ops/rejected")
    row = page.locator("#rejected tbody tr", has_text="expected str, got int").first
    expect(row).to_contain_text("articles.ingested")
    row.get_by_role("link", name=re.compile("Open")).click()
    expect(page.locator("#reason")).to_have_text("ArticleIngested.article_id: expected str, got int")
    expect(page.locator("#payload")).to_contain_text('"article_id": 42')

    page.get_by_label("Payload to send").fill('{"article_id": 42}')
    page.get_by_role("button", name=re.compile("Re-drive to articles.ingested")).click()
    expect(page.locator(".flash-error")).to_contain_text("not a valid ArticleIngested")

    page.get_by_label("Payload to send").fill(json.dumps({"article_id": "a-42", "title": "Article fixed by hand"}))
    page.get_by_role("button", name=re.compile("Re-drive to articles.ingested")).click()
    expect(page.locator(".flash-success")).to_contain_text("sent back to articles.ingested")
    expect(page.locator("main")).to_contain_text("by operator@test.rrm to articles.ingested (corrected payload)")

    articles = read_topic(live_server.settings, "articles.ingested",
                          until=lambda got: any(a.article_id == "a-42" for a in got))
    assert any(a.title == "Article fixed by hand" for a in articles)


def test_unchanged_payload_is_redriven_byte_for_byte(page_as, live_server) -> None:
    """Re-driving without edits sends the original bytes and key (the fix was in the code)."""
    raw = b'{"article_id": "a-77", "title": "Handled once the bug is fixed"}'
    reject(live_server.settings, raw, "ValueError: the handler had a bug")
    page = page_as("admin")
    page.goto(live_server.url + "/ops/rejected")
    page.locator("#rejected tbody tr", has_text="the handler had a bug").first.get_by_role(
        "link", name=re.compile("Open")).click()
    page.get_by_role("button", name=re.compile("Re-drive")).click()
    expect(page.locator(".flash-success")).to_be_visible()
    articles = read_topic(live_server.settings, "articles.ingested",
                          until=lambda got: any(a.article_id == "a-77" for a in got))
    assert [a.title for a in articles if a.article_id == "a-77"] == ["Handled once the bug is fixed"]


def test_duty_officer_cannot_open_the_rejected_topic(page_as, live_server) -> None:
    """Re-driving is for operators: a duty officer gets a 403 page."""
    page = page_as("duty_officer")
    response = page.goto(live_server.url + "/ops/rejected")
    assert response.status == 403


def test_dashboard_draws_charts_and_updates_live(page_as, live_server) -> None:
    """The dashboard's charts are drawn by Chart.js and its figures refresh from the server by themselves."""
    page = page_as("operator")
    page.goto(live_server.url + "/ops")
    expect(page.locator("#bus-status")).to_contain_text("Bus reachable", timeout=20_000)
    assert page.evaluate("() => Object.keys(Chart.instances).length") == 3
    first = page.locator("#bus-status").inner_text()
    expect(page.locator("#bus-status")).not_to_have_text(first, timeout=15_000)
    expect(page.locator("#topics tbody")).to_contain_text("articles.ingested")


def test_navigation_marks_only_the_current_page(page_as, live_server) -> None:
    """On the story timeline, the navigation marks that page as current and no other."""
    page = page_as("operator")
    page.goto(live_server.url + "/ops/stories")
    current = page.locator('nav[aria-label="Main"] a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Story timeline")


def test_throughput_chart_starts_with_recent_history(page_as, live_server) -> None:
    """A freshly opened dashboard draws the throughput sampled before it was opened, not an empty chart."""
    import time

    time.sleep(4)  # the monitor samples every 1.5 s
    page = page_as("operator")
    page.goto(live_server.url + "/ops")
    points = page.evaluate("() => Chart.getChart('chart-throughput').data.labels.length")
    assert points >= 3
