"""Hardening: /metrics needs its token outside the demo, the signing key file is private from birth, and a short
signing key is refused."""

from __future__ import annotations

import os
import stat

import httpx
import pytest
from pydantic import ValidationError

from config.settings import Settings
from tests.web.conftest import start_live_server, web_settings


def test_metrics_is_closed_outside_the_demo_without_a_token(broker, tmp_path):
    """With no RRM_WEB__METRICS_TOKEN outside the demo, /metrics answers 403 and says which setting opens it."""
    with start_live_server(web_settings(tmp_path, broker.bootstrap_servers)) as server:
        answer = httpx.get(server.url + "/metrics", headers={"accept": "application/json"}, timeout=30)
    assert answer.status_code == 403
    assert "RRM_WEB__METRICS_TOKEN" in answer.json()["detail"]


def test_metrics_answers_with_its_bearer_token(broker, tmp_path):
    """With a token set, /metrics answers the right bearer token and refuses a wrong one."""
    settings = web_settings(tmp_path, broker.bootstrap_servers, web={"metrics_token": "prom-token-123"})
    with start_live_server(settings) as server:
        wrong = httpx.get(server.url + "/metrics", headers={"authorization": "Bearer nope"}, timeout=30)
        right = httpx.get(server.url + "/metrics", headers={"authorization": "Bearer prom-token-123"}, timeout=30)
    assert wrong.status_code == 401
    assert right.status_code == 200 and "rrm_" in right.text


def test_the_generated_key_file_is_created_with_mode_0600(tmp_path):
    """The generated signing key file is readable by its owner only, even with a permissive umask."""
    old = os.umask(0)
    try:
        key = Settings(env="test", data_dir=tmp_path).secret_key
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600 and len(key) >= 24


def test_a_short_configured_key_is_refused():
    """RRM_WEB__SECRET_KEY shorter than 24 characters stops the settings with a message that names it."""
    with pytest.raises(ValidationError, match="RRM_WEB__SECRET_KEY is too short"):
        Settings(env="test", web={"secret_key": "short-key"})


def test_an_empty_key_file_is_refused(tmp_path):
    """An empty secret_key file is not used as a key: the error says to delete it or set the variable."""
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(ValueError, match="empty or too short"):
        _ = Settings(env="test", data_dir=tmp_path).secret_key
