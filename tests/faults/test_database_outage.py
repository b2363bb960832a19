"""PostgreSQL refuses connections for a while: consumers hold their place, retry, and apply everything once."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from bus.admin import ensure_topics
from bus.app import consume, create_app
from bus.publisher import KafkaPublisher
from bus.records import ArticleIngested
from db.engine import make_engine, session_factory, transaction
from db.idempotency import first_time
from db.migrate import upgrade
from db.tables import ProcessedMessage
from tests.conftest import PG_ADMIN_URL, _pg_database, _pg_drop, make_settings
from tests.support.streams import running_app


def _admin(sql: str) -> None:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_a_database_outage_delays_but_loses_nothing(broker, tmp_path):
    """While the database refuses connections, messages wait; when it is back, all 20 are applied exactly once."""
    name = f"rrm_outage_{uuid.uuid4().hex[:10]}"
    url = _pg_database(name)
    upgrade(url)
    settings = make_settings(tmp_path, servers=broker.bootstrap_servers, db_url=url)
    ensure_topics(settings.kafka)
    engine = make_engine(url)
    sessions = session_factory(engine)

    def applied() -> int:
        with sessions() as session:
            return session.scalar(select(func.count()).select_from(ProcessedMessage)) or 0

    app = create_app("faults-db", settings)

    async def apply(record: ArticleIngested):
        with transaction(sessions) as session:
            first_time(session, "outage-consumer", record.message_id)

    consume(app, "articles.ingested", apply, name="apply")
    publisher = KafkaPublisher(settings.kafka)
    try:
        with running_app(app):
            for i in range(10):
                publisher.publish("articles.ingested", ArticleIngested(article_id=f"before-{i}"))
            publisher.flush()
            deadline = time.monotonic() + 60
            while applied() < 10 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert applied() == 10

            _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            # S608: the name is our own test database's, not input
            _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")  # noqa: S608
            for i in range(10):
                publisher.publish("articles.ingested", ArticleIngested(article_id=f"during-{i}"))
            publisher.flush()
            time.sleep(4)  # the consumer is retrying against a database that refuses it
            _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

            deadline = time.monotonic() + 90
            while applied() < 20 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert applied() == 20
    finally:
        publisher.close()
        engine.dispose()
        _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        _pg_drop(name)
