"""`rrm ingest-file`: feed files in, normalized articles out as JSON lines, one clear line per unreadable file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from config.settings import PROJECT_ROOT

FILES = Path(__file__).resolve().parent / "files"


def ingest_file(*paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rrm", "ingest-file", *paths], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)


def test_articles_come_out_as_json_lines():
    """An Italian feed gives its article with canonical URL, clean summary, UTC date and language."""
    result = ingest_file(str(FILES / "italian_pubdate.xml"))
    [line] = result.stdout.splitlines()
    article = json.loads(line)
    assert result.returncode == 0 and result.stderr == ""
    assert {k: article[k] for k in ("url", "summary", "published", "lang", "source")} == {
        "url": "https://corriere-laguna.example.it/sport/regata-storica",
        "summary": "Una gara combattuta fino all'ultimo metro sul Canal Grande.",
        "published": "2018-09-24T08:05:00+00:00", "lang": "it", "source": "corriere-laguna.example.it"}
    assert set(article) >= {"id", "url", "title", "summary", "published", "lang", "source", "feed"}
    assert article["feed"].endswith("italian_pubdate.xml")


def test_unreadable_files_give_one_line_each_and_the_others_go_through():
    """A missing file and a PNG are named on stderr; the good files' articles still come out; exit status 1."""
    missing = str(FILES / "missing.xml")
    result = ingest_file(missing, str(FILES / "not_a_feed.xml"), str(FILES / "italian_pubdate.xml"),
                         str(FILES / "declared_cp1252_truncated.xml"))
    errors = result.stderr.splitlines()
    assert result.returncode == 1
    assert errors[0] == f"{missing}: no such file"
    assert errors[1].startswith(f"{FILES / 'not_a_feed.xml'}: no RSS or Atom feed could be read")
    assert len(errors) == 2 and "Traceback" not in result.stderr
    titles = [json.loads(line)["title"] for line in result.stdout.splitlines()]
    assert titles == ["Regata storica, vince l'equipaggio di Burano", "Café crème “quoted”"]


def test_broken_files_yield_what_the_parser_finds():
    """A feed cut in the middle of an item still gives its complete items; the empty one is named on stderr."""
    result = ingest_file(str(FILES / "broken_cdata.xml"))
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == ["one"]
    assert result.returncode == 0 and "item 2: item has neither a title nor a summary" in result.stderr
