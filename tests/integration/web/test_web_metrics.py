"""/metrics and the provisioned Grafana dashboard and alerts speak of the same metrics."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from bus.admin import ensure_topics
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from config.settings import PROJECT_ROOT
from tests.conftest import make_settings
from web.metrics import make_registry, render
from web.monitor import BusMonitor

pytestmark = pytest.mark.broker
DEPLOY = PROJECT_ROOT / "deploy"


@pytest.fixture
def exposed(broker, tmp_path, sqlite_url) -> dict[str, list]:
    """Metric samples exposed after the monitor sampled a bus with a few articles, by sample name."""
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url)
    ensure_topics(settings.kafka)
    publisher = KafkaPublisher(settings.kafka)
    for i in range(5):
        publisher.publish("articles.ingested", ArticleIngested(article_id=f"m-{i}", feed_id="demo-feed"))
    publisher.close()
    monitor = BusMonitor(settings)
    try:
        for _ in range(3):
            monitor.sample_once()
        text = render(make_registry(monitor)).decode()
    finally:
        monitor.stop()
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def test_metrics_count_the_messages_on_each_topic(exposed) -> None:
    """/metrics says how many messages each topic holds and that the bus is up."""
    totals = {s.labels["topic"]: s.value for s in exposed["rrm_topic_messages_total"]}
    assert totals["articles.ingested"] == 5
    assert exposed["rrm_bus_up"][0].value == 1
    assert {s.labels["feed"]: s.value for s in exposed["rrm_feed_articles_last_hour"]} == {"demo-feed": 5}


def test_dashboard_and_alerts_use_only_exposed_metrics(exposed) -> None:
    """Every rrm_* metric in the Grafana dashboard and the alert rules is one /metrics exposes."""
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "rrm.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    alerts = yaml.safe_load((DEPLOY / "alerts.yml").read_text())
    exprs += [rule["expr"] for group in alerts["groups"] for rule in group["rules"]]
    used = {name for expr in exprs for name in re.findall(r"\brrm_[a-z_]+", expr)}
    families = {name for name in exposed} | {"rrm_partition_stalled", "rrm_consumer_lag", "rrm_funnel_mobilizations",
                                               "rrm_funnel_median_minutes"}
    assert used and used <= families, used - families


def test_prometheus_and_grafana_provisioning_parse() -> None:
    """The Prometheus config scrapes the web service; Grafana's provisioning points at the dashboard folder."""
    prom = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    assert prom["scrape_configs"][0]["static_configs"][0]["targets"] == ["web:8000"]
    source = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert source["datasources"][0]["uid"] == "rrm-prometheus"
    dashboards = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "dashboards" / "rrm.yml").read_text())
    assert dashboards["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
