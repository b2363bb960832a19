"""detect/'s follow-up linking and duty officers' decisions in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bus.records import ArticleIngested
from db.engine import transaction
from detect.handlers import DetectError, decide_story, handle_scored, restore_tracker, score_ingested, tracker_for
from detect.queries import labeled_examples, precision_by_category, story_detail

NOW = datetime.now(UTC).replace(microsecond=0)

FLASHPOINT = [  # written for the project: a flashpoint in a made-up town, told by two outlets
    ("Reuters", "GB", "en", "Arsonists set fire to Vellmoor mosque, imam Tarek Osmani unhurt",
     "Police in Vellmoor said the fire at the Al-Rahma mosque was started deliberately."),
    ("BBC", "GB", "en", "Vellmoor mosque arson: worshippers shaken after attack",
     "Imam Tarek Osmani said the Al-Rahma mosque community would not be intimidated."),
]
FOLLOW_UP = ("Guardian", "GB", "en", "Vellmoor vigil: Tarek Osmani thanks neighbours",
             "Hundreds gathered in Vellmoor on Sunday to support Tarek Osmani and the Al-Rahma congregation.")
UNRELATED = ("Guardian", "GB", "en", "Vellmoor council approves new cycle lanes", "Work starts in spring.")


def _record(article_id: str, item: tuple[str, str, str, str, str], minutes_ago: int):
    source, country, lang, title, summary = item
    return score_ingested(ArticleIngested(
        article_id=article_id, title=title, summary=summary, lang=lang, source=source, outlet=source,
        country=country, url=f"https://news.example.org/{article_id}", published=NOW - timedelta(minutes=minutes_ago)))


def _flag_story(sessions, tracker) -> str:
    story_id = ""
    for i, item in enumerate(FLASHPOINT):
        with transaction(sessions) as session:
            story_id = handle_scored(session, tracker, _record(f"v{i}", item, 90 - 10 * i)).story.story_id
    return story_id


def test_a_follow_up_with_no_polarizing_word_joins_the_story_via_story(sessions):
    """The vigil report names the town and the imam: it joins the story as a follow-up, with the shared names."""
    tracker = tracker_for(360, 2)
    story_id = _flag_story(sessions, tracker)
    follow = _record("v-follow", FOLLOW_UP, 30)
    assert not follow.polarizing
    with transaction(sessions) as session:
        outcome = handle_scored(session, tracker, follow)
    assert outcome.story.story_id == story_id and outcome.via == "story"
    with sessions() as session:
        detail = story_detail(session, story_id)
    article = next(a for a in detail.articles if a.article_id == "v-follow")
    assert article.via == "story" and "osmani" in article.reasons[0] and "vellmoor" in article.reasons[0]
    assert detail.story.article_count == 3 and "Guardian" in detail.story.sources


def test_a_restarted_worker_links_follow_ups_to_restored_stories(sessions):
    """After a restart the stories come back from the store and a follow-up still joins its story."""
    story_id = _flag_story(sessions, tracker_for(360, 2))
    fresh = tracker_for(360, 2)
    with sessions() as session:
        assert restore_tracker(session, fresh) == 1
    with transaction(sessions) as session:
        outcome = handle_scored(session, fresh, _record("v-follow", FOLLOW_UP, 30))
        unrelated = handle_scored(session, fresh, _record("v-bikes", UNRELATED, 20))
    assert outcome.story.story_id == story_id and outcome.via == "story"
    assert unrelated.story is None


def test_a_dismissal_keeps_labeled_examples_and_changes_precision(sessions):
    """Confirm, then dismiss as a false alarm: the latest decision sets the labels and the precision figure."""
    story_id = _flag_story(sessions, tracker_for(360, 2))
    with transaction(sessions) as session:
        decide_story(session, story_id=story_id, officer="officer@example.org", decision="confirmed")
    with sessions() as session:
        [line, total] = precision_by_category(session, NOW + timedelta(minutes=1))
        assert (line.category, line.confirmed, line.decided) == ("attack_on_place_of_worship", 1, 1)
        assert {e["label"] for e in labeled_examples(session)} == {"polarizing"}
    with transaction(sessions) as session:
        decide_story(session, story_id=story_id, officer="officer@example.org", decision="dismissed",
                     reason="false_alarm")
    with sessions() as session:
        [line, total] = precision_by_category(session, NOW + timedelta(minutes=1))
        assert (line.confirmed, line.decided, total.precision) == (0, 1, 0.0)
        examples = list(labeled_examples(session))
    assert len(examples) == 2
    assert all(set(e) == {"title", "summary", "lang", "label", "category"} for e in examples)
    assert {(e["label"], e["category"]) for e in examples} == {("ordinary", "ord_false_alarm")}
    assert examples[0]["title"] == FLASHPOINT[0][3] and json.dumps(examples[0])


def test_a_dismissal_needs_a_known_reason(sessions):
    """A dismissal without a reason, or of an unknown story, is refused with a sentence and changes nothing."""
    story_id = _flag_story(sessions, tracker_for(360, 2))
    with pytest.raises(DetectError, match="needs a reason"), transaction(sessions) as session:
        decide_story(session, story_id=story_id, officer="o", decision="dismissed", reason="")
    with pytest.raises(DetectError, match="no such story"), transaction(sessions) as session:
        decide_story(session, story_id="nope", officer="o", decision="confirmed")
    with sessions() as session:
        assert precision_by_category(session, NOW) == [] and list(labeled_examples(session)) == []


def test_rrm_detect_export_labels_writes_the_training_format(db_url, sessions, tmp_path):
    """`rrm detect-export-labels -o FILE` writes one JSON line per labeled example, in the training format."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    story_id = _flag_story(sessions, tracker_for(360, 2))
    with transaction(sessions) as session:
        decide_story(session, story_id=story_id, officer="o", decision="dismissed", reason="outside_mandate")
    out = tmp_path / "labels.jsonl"
    env = {**os.environ, "RRM_DB__URL": db_url}
    done = subprocess.run([sys.executable, "-m", "rrm", "detect-export-labels", "-o", str(out)],
                          cwd=Path(__file__).resolve().parents[3], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 labeled examples" in done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [set(r) for r in rows] == [{"title", "summary", "lang", "label", "category"}] * 2
    assert {r["category"] for r in rows} == {"ord_outside_mandate"} and rows[0]["lang"] == "en"
