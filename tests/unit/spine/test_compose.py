"""docker-compose.yml is well formed and runs every stage against Apache Kafka in KRaft mode."""

from __future__ import annotations

from pathlib import Path

import yaml

from rrm.stages import STAGES

ROOT = Path(__file__).resolve().parents[3]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_every_stage_and_the_web_server():
    """Each stage, the outbox relay and the web server run as services with the right command."""
    services = _compose()["services"]
    for stage in STAGES:
        assert services[stage]["command"] == ["rrm", "worker", stage]
    assert services["relay"]["command"] == ["rrm", "worker", "relay"]
    assert services["web"]["command"] == ["rrm", "web"]


def test_compose_runs_kafka_in_kraft_mode_and_postgres():
    """Kafka runs without ZooKeeper, and the services point at it and at PostgreSQL through RRM_ variables."""
    services = _compose()["services"]
    kafka = services["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"] and "zookeeper" not in services
    env = services["detect"]["environment"]
    assert env["RRM_KAFKA__BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["RRM_DB__URL"].startswith("postgresql+psycopg://")
    assert "postgres" in services


def test_compose_scrapes_the_web_server_and_provisions_grafana():
    """Prometheus reads deploy/prometheus.yml and Grafana loads the provisioned dashboard, both files present."""
    services = _compose()["services"]
    mounts = " ".join(services["prometheus"]["volumes"] + services["grafana"]["volumes"])
    for path in ("deploy/prometheus.yml", "deploy/alerts.yml", "deploy/grafana/provisioning",
                 "deploy/grafana/dashboards"):
        assert f"./{path}" in mounts and (ROOT / path).exists(), path
    assert "web:8000" in (ROOT / "deploy/prometheus.yml").read_text()
