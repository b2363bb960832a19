"""Top-level packages resolve inside this project, not to PyPI packages of the same name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["config", "bus", "db", "rrm", "ingest", "detect", "mobilize", "translate", "distribute", "registry", "web",
            "links"]


@pytest.mark.parametrize("name", PACKAGES)
def test_top_level_package_is_ours(name):
    """`import config` (or translate, ...) loads this project's package, even though PyPI has one of that name."""
    found = importlib.util.find_spec(name)
    assert found is not None and found.origin is not None
    assert Path(found.origin).resolve().is_relative_to(ROOT), f"{name} resolves to {found.origin}"


def test_design_card_layout_exists():
    """The layout the design card names is there."""
    for entry in ["ingest", "detect", "mobilize", "translate", "distribute", "config", "tests",
                  "docker-compose.yml", "pyproject.toml", "README.md"]:
        assert (ROOT / entry).exists(), entry
