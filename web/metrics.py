"""`/metrics` for Prometheus: the same figures as the operator dashboard, read from the monitor's latest sample.

Metrics (labels): rrm_topic_messages_total (topic) — end offsets summed over partitions;
rrm_topic_messages_per_second (topic); rrm_consumer_lag (group, topic, partition);
rrm_consumer_committed_offset (group, topic, partition); rrm_partition_stalled (group, topic, partition; 1 stalled);
rrm_bus_up (1 when the last sample reached the broker); rrm_funnel_mobilizations (step);
rrm_funnel_median_minutes (step); rrm_feed_articles_last_hour (feed). Each web app has its own registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .monitor import BusMonitor


class MonitorCollector(Collector):
    """Turns the monitor's snapshot into Prometheus metric families at scrape time."""

    def __init__(self, monitor: BusMonitor) -> None:
        self.monitor = monitor

    def collect(self) -> Iterator[Metric]:
        """Every metric, from the latest sample."""
        snap = self.monitor.snapshot()
        up = GaugeMetricFamily("rrm_bus_up", "1 when the monitor's last sample reached the broker")
        up.add_metric([], 1.0 if snap.get("bus", {}).get("ok") else 0.0)
        yield up
        total = CounterMetricFamily("rrm_topic_messages", "Messages ever written to a topic (end offsets)",
                                    labels=["topic"])
        per_s = GaugeMetricFamily("rrm_topic_messages_per_second", "Messages per second written to a topic",
                                  labels=["topic"])
        for t in snap.get("topics", []):
            total.add_metric([t["topic"]], t["messages"])
            per_s.add_metric([t["topic"]], t["rate"])
        yield total
        yield per_s
        lag = GaugeMetricFamily("rrm_consumer_lag", "Messages a consumer group has not yet committed",
                                labels=["group", "topic", "partition"])
        committed = GaugeMetricFamily("rrm_consumer_committed_offset", "Committed offset of a consumer group",
                                      labels=["group", "topic", "partition"])
        stalled = GaugeMetricFamily("rrm_partition_stalled", "1 when a partition has lag and no progress",
                                    labels=["group", "topic", "partition"])
        for p in snap.get("partitions", []):
            labels = [p["group"], p["topic"], str(p["partition"])]
            lag.add_metric(labels, p["lag"])
            committed.add_metric(labels, p["committed"])
            stalled.add_metric(labels, 1.0 if p["status"] == "stalled" else 0.0)
        yield lag
        yield committed
        yield stalled
        funnel = self.monitor.journal_view(lambda j: j.funnel())
        reached = GaugeMetricFamily("rrm_funnel_mobilizations", "Mobilizations that reached a step",
                                    labels=["step"])
        minutes = GaugeMetricFamily("rrm_funnel_median_minutes", "Median minutes from start to a step",
                                    labels=["step"])
        for row in funnel:
            reached.add_metric([row["step"]], row["mobilizations"])
            if row["median_minutes"] is not None:
                minutes.add_metric([row["step"]], row["median_minutes"])
        yield reached
        yield minutes
        feeds = self.monitor.journal_view(lambda j: j.feed_activity(datetime.now(UTC)))
        articles = GaugeMetricFamily("rrm_feed_articles_last_hour", "Articles read from a feed in the last hour",
                                     labels=["feed"])
        for row in feeds:
            articles.add_metric([row["feed"]], row["last_hour"])
        yield articles


def make_registry(monitor: BusMonitor) -> CollectorRegistry:
    """A registry holding the monitor's collector."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MonitorCollector(monitor))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    """The text exposition format."""
    return generate_latest(registry)
