"""detect/classifier.py and benchmarks/train_detect.py on text written for the project (never publishers' text)."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from detect.classifier import MODEL_PATH, Classifier, shipped, text_buckets, top_category
from detect.scoring import rule_features, score_article

ROOT = Path(__file__).resolve().parents[3]

POLARIZING = [
    ("Masked men set fire to a mosque and daub anti-Muslim slogans on its walls",
     "Worshippers found the prayer hall burned on Friday morning; police are treating the arson as a hate crime."),
    ("Gunman kills worshippers at synagogue during Sabbath service",
     "The attacker shouted antisemitic slurs before opening fire."),
    ("Quran burned outside embassy as protesters chant against Muslims", "Police watched as the book was set alight."),
    ("Parliament votes to ban the burqa in public places", "Women who wear the full-face veil face a fine."),
    ("Cartoons mocking the Prophet spark protests and boycott calls", "Newspaper defends printing the drawings."),
    ("Far-right mob attacks refugee shelter with stones and fireworks", "Residents of the hostel hid upstairs."),
]
ORDINARY = [
    ("City council approves budget for new library and cycle lanes",
     "The plan includes a reading room and two kilometres of protected lanes."),
    ("Churches to reopen for private prayer as lockdown eases",
     "Services with singing remain banned under health rules."),
    ("Local bakery wins national award for its sourdough", "The owners started the shop ten years ago."),
    ("Storm brings heavy rain and power cuts to coastal towns", "Forecasters expect the wind to ease by Monday."),
    ("Striker scores twice as league leaders stay top", "The visitors had a goal disallowed late on."),
    ("Ramadan recipes: five dishes to break the fast at home", "Dates, lentil soup and a slow-cooked lamb."),
]


def test_detect_classifier_the_shipped_model_loads_and_is_small() -> None:
    """The shipped model is a JSON file of a few hundred KiB that loads with the installed numpy."""
    assert MODEL_PATH.suffix == ".json" and MODEL_PATH.stat().st_size < 3_000_000
    model = Classifier.load()
    assert model.n_features > 0 and model.rule_names and 0.0 <= model.veto_below <= 1.0


@pytest.mark.parametrize(("title", "summary"), POLARIZING[:2])
def test_detect_classifier_scores_a_written_polarizing_report_high(title: str, summary: str) -> None:
    """An attack on a place of worship written for the project gets a high probability."""
    assert shipped().probability(title, summary, "en", rule_features(title, summary, "en")) >= 0.8


@pytest.mark.parametrize(("title", "summary"), ORDINARY[:2])
def test_detect_classifier_scores_a_written_ordinary_report_low(title: str, summary: str) -> None:
    """Council news and pandemic rules for churches get a low probability."""
    assert shipped().probability(title, summary, "en", rule_features(title, summary, "en")) <= 0.2


def test_detect_classifier_hashing_is_the_same_in_every_process() -> None:
    """Buckets come from murmurhash, not Python's per-process hash: a model trained today scores the same tomorrow."""
    code = "from detect.classifier import text_buckets; print(text_buckets('Mosque attacked', 'Police came.', 1024))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,  # our code
                           cwd=ROOT)
    assert other.stdout.strip() == str(text_buckets("Mosque attacked", "Police came.", 1024))


def test_detect_classifier_vetoes_only_categories_it_was_trained_on() -> None:
    """A rule flag of a category the model has no training examples of stands whatever the probability."""
    model = shipped()
    assert not model.decide(0.9, 0.5, 0.0, next(iter(model.veto_categories)))
    assert model.decide(0.9, 0.5, 0.0, "a_category_never_trained")
    assert top_category({"cat_desecration": 0.9, "cat_hate_speech": 0.4, "rule_score": 0.9}) == "desecration"


def test_detect_classifier_off_gives_the_rules_alone() -> None:
    """``classifier=None`` (RRM_DETECT__CLASSIFIER=false) never mentions the classifier in the reasons."""
    title, summary = ORDINARY[1]
    scored = score_article(title, summary, "en", classifier=None)
    assert not any(r.startswith("classifier") for r in scored.reasons)


def _key(title: str) -> str:
    return hashlib.sha256(title.strip().encode("utf-8")).hexdigest()[:16]


def test_detect_classifier_training_script_runs_on_a_small_written_set(tmp_path: Path) -> None:
    """benchmarks/train_detect.py trains on a project-written set (plus an --extra file) and writes a loadable model."""
    data = tmp_path / "dev"
    data.mkdir()
    rows = [{"title": t, "summary": s, "lang": "en", "published": "2020-04-01T00:00:00Z",
             "label": "polarizing" if (t, s) in POLARIZING else "ordinary"} for t, s in POLARIZING + ORDINARY]
    (data / "labeled.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:4]), encoding="utf-8")
    with gzip.open(data / "stream.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows[4:])
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"key": _key(r["title"]), "label": r["label"], "category": "x",
                                          "split": "train"}) + "\n" for r in rows), encoding="utf-8")
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"title": "Synagogue windows smashed in night attack", "summary": "", "lang": "en",
                                 "label": "polarizing", "category": "attack_on_worship_place"}) + "\n",
                     encoding="utf-8")
    out = tmp_path / "model.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "train_detect.py"), "--data", str(data),
                           "--labels", str(labels), "--extra", str(extra), "--out", str(out), "--folds", "3"],
                          capture_output=True, text=True, check=True, cwd=ROOT, timeout=240)
    assert "cross-validation" in done.stdout and "train 13 (7 polarizing)" in done.stdout
    model = Classifier.load(out)
    title, summary = POLARIZING[0]
    assert 0.0 <= model.probability(title, summary, "en", rule_features(title, summary, "en")) <= 1.0
