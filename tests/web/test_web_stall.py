"""A stopped worker shows as stalled on the live dashboard within a minute, and recovers when it returns."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from bus.app import consume, create_app
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from tests.support.streams import running_app
from tests.web.conftest import log_in, start_live_server, web_settings

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def worker(settings):
    """A faust worker of the `detect` group that reads articles."""
    app = create_app("detect", settings)

    async def handle(record):
        return []

    consume(app, "articles.ingested", handle, name="watch_articles")
    return app


def publish(settings, start: int, count: int) -> None:
    """Publish `count` articles."""
    publisher = KafkaPublisher(settings.kafka)
    for i in range(start, start + count):
        publisher.publish("articles.ingested", ArticleIngested(article_id=f"s-{i}", title=f"Article {i}"))
    publisher.close()


def test_stopped_worker_turns_stalled_and_back(broker, browser, tmp_path) -> None:
    """Stop the detect worker while articles arrive: its rows turn stalled within 60 s, then ok after restart."""
    settings = web_settings(tmp_path, broker.bootstrap_servers, web={"stall_after_s": 30.0, "monitor_interval_s": 1.0})
    with start_live_server(settings) as server:
        context = browser.new_context()
        page = log_in(context.new_page(), server.url, "operator")
        page.goto(server.url + "/ops")
        rows = page.locator('#partitions tbody tr[data-group="detect"][data-topic="articles.ingested"]')
        publish(settings, 0, 8)
        with running_app(worker(settings)):
            expect(rows.first).to_be_visible(timeout=60_000)
            detect_rows = '#partitions tbody tr[data-group="detect"]'
            expect(page.locator(f"{detect_rows} .status-warn")).to_have_count(0, timeout=60_000)
            expect(page.locator('#partitions tbody tr[data-group="detect"] .status-bad')).to_have_count(0)
        stopped_at = time.monotonic()
        publish(settings, 8, 8)
        stalled = page.locator('#partitions tbody tr[data-group="detect"] .status-bad')
        expect(stalled.first).to_have_text("stalled", timeout=60_000)
        assert time.monotonic() - stopped_at <= 60
        expect(page.locator("#bus-status")).to_contain_text(re.compile(r"[1-9][0-9]* stalled partition"))
        other = context.new_page()
        other.goto(server.url + "/ops/stories")
        expect(other.locator("nav .nav-alert")).to_contain_text("stalled")  # seen from any page
        other.close()
        with running_app(worker(settings)):
            expect(page.locator('#partitions tbody tr[data-group="detect"] .status-bad')).to_have_count(
                0, timeout=60_000)
            expect(page.locator('#partitions tbody tr[data-group="detect"] .status-ok').first).to_be_visible()
        context.close()
