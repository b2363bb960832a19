"""Run faust apps inside a test and read topics back, against the real embedded broker."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kafka import KafkaConsumer, TopicPartition

from bus.catalog import spec
from config.settings import Settings


@contextmanager
def running_app(app, timeout: float = 60.0) -> Iterator[None]:
    """Start a faust app in a background thread with its own event loop; stop it on exit."""
    started = threading.Event()
    stop: dict[str, object] = {}
    errors: list[BaseException] = []

    def _run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app.loop = loop

        async def main() -> None:
            stop_event = asyncio.Event()
            stop["event"], stop["loop"] = stop_event, loop
            await app.start()
            started.set()
            await stop_event.wait()
            await app.stop()

        try:
            loop.run_until_complete(main())
        except BaseException as exc:  # surfaced to the test below
            errors.append(exc)
            started.set()
        finally:
            loop.close()

    thread = threading.Thread(target=_run, name=f"faust-{app.conf.id}", daemon=True)
    thread.start()
    if not started.wait(timeout):
        raise RuntimeError(f"faust app {app.conf.id} did not start within {timeout}s")
    if errors:
        raise errors[0]
    try:
        yield
    finally:
        loop = stop.get("loop")
        if loop is not None:
            loop.call_soon_threadsafe(stop["event"].set)  # type: ignore[union-attr]
        thread.join(timeout=30)


def read_topic(settings: Settings, name: str, *, expect: int = 1, timeout: float = 30.0,
               until: Callable[[list], bool] | None = None) -> list:
    """Read records from a catalog topic from the start until `expect` arrived (or `until` says so)."""
    entry = spec(name)
    full = entry.full_name(settings.kafka.topic_prefix)
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka.servers, enable_auto_commit=False,
                             consumer_timeout_ms=500, request_timeout_ms=20000)
    try:
        deadline = time.monotonic() + timeout
        while True:
            partitions = consumer.partitions_for_topic(full)
            if partitions:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"topic {full} does not exist")
            time.sleep(0.2)
        tps = [TopicPartition(full, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        found: list = []
        done = until or (lambda got: len(got) >= expect)
        while time.monotonic() < deadline and not done(found):
            for batch in consumer.poll(timeout_ms=300).values():
                for message in batch:
                    found.append(entry.record.from_json(message.value))
        return found
    finally:
        consumer.close()


def high_watermarks(servers: str, topic_partitions: list[TopicPartition], timeout: float = 15.0) -> dict:
    """The end offset of each partition, read from Fetch responses (tansu answers ListOffsets too low)."""
    consumer = KafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    try:
        consumer.assign(topic_partitions)
        consumer.seek_to_beginning(*topic_partitions)
        deadline = time.monotonic() + timeout
        marks: dict = {}
        while time.monotonic() < deadline and len(marks) < len(topic_partitions):
            consumer.poll(timeout_ms=200, max_records=1)
            for tp in topic_partitions:
                mark = consumer.highwater(tp)
                if mark is not None:
                    marks[tp] = mark
        if len(marks) < len(topic_partitions):
            raise AssertionError(f"no high watermark for {set(topic_partitions) - set(marks)}")
        return marks
    finally:
        consumer.close()
