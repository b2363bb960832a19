"""The admin step: create every topic of the catalog (before any worker starts, so that partitions are right)."""

from __future__ import annotations

import structlog
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from config.settings import KafkaSettings

from .catalog import TOPICS

log = structlog.get_logger(__name__)


def admin_client(kafka: KafkaSettings) -> KafkaAdminClient:
    """A kafka-python admin client for the configured cluster."""
    return KafkaAdminClient(
        bootstrap_servers=kafka.servers,
        client_id=f"{kafka.client_id}-admin",
        request_timeout_ms=int(kafka.request_timeout_s * 1000),
    )


def ensure_topics(kafka: KafkaSettings) -> list[str]:
    """Create the catalog's topics that do not exist yet; return the names created."""
    admin = admin_client(kafka)
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(
                name=t.full_name(kafka.topic_prefix),
                num_partitions=t.partitions or kafka.default_partitions,
                replication_factor=kafka.replication_factor,
                topic_configs=t.configs(),
            )
            for t in TOPICS
            if t.full_name(kafka.topic_prefix) not in existing
        ]
        created: list[str] = []
        for topic in wanted:  # one by one: a topic created meanwhile by another process is not an error
            try:
                admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        if created:
            log.info("topics.created", topics=created)
        return created
    finally:
        admin.close()


def delete_topics(kafka: KafkaSettings) -> None:
    """Delete the catalog's topics under this prefix (tests and `rrm topics --delete`)."""
    admin = admin_client(kafka)
    try:
        names = [t.full_name(kafka.topic_prefix) for t in TOPICS]
        existing = set(admin.list_topics())
        doomed = [n for n in names if n in existing]
        if doomed:
            admin.delete_topics(doomed)
    finally:
        admin.close()
