"""The kit's batch consumer for hot topics: whole fetched batches, no per-message stream.

Why this exists beside faust's agents (the stack names faust for stream processors; this is the one place that
reads a topic without faust's stream): faust hands every message through its conductor, an `Event`, a channel queue
and per-message acknowledgement bookkeeping. Measured on this machine (`benchmarks/bus.py`, raw bytes, an agent that
does nothing): faust's stream tops out at 5,800-7,100 messages/s of wall time (about 9,500 per CPU-second), below
the 10,000 msg/s the bus must carry through a worker, before any decoding or handling. aiokafka, the client faust
itself uses, hands over the same messages 25 times faster when asked for whole batches (`getmany`). So a hot topic
(`consume(..., direct=True)`) is read here with aiokafka's `getmany`, inside the same faust app: the app starts and
stops it (an `app.task`), its producer sends what the handler returns, its crash handling applies, and the handler,
batching, rejection, re-drive and logging are the very code of `bus.app` (`process`, `_take`, `_finish_batch`).

Delivery: per batch of one partition, the handler's records are handed to the producer without waiting; once a
second, when the topic goes quiet, before a partition is handed to another worker (rebalance) and on stop, the
producer is flushed (every send acknowledged by the broker, acks=all) and only then are the handled offsets
committed: at-least-once, like the faust agents (handlers are idempotent). A crash or a lost partition before that
redelivers the batch to the partition's next owner, which changes nothing (processed markers).

An app needs at least one faust agent besides its direct ones (faust's consumer refuses to start with no topic:
aiokafka rejects an empty subscription, and faust's start waits for an assignment); every stage has one.

The consumer group is `<app group>.<agent name>` (faust's own group speaks faust's assignment protocol, which a
plain consumer cannot join); operators see it on the dashboard beside the stage's group. Idle fetches wait the
app's short fetch wait (`create_app(fetch_wait_ms=...)`) or `kafka.batch_max_ms`, so a quiet stream is handled on time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from aiokafka.structs import OffsetAndMetadata

from .catalog import spec

log = structlog.get_logger(__name__)

#: Handled offsets are committed at least this often (and whenever the topic goes quiet, and on a rebalance).
COMMIT_INTERVAL_S = 1.0


def direct_group(app: Any, agent_name: str) -> str:
    """The consumer group of a direct agent."""
    return f"{app.conf.id}.{agent_name}"


def direct_agent(app: Any, topic: str, agent_name: str, process: Callable[[list[Any], Any], Awaitable[Any]],
                 consumer_id: str) -> Callable[[], Awaitable[None]]:
    """Register a task on `app` that reads catalog topic `topic` in batches and hands them to `process`."""
    # the kit's own steps (bus.app imports this module lazily)
    from .app import _SHORT_WAIT_APPS, _finish_batch, _take, reject_undecodable

    settings = app.rrm_settings
    kafka = settings.kafka
    entry = spec(topic)
    full_topic = entry.full_name(kafka.topic_prefix)
    record_type = entry.record
    fetch_wait_ms = _SHORT_WAIT_APPS.get(app.conf.id, max(kafka.batch_max_ms, 100))

    async def handle(messages: list[Any]) -> None:
        records: list[Any] = []
        taken: list[Any] = []
        redrives: list[str] = []
        for message in messages:
            try:
                record = record_type.from_json(message.value)
            except Exception as exc:  # undecodable: to `rejected`, the stream goes on
                await reject_undecodable(app, message, exc)
                continue
            _take(app, consumer_id, message, record, records, taken, redrives)
        if not records:
            return
        first = taken[0]
        bound = log.bind(topic=first.topic, partition=first.partition, offset=first.offset,
                         messages=len(records), agent=agent_name)
        sent, rejected = await process(records, bound)
        await _finish_batch(app, agent_name, consumer_id, taken, records, redrives, sent, rejected, bound)

    async def run() -> None:
        pending: dict[Any, int] = {}  # partition -> next offset, of batches handled but not yet committed

        async def commit(partitions: Any = None) -> None:
            """Flush the producer (everything sent is on the broker), then commit the handled offsets."""
            offsets = {tp: offset for tp, offset in pending.items() if partitions is None or tp in partitions}
            if not offsets:
                return
            await producer.flush()
            for tp in offsets:
                pending.pop(tp, None)
            try:
                await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in offsets.items()})
            except (CommitFailedError, IllegalStateError) as exc:  # partition moved: its new owner redoes the batch
                log.warning("batch.commit_failed", agent=agent_name, error=f"{type(exc).__name__}: {exc}",
                            partitions=sorted(f"{tp.topic}/{tp.partition}" for tp in offsets))

        class Listener(ConsumerRebalanceListener):
            async def on_partitions_revoked(self, revoked: Any) -> None:
                await commit(set(revoked))  # hand over what was handled, so the next owner starts after it

            async def on_partitions_assigned(self, assigned: Any) -> None:
                return None

        consumer = AIOKafkaConsumer(
            bootstrap_servers=kafka.servers.split(","),
            group_id=direct_group(app, agent_name),
            client_id=f"{kafka.client_id}-{agent_name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=fetch_wait_ms,
            max_partition_fetch_bytes=4 * 1024 * 1024,
            session_timeout_ms=int(kafka.session_timeout_s * 1000),
            heartbeat_interval_ms=int(kafka.heartbeat_interval_s * 1000),
            request_timeout_ms=int(max(kafka.request_timeout_s * 3, 30.0) * 1000),
        )
        producer = await app.maybe_start_producer()
        consumer.subscribe([full_topic], listener=Listener())
        await consumer.start()
        loop = asyncio.get_running_loop()
        last_commit = loop.time()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=kafka.batch_max_ms,
                                                 max_records=kafka.batch_max_messages)
                for tp, messages in batches.items():
                    try:
                        await handle(messages)
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:  # the handler gave up (see consume): crash loudly, redeliver later
                        pending.clear()
                        await app.crash(exc)
                        raise
                    pending[tp] = messages[-1].offset + 1
                # commit once a second, not per batch: a flush and a commit are two round trips to the broker
                if pending and (not batches or loop.time() - last_commit >= COMMIT_INTERVAL_S):
                    await commit()
                    last_commit = loop.time()
        finally:
            try:
                if pending:
                    await commit()
                await consumer.stop()
            except KafkaError as exc:  # stopping while the broker is gone: the batch is redelivered later
                log.warning("consumer.stop_failed", agent=agent_name, error=str(exc))

    run.__name__ = f"direct_{agent_name}"
    app.task(run)
    return run
