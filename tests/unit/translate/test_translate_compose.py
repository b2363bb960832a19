"""docker-compose.yml runs LibreTranslate beside the engine, and the translate service's settings choose it first."""

from __future__ import annotations

from pathlib import Path

import yaml

from config.settings import Settings
from translate.bootstrap import build_chain

ROOT = Path(__file__).resolve().parents[3]


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_compose_runs_libretranslate_with_a_model_volume_and_a_healthcheck():
    """A LibreTranslate service with the engine's languages, its models kept in a volume, not published."""
    libre = _services()["libretranslate"]
    assert libre["image"].startswith("libretranslate/libretranslate:")
    assert {"en", "ar", "fr", "zh"} <= set(libre["environment"]["LT_LOAD_ONLY"].split(","))
    assert any(v.startswith("libretranslate-models:") for v in libre["volumes"])
    assert "healthcheck" in libre and "ports" not in libre


def test_translate_service_uses_libretranslate_first_then_a_human():
    """The translate worker's settings (as compose sets them) build a chain: LibreTranslate, then offline."""
    service = _services()["translate"]
    env = service["environment"]
    assert env["RRM_KAFKA__BOOTSTRAP_SERVERS"] == "kafka:9092"  # the shared settings are kept
    assert env["RRM_TRANSLATE__LIBRE_URL"] == "http://libretranslate:5000"
    assert "libretranslate" in service["depends_on"] and "setup" in service["depends_on"]
    settings = Settings(translate={"backends": yaml.safe_load(env["RRM_TRANSLATE__BACKENDS"]),
                                   "libre_url": env["RRM_TRANSLATE__LIBRE_URL"]})
    assert [b.name for b in build_chain(settings, None).backends] == ["libre", "offline"]


def test_the_demo_keeps_its_human_translation_path():
    """With no environment (the demo) the translate stage uses no machine translator: humans translate."""
    assert [b.name for b in build_chain(Settings(), None).backends] == ["offline"]
