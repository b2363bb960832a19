"""The operators' view of the bus, sampled in the web process every `monitor_interval_s` seconds.

- End offsets come from the high watermark that Fetch responses carry: tansu's ListOffsets(LATEST) is wrong
  (shared/GROUND.md), so `end_offsets()` is never used. A group-less consumer is assigned every catalog partition
  at an offset far past the end; each poll returns no records, only the high watermark.
- Committed offsets per group come from the admin API's OffsetFetch (`list_group_offsets`); groups are the ones
  the broker lists under our topic prefix plus one per stage (`<prefix><stage>`).
- The watchdog (web/watchdog.py) turns (committed, end) samples into ok / behind / stalled per partition.
- A second consumer tails the business topics from their start into a `Journal` (stories, funnel, feeds).
Kafka errors never stop the thread: the snapshot says the bus is unreachable and clients are rebuilt.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import Any

import structlog

from bus.catalog import TOPICS
from config.settings import Settings

from .journal import TOPICS as JOURNAL_TOPICS
from .journal import Journal
from .watchdog import PartitionWatch, assess_partition, rate, total_by_topic, worst

log = structlog.get_logger(__name__)
FAR_PAST_END = 2**40
HISTORY_S = 600
RATE_POINTS = 120  # samples of per-topic rates kept for a freshly opened dashboard's chart
RATE_WINDOW_S = 5.0
STAGE_GROUPS = ("ingest", "detect", "mobilize", "translate", "distribute", "registry")


class BusMonitor:
    """Samples the bus in a background thread; `snapshot()` is the latest picture (a JSON-able dict)."""

    def __init__(self, settings: Settings, clock=time.time) -> None:
        self.settings = settings
        self.prefix = settings.kafka.topic_prefix
        self.interval = settings.web.monitor_interval_s
        self.stall_after = settings.web.stall_after_s
        self.clock = clock
        self.journal = Journal()
        self._journal_lock = threading.Lock()
        self._watch: dict[tuple[str, str, int], PartitionWatch] = {}
        self._history: dict[str, deque] = {}
        self._rates: deque = deque(maxlen=RATE_POINTS)
        self._ends: dict[tuple[str, int], int] = {}
        self._snapshot: dict[str, Any] = {"at": None, "bus": {"ok": False, "error": "not sampled yet"},
                                          "topics": [], "groups": [], "partitions": []}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._offsets = None
        self._tail = None
        self._admin = None
        self._assigned_at = 0.0
        self._lock = threading.Lock()

    # lifecycle
    def start(self) -> None:
        """Start sampling in a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rrm-bus-monitor", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop sampling and close the clients."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._close()

    def rate_history(self) -> list[dict[str, Any]]:
        """The last samples' messages per second per topic, oldest first (to draw a chart at once)."""
        with self._lock:
            return list(self._rates)

    def snapshot(self) -> dict[str, Any]:
        """The latest sample."""
        with self._lock:
            return self._snapshot

    def _run(self) -> None:
        backoff = self.interval
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.sample_once()
                backoff = self.interval
            except Exception as exc:  # the monitor must outlive any bus trouble; shown to operators
                log.warning("monitor.sample_failed", error=f"{type(exc).__name__}: {exc}")
                with self._lock:
                    self._snapshot = {**self._snapshot, "bus": {"ok": False, "error": _short(exc)},
                                      "at": _iso(self.clock())}
                self._close()
                backoff = min(backoff * 2, 15.0)
            self._stop.wait(max(0.1, backoff - (time.monotonic() - started)))

    def _close(self) -> None:
        for client in (self._offsets, self._tail, self._admin):
            if client is not None:
                try:
                    client.close()
                except Exception as exc:  # closing a broken client; nothing more to do
                    log.debug("monitor.close_failed", error=str(exc))
        self._offsets = self._tail = self._admin = None

    # sampling
    def _clients(self) -> None:
        from kafka import KafkaAdminClient, KafkaConsumer

        kafka = self.settings.kafka
        common = {"bootstrap_servers": kafka.servers, "request_timeout_ms": int(kafka.request_timeout_s * 1000) + 5000,
                  "client_id": f"{kafka.client_id}-monitor",
                  # an unreachable bus must show on the dashboard within seconds, not after the 30 s default
                  "bootstrap_timeout_ms": 5000}
        if self._admin is None:
            self._admin = KafkaAdminClient(**common)
        if self._offsets is None:
            self._offsets = KafkaConsumer(group_id=None, enable_auto_commit=False, fetch_max_wait_ms=100,
                                          auto_offset_reset="latest", max_partition_fetch_bytes=65536, **common)
            self._assigned_at = 0.0
        if self._tail is None:
            self._tail = KafkaConsumer(group_id=None, enable_auto_commit=False, fetch_max_wait_ms=100,
                                       auto_offset_reset="earliest", **common)
            self._tail_assigned = False

    def _assign(self) -> None:
        from kafka import TopicPartition

        if time.monotonic() - self._assigned_at < 30 and self._offsets.assignment():
            return
        tps = []
        for spec in TOPICS:
            parts = self._offsets.partitions_for_topic(spec.full_name(self.prefix)) or set()
            tps.extend(TopicPartition(spec.full_name(self.prefix), p) for p in sorted(parts))
        if set(tps) != set(self._offsets.assignment()):
            self._offsets.assign(tps)
            for tp in tps:
                self._offsets.seek(tp, FAR_PAST_END)
        self._assigned_at = time.monotonic()
        if not self._tail_assigned:
            journal_tps = [tp for tp in tps if tp.topic[len(self.prefix):] in JOURNAL_TOPICS]
            if journal_tps:
                self._tail.assign(journal_tps)
                self._tail.seek_to_beginning(*journal_tps)
                self._tail_assigned = True

    def sample_once(self) -> dict[str, Any]:
        """Take one sample (the thread calls this every interval; tests may call it directly)."""
        self._clients()
        self._assign()
        now = self.clock()
        self._offsets.poll(timeout_ms=250)
        ends: dict[tuple[str, int], int] = {}
        for tp in self._offsets.assignment():
            high = self._offsets.highwater(tp)
            if high is not None:
                ends[(tp.topic, tp.partition)] = high
            elif (tp.topic, tp.partition) in self._ends:
                ends[(tp.topic, tp.partition)] = self._ends[(tp.topic, tp.partition)]
        self._ends = ends
        committed = self._committed()
        self._read_journal()
        snapshot = self._build(now, ends, committed)
        with self._lock:
            self._snapshot = snapshot
            self._rates.append({"at": snapshot["at"], "rates": {t["topic"]: t["rate"] for t in snapshot["topics"]}})
        return snapshot

    def _groups(self) -> list[str]:
        found = {f"{self.prefix}{stage}" for stage in STAGE_GROUPS}
        try:
            for group in self._admin.list_groups():
                group_id = group["group_id"] if isinstance(group, dict) else group[0]
                if group_id.startswith(self.prefix):
                    found.add(group_id)
        except Exception as exc:  # listing groups is optional; the stage groups are known
            log.debug("monitor.list_groups_failed", error=str(exc))
        return sorted(found)

    def _committed(self) -> dict[str, dict[tuple[str, int], int]]:
        result: dict[str, dict[tuple[str, int], int]] = {}
        offsets = self._admin.list_group_offsets({group: None for group in self._groups()})
        for group, partitions in offsets.items():
            committed = {(tp.topic, tp.partition): meta.offset for tp, meta in (partitions or {}).items()
                         if meta is not None and meta.offset is not None and meta.offset >= 0}
            if committed:
                result[group] = committed
        return result

    def _read_journal(self) -> None:
        if not self._tail_assigned:
            return
        for _ in range(20):  # bounded work per sample; catches up over a few samples
            batches = self._tail.poll(timeout_ms=50, max_records=2000)
            if not batches:
                return
            with self._journal_lock:
                for tp, messages in batches.items():
                    topic = tp.topic[len(self.prefix):]
                    for message in messages:
                        try:
                            value = json.loads(message.value)
                        except (ValueError, TypeError):
                            continue  # undecodable records are on `rejected` already
                        if isinstance(value, dict):
                            at = datetime.fromtimestamp(message.timestamp / 1000, UTC)
                            self.journal.apply(topic, value, at)

    def journal_view(self, fn):
        """Call `fn(journal)` under the journal's lock (pages read stories, funnel, feeds this way)."""
        with self._journal_lock:
            return fn(self.journal)

    def _build(self, now: float, ends: dict[tuple[str, int], int],
               committed: dict[str, dict[tuple[str, int], int]]) -> dict[str, Any]:
        totals = total_by_topic(ends)
        topics = []
        for spec in TOPICS:
            full = spec.full_name(self.prefix)
            if full not in totals:
                continue
            history = self._history.setdefault(spec.name, deque())
            history.append((now, totals[full]))
            while history and now - history[0][0] > HISTORY_S:
                history.popleft()
            topics.append({"topic": spec.name, "messages": totals[full],
                           "rate": round(rate(history, RATE_WINDOW_S), 2),
                           "partitions": sum(1 for (t, _p) in ends if t == full)})
        partitions = []
        groups = []
        for group, offsets in sorted(committed.items()):
            consumed_topics = {t for (t, _p) in offsets}
            rows = []
            for (topic, partition), end in sorted(ends.items()):
                if topic not in consumed_topics:
                    continue
                key = (group, topic, partition)
                state = assess_partition(self._watch.get(key), offsets.get((topic, partition)), end, now,
                                         self.stall_after)
                self._watch[key] = state
                row = {"group": group[len(self.prefix):], "topic": topic[len(self.prefix):], "partition": partition,
                       "committed": state.committed, "end": end, "lag": state.lag, "status": state.status,
                       "stalled_for": round(state.stalled_for(now), 1)}
                rows.append(row)
            partitions.extend(rows)
            groups.append({"group": group[len(self.prefix):], "lag": sum(r["lag"] for r in rows),
                           "status": worst(r["status"] for r in rows), "partitions": len(rows)})
        return {"at": _iso(now), "bus": {"ok": True, "error": ""}, "topics": topics, "groups": groups,
                "partitions": partitions, "stall_after_s": self.stall_after}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < 300 else text[:297] + "..."
