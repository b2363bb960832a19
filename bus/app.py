"""The faust app factory: one app per process role, tuned for the embedded broker and for real Kafka alike.

The worker kit's agents (with `bus/worker.py`). A message that cannot be decoded never reaches an agent body:
`RejectingTopic` puts it on `rejected` with its reason and raw bytes and lets the stream go on. `consume()` wraps a
plain handler into an agent that takes messages in batches (`kafka.batch_max_messages` or `kafka.batch_max_ms`),
hands what the handler returns to the producer without waiting on it, acknowledges the batch and logs one line per
batch; `consume_in_transaction()` does the same for a handler that takes the caller's session, in one transaction per
batch with a processed marker per message and the returned records in the outbox. Only `InvalidMessage` (and a
record's validation error, or the stage errors it is given) sends a message to `rejected`, alone.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import faust
import faust.exceptions
import structlog
import tenacity
from faust.types import Message
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from db.engine import transaction
from db.idempotency import first_time
from db.outbox import add_to_outbox
from db.redrives import (
    APPLIED,
    REDRIVE_FOR_HEADER,
    REDRIVE_ID_HEADER,
    REJECTED_AGAIN,
    redriven_message_id,
    settle_redrive,
)

from .catalog import TopicSpec, spec
from .records import MessageRejected, Record

log = structlog.get_logger(__name__)

#: What a handler returns: records to send, each with the unprefixed catalog name of its topic.
Outgoing = Iterable[tuple[str, Record]]


class InvalidMessage(ValueError):
    """The one exception that means "this message itself is invalid": `consume` sends it to `rejected`.

    Raise it (or a subclass) from a handler for a message that makes no sense to its consumer. Any other exception,
    a plain `ValueError` included, is taken for a bug or an outage: retried, then the worker crashes loudly.
    """


#: What sends a message to `rejected` from inside a handler: `InvalidMessage`, and a record failing its own
#: validation (faust's `ValidationError`). Undecodable bytes never reach a handler (`RejectingTopic`).
REJECTS: tuple[type[BaseException], ...] = (InvalidMessage, faust.exceptions.ValidationError)


def _b64(value: bytes | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def rejection(message: Message, reason: str, error: BaseException | None, consumer: str) -> MessageRejected:
    """The `rejected` record for a message that could not be used."""
    headers = {}
    for k, v in (message.headers or []):
        headers[str(k)] = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
    return MessageRejected(
        source_topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        consumer=consumer,
        reason=reason[:2000],
        error_type=type(error).__name__ if error else "",
        key_b64=_b64(message.key),
        raw_b64=_b64(message.value),
        headers=headers,
    )


class RejectingTopic(faust.Topic):
    """A topic whose undecodable messages go to `rejected` instead of crashing the agent."""

    async def on_key_decode_error(self, exc: Exception, message: Message) -> None:
        await self._reject(exc, message)

    async def on_value_decode_error(self, exc: Exception, message: Message) -> None:
        await self._reject(exc, message)

    async def _reject(self, exc: Exception, message: Message) -> None:
        await reject_undecodable(self.app, message, exc)


async def reject_undecodable(app: Any, message: Message, exc: BaseException) -> None:
    """Put a message whose bytes are no record on `rejected`, with its reason and raw bytes (both engines)."""
    cause = exc.__cause__ or exc
    reason = f"cannot decode: {type(cause).__name__}: {cause}"
    record = rejection(message, reason, cause, consumer=app.conf.id)
    log.warning("message.rejected", topic=message.topic, partition=message.partition, offset=message.offset,
                reason=reason)
    await app.rrm_topic("rejected").send(key=message.topic, value=record)


class RrmApp(faust.App):
    """A faust app that knows the catalog: `app.rrm_topic("articles.ingested")`."""

    rrm_settings: Settings

    def rrm_topic(self, name: str) -> faust.TopicT:
        """The faust topic for a catalog entry (cached)."""
        cache: dict[str, faust.TopicT] = self.__dict__.setdefault("_rrm_topics", {})
        if name not in cache:
            entry: TopicSpec = spec(name)
            cache[name] = self.topic(
                entry.full_name(self.rrm_settings.kafka.topic_prefix),
                key_type=bytes,
                value_type=entry.record,
                partitions=entry.partitions or self.rrm_settings.kafka.default_partitions,
                value_serializer="json",
                key_serializer="raw",
            )
        return cache[name]

    async def publish(self, name: str, record: Record, key: str | None = None) -> None:
        """Send a record to a catalog topic, keyed as the catalog says."""
        from .publisher import record_key

        entry = spec(name)
        key_value = key or record_key(entry, record)
        await self.rrm_topic(name).send(key=key_value.encode("utf-8"), value=record)


def create_app(role: str, settings: Settings, *, fetch_wait_ms: int | None = None, **overrides: Any) -> RrmApp:
    """The faust app of one process role (`detect`, `mobilize`, ...): its consumer group is `<prefix><role>`.

    `fetch_wait_ms` shortens the consumer's idle fetch (see `shorten_fetch_wait`) for latency-bound stages.
    """
    kafka = settings.kafka
    options: dict[str, Any] = {
        "broker": [f"kafka://{server}" for server in kafka.servers.split(",")],
        "Topic": RejectingTopic,
        "value_serializer": "json",
        "topic_partitions": kafka.default_partitions,
        "topic_replication_factor": kafka.replication_factor,
        "topic_disable_leader": True,
        # joins and rebalances wait about half the session timeout (shared/GROUND.md)
        "broker_session_timeout": kafka.session_timeout_s,
        "broker_heartbeat_interval": kafka.heartbeat_interval_s,
        "broker_rebalance_timeout": kafka.session_timeout_s,
        "broker_request_timeout": max(kafka.request_timeout_s * 3, 30.0),
        "broker_commit_every": 100,
        "broker_commit_interval": 1.0,
        "consumer_auto_offset_reset": "earliest",
        "producer_acks": -1,
        # one request carries many records: with faust's 16 KiB batches a busy agent waited on the broker for every
        # few dozen records it sent (benchmarks/bus.py); 1 ms of linger costs a quiet hop nothing noticeable
        "producer_max_batch_size": 512 * 1024,
        "producer_linger": 0.001,
        "web_enabled": False,
        "store": "memory://",
        "datadir": str(settings.data_dir / "faust" / role),
        "autodiscover": False,
        "processing_guarantee": "at_least_once",
    }
    options.update(overrides)
    (settings.data_dir / "faust" / role).mkdir(parents=True, exist_ok=True)
    app = RrmApp(f"{kafka.topic_prefix}{role}", **options)
    app.rrm_settings = settings
    speed_up_message_handoff()
    if fetch_wait_ms is not None:
        shorten_fetch_wait(app, fetch_wait_ms)
    return app


#: A per-message handler for `consume`: async, or a plain function with `in_thread=True`.
Handler = Callable[[Any], Awaitable[Outgoing | None]] | Callable[[Any], Outgoing | None]
#: A handler for `consume_in_transaction`: takes the caller's session and the record, returns what to emit.
SessionHandler = Callable[[Session, Any], Outgoing | None]


def _redrive_headers(message: Message) -> tuple[str, str]:
    """The re-drive id and the consumer it is meant for, if an operator re-drove this message (db/redrives.py)."""
    found = {}
    for k, v in (message.headers or []):
        if k in (REDRIVE_ID_HEADER, REDRIVE_FOR_HEADER):
            found[k] = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
    return found.get(REDRIVE_ID_HEADER, ""), found.get(REDRIVE_FOR_HEADER, "")


async def _settle(app: RrmApp, redrive_id: str, outcome: str, reason: str, bound: Any) -> None:
    """Tell operators what became of a re-driven message; a store that cannot be reached is logged, not raised."""
    from db.engine import make_engine, session_factory

    cache = app.__dict__.setdefault("_rrm_redrive_store", {})
    try:
        if "sessions" not in cache:
            cache["sessions"] = session_factory(make_engine(app.rrm_settings.database_url))
        await asyncio.to_thread(settle_redrive, cache["sessions"], redrive_id, outcome, reason)
    except Exception as exc:  # the outcome is for display; the message itself was handled
        bound.warning("redrive.outcome_not_recorded", redrive_id=redrive_id, error=f"{type(exc).__name__}: {exc}")


class _Rejected(Exception):
    """Internal: message `index` of a batch was rejected by its handler (the batch is applied again without it)."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.index, self.error = index, error


