"""Settings: defaults run the demo with no environment; every field is documented with its variable."""

from __future__ import annotations

from config.settings import Settings, describe


def test_defaults_need_no_environment(monkeypatch):
    """With no RRM_ variable set, the embedded broker, SQLite and the mail sink are used."""
    for key in list(__import__("os").environ):
        if key.startswith("RRM_"):
            monkeypatch.delenv(key)
    settings = Settings()
    assert settings.kafka.embedded and settings.kafka.servers == "127.0.0.1:19092"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.mail.backend == "sink"


def test_nested_variables_override(monkeypatch):
    """RRM_KAFKA__BOOTSTRAP_SERVERS points the engine at a real cluster, with no code change."""
    monkeypatch.setenv("RRM_KAFKA__BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("RRM_DB__URL", "postgresql+psycopg://rrm@db/rrm")
    settings = Settings()
    assert not settings.kafka.embedded and settings.kafka.servers == "kafka-1:9092,kafka-2:9092"
    assert settings.database_url == "postgresql+psycopg://rrm@db/rrm"


def test_every_setting_is_documented():
    """Each setting has its variable name and a description."""
    rows = describe(Settings)
    assert len(rows) > 30
    for variable, _default, doc in rows:
        assert variable.startswith("RRM_") and doc, variable
    assert any(v == "RRM_KAFKA__BOOTSTRAP_SERVERS" for v, _, _ in rows)
