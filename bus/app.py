"""The faust app factory: one app per process role, tuned for the embedded broker and for real Kafka alike.

A message that cannot be decoded never reaches an agent body: `RejectingTopic` puts it on `rejected` with its reason
and raw bytes and lets the stream go on. `consume()` wraps a plain handler into an agent that logs one line per
message, sends what the handler returns, and routes `InvalidMessage` (and only that, with record validation errors)
to `rejected`.
"""

from __future__ import annotations

import asyncio
import base64
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import faust
import faust.exceptions
import structlog
from faust.types import Message

from config.settings import Settings
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
        cause = exc.__cause__ or exc
        reason = f"cannot decode: {type(cause).__name__}: {cause}"
        record = rejection(message, reason, cause, consumer=self.app.conf.id)
        log.warning("message.rejected", topic=message.topic, partition=message.partition, offset=message.offset,
                    reason=reason)
        await self.app.rrm_topic("rejected").send(key=message.topic, value=record)


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


def create_app(role: str, settings: Settings, **overrides: Any) -> RrmApp:
    """The faust app of one process role (`detect`, `mobilize`, ...): its consumer group is `<prefix><role>`."""
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
    return app


Handler = Callable[[Any], Awaitable[Outgoing | None]]


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


def consume(app: RrmApp, topic: str, handler: Handler, *, name: str | None = None, concurrency: int = 1,
            give_up_after_s: float = 600.0):
    """Register an agent on a catalog topic that calls `handler(record)` for each message.

    The handler returns the records to send. `InvalidMessage` (or a record's validation error, see `REJECTS`) sends
    the message to `rejected` and the stream goes on. Any other error (database or broker unavailable, a bug,
    a plain `ValueError`) is retried
    with back-off, holding the partition (back-pressure: nothing later is handled or committed meanwhile); after
    `give_up_after_s` the worker crashes, so the message is redelivered when it restarts (at-least-once; handlers are
    idempotent).
    """
    agent_name = name or f"{getattr(handler, '__name__', 'handle')}"

    async def handle_with_retries(value: Any, bound: Any) -> Outgoing | None:
        delay, waited = 0.2, 0.0
        while True:
            try:
                return await handler(value)
            except REJECTS:
                raise
            except Exception as exc:
                if waited >= give_up_after_s:
                    bound.error("message.failed", error=traceback.format_exc(limit=5), gave_up_after_s=waited)
                    raise
                bound.warning("message.retry", error=f"{type(exc).__name__}: {str(exc)[:300]}", retry_in_s=delay)
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, 15.0)

    consumer_id = f"{app.conf.id}/{agent_name}"

    async def run(stream: faust.StreamT) -> None:
        async for event in stream.events():
            message = event.message
            redrive_id, redrive_for = _redrive_headers(message)
            if redrive_id:
                if redrive_for and redrive_for not in (consumer_id, app.conf.id):
                    continue  # re-driven for the consumer that rejected it; this one applied the original
                event.value.message_id = redriven_message_id(redrive_id, event.value.message_id)
            bound = log.bind(topic=message.topic, partition=message.partition, offset=message.offset,
                             message_id=getattr(event.value, "message_id", ""), agent=agent_name)
            try:
                outgoing = await handle_with_retries(event.value, bound)
            except REJECTS as exc:
                bound.warning("message.rejected", reason=str(exc))
                record = rejection(message, f"{type(exc).__name__}: {exc}", exc, consumer=consumer_id)
                await app.publish("rejected", record, key=message.topic)
                if redrive_id:
                    await _settle(app, redrive_id, REJECTED_AGAIN, f"{type(exc).__name__}: {exc}", bound)
                continue
            except Exception as exc:
                await app.crash(exc)
                raise
            sent = 0
            for out_topic, record in outgoing or ():
                await app.publish(out_topic, record)
                sent += 1
            if redrive_id:
                await _settle(app, redrive_id, APPLIED, "", bound)
            bound.info("message.handled", sent=sent, redrive_id=redrive_id or None)

    run.__name__ = agent_name
    return app.agent(app.rrm_topic(topic), name=agent_name, concurrency=concurrency)(run)