async def _with_retries(call: Callable[[], Awaitable[Any]], bound: Any, give_up_after_s: float) -> Any:
    """Run `call` until it succeeds; rejections go through at once, anything else is retried with back-off.

    Back-pressure: while this waits, the partition is held and nothing later is handled or committed. After
    `give_up_after_s` the error is raised (the worker crashes; the batch is redelivered when it restarts).
    """
    retrying = tenacity.AsyncRetrying(
        retry=tenacity.retry_if_not_exception_type((*REJECTS, _Rejected)),
        wait=tenacity.wait_exponential(multiplier=0.2, min=0.2, max=15.0),
        stop=tenacity.stop_after_delay(give_up_after_s),
        before_sleep=lambda state: bound.warning(
            "message.retry", error=f"{type(state.outcome.exception()).__name__}: "
            f"{str(state.outcome.exception())[:300]}", retry_in_s=round(state.upcoming_sleep, 2)),
        reraise=True,
    )
    async def attempt() -> Any:  # tenacity awaits only coroutine functions, not lambdas returning awaitables
        return await call()

    try:
        return await retrying(attempt)
    except (*REJECTS, _Rejected):
        raise
    except Exception:
        bound.error("message.failed", error=traceback.format_exc(limit=5), gave_up_after_s=give_up_after_s)
        raise


