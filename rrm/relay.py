"""The outbox relay process: publishes what stages wrote to the outbox, and prunes what is old (hourly)."""

from __future__ import annotations

import signal
from datetime import timedelta

import structlog

from bus.publisher import KafkaPublisher
from config.logging import configure_logging
from config.settings import Settings
from db.engine import make_engine, session_factory
from db.outbox import OutboxRelay

log = structlog.get_logger(__name__)


def run_relay(settings: Settings) -> None:
    """Relay the outbox until SIGTERM or Ctrl-C."""
    configure_logging(settings.log_level, settings.log_format)
    engine = make_engine(settings.database_url)
    publisher = KafkaPublisher(settings.kafka)
    relay = OutboxRelay(session_factory(engine), publisher, settings.kafka.topic_prefix,
                        ack_timeout_s=max(3 * settings.kafka.request_timeout_s, 30.0),
                        retention=timedelta(hours=settings.kafka.outbox_retention_hours))
    signal.signal(signal.SIGTERM, lambda *_: relay.stop())
    log.info("relay.started")
    try:
        relay.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        publisher.close()
        engine.dispose()
        log.info("relay.stopped")
