"""Secrets never reach a log line, a repr or the settings listing."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import structlog

from config.logging import configure_logging
from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "RRM_MAIL__SENDGRID_API_KEY": "SG.very-secret-sendgrid-key",
    "RRM_MAIL__SMTP_PASSWORD": "smtp-hunter2",
    "RRM_TRANSLATE__DEEPL_AUTH_KEY": "deepl-secret-key:fx",
    "RRM_WEB__SECRET_KEY": "web-signing-secret-0123456789",
}


def test_log_lines_redact_secret_fields(monkeypatch):
    """A log event carrying a password, token or API key shows *** instead of the value."""
    stream = io.StringIO()
    configure_logging("INFO", "json")
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)
    fake = "pw"  # a password the log must hide
    structlog.get_logger("test").info("sending", api_key="SG.abc", password=fake, authorization="Bearer t",
                                      recipient="editor@example.org")
    line = stream.getvalue()
    assert "SG.abc" not in line and '"pw"' not in line and "Bearer t" not in line
    assert line.count("***") == 3 and "editor@example.org" in line


def test_settings_repr_hides_secrets(monkeypatch):
    """Printing the settings object (as a crash report might) shows no secret."""
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    text = repr(Settings()) + str(Settings())
    for value in SECRETS.values():
        assert value not in text


def test_rrm_settings_lists_variables_not_their_secret_values():
    """`rrm settings` shows each variable's default and meaning, never the configured secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    env.update(SECRETS)
    out = subprocess.run([sys.executable, "-m", "rrm", "settings"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    for value in SECRETS.values():
        assert value not in out.stdout + out.stderr