def _apply_batch(sessions: sessionmaker[Session], handler: SessionHandler, items: list[tuple[int, Any]],
                 consumer: str, errors: tuple[type[BaseException], ...],
                 on_rollback: Callable[[], None] | None) -> dict[int, BaseException]:
    """Apply `items` in one transaction, a processed marker per message; return the rejected ones by index.

    A message whose handler raises one of `errors` (or `REJECTS`) is rejected alone: the transaction is rolled back
    and the batch applied again without it (no savepoints: pysqlite's are unreliable). `on_rollback` lets a stage
    reload in-memory state after any rollback, so memory never runs ahead of the store.
    """
    rejected: dict[int, BaseException] = {}
    while True:
        try:
            with transaction(sessions) as session:
                for index, record in items:
                    if index in rejected or not first_time(session, consumer, record.message_id):
                        continue
                    try:
                        outgoing = handler(session, record)
                    except (*REJECTS, *errors) as exc:
                        raise _Rejected(index, exc) from exc
                    for topic, out in outgoing or ():
                        add_to_outbox(session, topic, out)
            return rejected
        except _Rejected as exc:
            rejected[exc.index] = exc.error
            if on_rollback is not None:
                on_rollback()
        except Exception:
            if on_rollback is not None:
                on_rollback()
            raise


async def _finish_batch(app: RrmApp, agent_name: str, consumer_id: str, messages: list[Any], records: list[Any],
                        redrives: list[str], sent: list[Any], rejected: dict[int, BaseException], bound: Any) -> None:
    """After a batch was applied: publish its rejections, settle re-drives, log one line (both engines)."""
    for index, exc in rejected.items():
        message = messages[index]
        log.warning("message.rejected", topic=message.topic, partition=message.partition,
                    offset=message.offset, message_id=getattr(records[index], "message_id", ""),
                    agent=agent_name, reason=str(exc))
        record = rejection(message, f"{type(exc).__name__}: {exc}", exc, consumer=consumer_id)
        await app.publish("rejected", record, key=message.topic)
    for index, redrive_id in enumerate(redrives):
        if redrive_id:
            failed = rejected.get(index)
            outcome, why = (REJECTED_AGAIN, f"{type(failed).__name__}: {failed}") if failed else (APPLIED, "")
            await _settle(app, redrive_id, outcome, why, bound)
    if logging.getLogger(__name__).isEnabledFor(logging.DEBUG):  # one line per message at DEBUG only
        for message, record in zip(messages, records, strict=True):
            log.debug("message.handled", topic=message.topic, partition=message.partition,
                      offset=message.offset, message_id=getattr(record, "message_id", ""))
    bound.info("batch.handled", sent=len(sent), rejected=len(rejected))


