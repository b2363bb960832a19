"""`rrm registry-import` and `rrm report` as an operator runs them, against the embedded broker and a real store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bus.records import RegistryCommand
from tests.support.streams import read_topic

ROOT = Path(__file__).resolve().parents[3]


def _rrm(settings, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RRM_")}
    env.update({"RRM_KAFKA__BOOTSTRAP_SERVERS": settings.kafka.servers,
                "RRM_KAFKA__TOPIC_PREFIX": settings.kafka.topic_prefix,
                "RRM_DB__URL": settings.database_url, "RRM_DATA_DIR": str(settings.data_dir), "RRM_ENV": "test"})
    return subprocess.run([sys.executable, "-m", "rrm", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_registry_import_publishes_good_rows_and_lists_bad_ones(bus_settings, tmp_path):
    """Good rows reach `registry.commands`; each bad row is printed with its row, field and reason; exit status 1."""
    csv = tmp_path / "partners.csv"
    csv.write_text("name,kind,country,website\n"
                   "Demo Foundation,foundation,Portugal,https://demo.example.org\n"
                   "Demo Broadcaster,television,,\n"
                   "Demo University,academic,Egypt,ftp://nope\n"
                   "Demo Network,civil_society,Jordan,\n", encoding="utf-8")
    out = _rrm(bus_settings, "registry-import", "partners", str(csv))
    assert out.returncode == 1, out.stderr
    assert "partners: 4 rows read, 2 accepted (2 new, 0 updates), 2 bad" in out.stdout
    assert "  row 3: kind: Input should be" in out.stdout
    assert "  row 4: website: String should match pattern" in out.stdout
    assert "Traceback" not in out.stderr
    commands = read_topic(bus_settings, "registry.commands", expect=2)
    assert sorted(c.data["name"] for c in commands) == ["Demo Foundation", "Demo Network"]
    assert all(isinstance(c, RegistryCommand) and c.action == "create" for c in commands)


def test_report_command_writes_html_and_pdf(bus_settings, tmp_path):
    """`rrm report --year` writes the year's report as HTML and PDF into the folder given."""
    out = _rrm(bus_settings, "report", "--year", "2026", "--out", str(tmp_path / "reports"))
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "reports" / "report-2026.html").read_text(encoding="utf-8")
    assert "Alliance of Civilizations — report for 2026" in html
    assert (tmp_path / "reports" / "report-2026.pdf").read_bytes().startswith(b"%PDF")