def _take(app: RrmApp, consumer_id: str, message: Any, record: Any, records: list[Any], messages: list[Any],
          redrives: list[str]) -> None:
    """Add one decoded message to a batch, honouring re-drive headers (both engines)."""
    redrive_id, redrive_for = _redrive_headers(message)
    if redrive_id:
        if redrive_for and redrive_for not in (consumer_id, app.conf.id):
            return  # re-driven for the consumer that rejected it; this one applied the original
        record.message_id = redriven_message_id(redrive_id, record.message_id)
    records.append(record)
    messages.append(message)
    redrives.append(redrive_id)


def _batch_agent(app: RrmApp, topic: str, agent_name: str, process: Callable[[list[Any], Any], Awaitable[Any]],
                 concurrency: int, direct: bool = False):
    """Register an agent that hands `process(records, bound)` batches of at most N messages or T ms.

    `process` returns `(sent, rejected)`: the send futures of what it published and the rejected messages by index.
    The kit then publishes rejections, settles re-drives, logs one line per batch,
    and only then are the messages acknowledged (faust commits acknowledged offsets).
    With `direct=True` the topic is read by the kit's own batch consumer instead (`bus.direct`).
    """
    kafka = app.rrm_settings.kafka
    consumer_id = f"{app.conf.id}/{agent_name}"
    if direct:
        from .direct import direct_agent

        return direct_agent(app, topic, agent_name, process, consumer_id)

    async def run(stream: faust.StreamT) -> None:
        async for events in stream.take_events(kafka.batch_max_messages, within=kafka.batch_max_ms / 1000):
            records: list[Any] = []
            messages: list[Any] = []
            redrives: list[str] = []
            for event in events:
                _take(app, consumer_id, event.message, event.value, records, messages, redrives)
            if not records:
                continue
            first = messages[0]
            bound = log.bind(topic=first.topic, partition=first.partition, offset=first.offset,
                             messages=len(records), agent=agent_name)
            try:
                # `sent` are the producer's futures: not awaited here (as before the kit), because one round trip to
                # the broker per batch halved the throughput; faust's producer delivers them in order, acks=all
                sent, rejected = await process(records, bound)
            except Exception as exc:
                await app.crash(exc)
                raise
            await _finish_batch(app, agent_name, consumer_id, messages, records, redrives, sent, rejected, bound)

    run.__name__ = agent_name
    return app.agent(app.rrm_topic(topic), name=agent_name, concurrency=concurrency)(run)


async def _send_all(app: RrmApp, records: list[tuple[str, Record]], sent: list[Any]) -> None:
    """Hand a batch's records to the producer without waiting for the broker (their futures go to `sent`).

    Straight to faust's producer with the record's own JSON and the catalog's key: the same bytes, key and
    partitioner as `Topic.send`, without its per-message future, sensors and channel machinery. Called once per
    batch (the producer looked up and its start checked once, each topic's name worked out once), not per message:
    at a few thousand messages a second those steps were a tenth of a hop's cost.
    """
    from .publisher import record_key

    if not records:
        return
    producer = await app.maybe_start_producer()
    send = producer.send
    prefix = app.rrm_settings.kafka.topic_prefix
    names: dict[str, tuple[Any, str]] = {}
    for out_topic, record in records:
        named = names.get(out_topic)
        if named is None:
            entry = spec(out_topic)
            named = names[out_topic] = (entry, entry.full_name(prefix))
        sent.append(await send(named[1], record_key(named[0], record).encode("utf-8"), record.to_json(),
                               None, None, None))


async def _inline(function: Callable[..., Any], *args: Any) -> Any:
    """`asyncio.to_thread`'s shape, on the event loop (a batch with nothing worth a thread)."""
    return function(*args)


#: With `consume(..., on_loop=True)`, the event loop is served after at most this many messages of a batch.
ON_LOOP_SLICE = 64


def consume(app: RrmApp, topic: str, handler: Handler, *, name: str | None = None, concurrency: int = 1,
            give_up_after_s: float = 600.0, in_thread: bool = False, on_loop: bool = False, direct: bool = False):
    """Register an agent on a catalog topic that calls `handler(record)` for each message, in batches.

    Messages come in batches of at most `kafka.batch_max_messages` or `kafka.batch_max_ms` (a quiet stream is
    handled on time). The handler returns the records to send; they are handed to the producer without waiting on
    each, then the batch's messages are acknowledged. `in_thread=True` takes a plain function and runs the whole
    batch in one worker thread (handlers that block, off the event loop; an async handler that blocks for a few of
    its messages awaits `asyncio.to_thread` for those only). `on_loop=True` takes a plain function that only
    computes (it never waits on a database, a file or the network) and runs it on the event loop, serving the loop
    after every `ON_LOOP_SLICE` messages (heartbeats, fetches and the app's other agents wait for one slice, not a
    batch): a thread would only take the interpreter's lock in turns with the loop, which cost a detect worker a
    fifth of its throughput (`benchmarks/scale_detect.py`).
    `InvalidMessage` (or a record's validation error, see `REJECTS`) sends that message to `rejected` and the rest
    of the batch goes on. Any other error (database or broker unavailable, a bug, a plain `ValueError`) is retried
    with back-off, holding the partition (back-pressure: nothing later is handled or committed meanwhile); after
    `give_up_after_s` the worker crashes, so the batch is redelivered when it restarts (at-least-once; handlers are
    idempotent). `direct=True` reads the topic with the kit's batch consumer (`bus.direct`, for hot topics).
    """
    agent_name = name or f"{getattr(handler, '__name__', 'handle')}"

    def run_sync(records: list[Any], start: int, end: int) -> tuple[list[Any], dict[int, BaseException], int]:
        results, rejected = [], {}
        for index in range(start, end):
            try:
                results.append((index, handler(records[index])))
            except REJECTS as exc:
                rejected[index] = exc
            except Exception:
                return results, rejected, index  # stop at the failure: retried from there
        return results, rejected, end

    async def process(records: list[Any], bound: Any) -> tuple[list[Any], dict[int, BaseException]]:
        sent: list[Any] = []
        rejected: dict[int, BaseException] = {}
        outgoing: list[tuple[str, Record]] = []  # the batch's records to send, in order, handed over at its end
        if in_thread or on_loop:
            run, step = (_inline, ON_LOOP_SLICE) if on_loop else (asyncio.to_thread, len(records))
            start = 0
            while start < len(records):
                end = min(len(records), start + step)
                results, refused, stop = await run(run_sync, records, start, end)
                rejected.update(refused)
                for _, out in results:
                    if out:
                        outgoing.extend(out)
                if stop < len(records):  # a failure: retry that message alone with back-off, then go on
                    index = stop
                    try:
                        out = await _with_retries(lambda i=index: run(handler, records[i]), bound, give_up_after_s)
                        if out:
                            outgoing.extend(out)
                    except REJECTS as exc:
                        rejected[index] = exc
                    stop += 1
                start = stop
                if on_loop and start < len(records):
                    await asyncio.sleep(0)  # serve the loop between slices
            await _send_all(app, outgoing, sent)
            return sent, rejected
        for index, record in enumerate(records):
            try:
                try:
                    out = await handler(record)  # the common case without tenacity's cost per message
                except REJECTS:
                    raise
                except Exception as exc:  # retried with back-off (tenacity) from here on
                    bound.warning("message.retry", error=f"{type(exc).__name__}: {str(exc)[:300]}", retry_in_s=0)
                    out = await _with_retries(lambda r=record: handler(r), bound, give_up_after_s)
            except REJECTS as exc:
                rejected[index] = exc
                continue
            if out:
                outgoing.extend(out)
        await _send_all(app, outgoing, sent)
        return sent, rejected

    return _batch_agent(app, topic, agent_name, process, concurrency, direct)


def consume_in_transaction(app: RrmApp, topic: str, handler: SessionHandler, *, sessions: sessionmaker[Session],
                           name: str | None = None, errors: tuple[type[BaseException], ...] = (),
                           consumer: str | None = None, on_rollback: Callable[[], None] | None = None,
                           concurrency: int = 1, give_up_after_s: float = 600.0, direct: bool = False):
    """Register an agent whose plain `handler(session, record)` runs in a transaction the kit opens and commits.

    Per batch (see `consume`), in one worker thread: one transaction; per message the processed marker
    (`db.idempotency.first_time(session, consumer, message_id)`, `consumer` defaults to `<group>/<name>`: a
    redelivered message is skipped), the handler, and an outbox row for every record it returns; then commit.
    A handler error of a type in `errors` (the stage's "this message makes no sense") or in `REJECTS` sends that
    message to `rejected` alone and the rest of the batch is applied. Other errors roll the batch back and retry it
    with back-off (`on_rollback` runs after every rollback, e.g. to reload in-memory state from the store).
    """
    agent_name = name or f"{getattr(handler, '__name__', 'handle')}"
    marker = consumer or f"{app.conf.id}/{agent_name}"

    async def process(records: list[Any], bound: Any) -> tuple[list[Any], dict[int, BaseException]]:
        items = list(enumerate(records))
        rejected = await _with_retries(
            lambda: asyncio.to_thread(_apply_batch, sessions, handler, items, marker, errors, on_rollback),
            bound, give_up_after_s)
        return [], rejected

    return _batch_agent(app, topic, agent_name, process, concurrency, direct)


_SHORT_WAIT_APPS: dict[str, int] = {}


def shorten_fetch_wait(app: RrmApp, wait_ms: int) -> None:
    """Let this app's consumer return from an idle fetch after `wait_ms` instead of faust's fixed 1,500 ms.

    Why this patch lives here: faust hard-codes `fetch_max_wait_ms=1500` for its consumer and offers no setting for
    it, and the embedded broker (tansu) holds an idle fetch that long even when a message arrives meanwhile, so each
    hop of a quiet pipeline could add up to 1.5 s (a flag must reach the duty officer within a second). It wraps
    faust's consumer factory once and applies only to the apps registered here (`create_app(fetch_wait_ms=...)`).
    """
    from faust.transport.drivers import aiokafka as driver

    _SHORT_WAIT_APPS[app.conf.id] = wait_ms
    factory = driver.AIOKafkaConsumerThread._create_worker_consumer
    if getattr(factory, "_rrm_short_wait", False):
        return

    def create(self, transport):  # noqa: ANN001, ANN202 - faust's signature
        consumer = factory(self, transport)
        wait = _SHORT_WAIT_APPS.get(self.app.conf.id)
        if wait is not None:
            consumer._fetch_max_wait_ms = wait
        return consumer

    create._rrm_short_wait = True  # type: ignore[attr-defined]
    driver.AIOKafkaConsumerThread._create_worker_consumer = create


class _Resumed:
    """Awaitable that drives an already started coroutine on from the future it is waiting for."""

    __slots__ = ("coro", "fut")

    def __init__(self, coro: Any, fut: Any) -> None:
        self.coro, self.fut = coro, fut

    def __await__(self):  # noqa: ANN204 - a generator, as asyncio expects
        coro, fut = self.coro, self.fut
        while True:
            try:
                yield fut
            except BaseException as exc:  # cancelled while waiting: hand it to the coroutine
                try:
                    fut = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    fut = coro.send(None)
                except StopIteration as stop:
                    return stop.value


def speed_up_message_handoff() -> None:
    """Hand each fetched message to faust's topic callback without four tasks per message when nothing blocks.

    Why this patch lives here: faust's consumer loop (`Consumer._drain_messages`) awaits
    `wait_first(callback(message), suspend_flow.wait())` for every message, which creates four tasks and an
    `asyncio.wait` per message (about a fifth of the bus's cost in a profile of `benchmarks/bus.py`), only so that a
    callback blocked on a full or suspended queue can be abandoned when a rebalance suspends the flow. This runs the
    callback's first step directly; when it completes there (the queue had room: the common case) nothing else is
    needed, and when it would wait, faust's own `wait_first` takes it from where it stopped, with the same outcome
    as before. Applied once, to faust's aiokafka consumer class (the only caller of its `wait_first`).
    """
    from faust.transport.drivers import aiokafka as driver
    from mode.services import WaitResults

    original = driver.Consumer.wait_first
    if getattr(original, "_rrm_fast", False):
        return

    async def wait_first(self, *coros: Any, timeout: Any = None) -> Any:  # noqa: ANN001 - faust's signature
        if len(coros) != 2 or not asyncio.iscoroutine(coros[0]) or self.suspend_flow.is_set() or self.should_stop:
            return await original(self, *coros, timeout=timeout)
        callback, other = coros
        try:
            fut = callback.send(None)
        except StopIteration as stop:
            other.close()
            return WaitResults([callback], [stop.value], False)
        except BaseException:
            other.close()
            raise
        return await original(self, _Resumed(callback, fut), other, timeout=timeout)

    wait_first._rrm_fast = True  # type: ignore[attr-defined]
    driver.Consumer.wait_first = wait_first

