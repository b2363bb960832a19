"""The detect worker: `main(settings)` is what `rrm worker detect` runs.

Builds the worker kit (`bus.worker.Worker`: store, faust app with a short idle fetch), the story tracker (restored
from the store: open stories survive a restart) and the agents of `agents.py`; the outbox relay (`rrm worker relay`)
publishes the flags.
"""

from __future__ import annotations

import structlog

from bus.worker import Worker
from config.settings import Settings

from .agents import register
from .classifier import configured
from .entities import CANDIDATES, load_entity_finder
from .handlers import restore_tracker, tracker_for
from .patterns import SPACY_LANGS
from .scoring import score_article

log = structlog.get_logger(__name__)


def build(settings: Settings) -> Worker:
    """Wire the worker and restore its open stories (nothing started); `worker.tracker` is the story tracker."""
    worker = Worker("detect", settings, fetch_wait_ms=settings.detect.fetch_wait_ms)
    tracker = tracker_for(settings.detect.window_minutes, settings.detect.min_sources)
    with worker.sessions() as session:
        restored = restore_tracker(session, tracker)
    # build every news language's tokenizer and lexicon table before the first message, not on the first article in
    # that language (French's tokenizer takes about 2 s to build: the first French flashpoint would wait for it)
    for lang in sorted(SPACY_LANGS):
        score_article("warm up", "", lang)
    configured()  # the learned classifier, when the settings turn it on, is loaded now too
    entities = load_entity_finder(settings.detect.spacy_model)
    if entities is not None:  # the first run of a trained pipeline sets up its layers: not on the first flashpoint
        for lang in CANDIDATES:
            entities("A warm-up in Paris", lang)
    register(worker.app, worker.sessions, tracker, settings, entities)
    worker.tracker = tracker
    log.info("detect.built", restored_stories=restored)
    return worker


def main(settings: Settings) -> None:
    """Run the detect worker until SIGTERM or Ctrl-C."""
    build(settings).run()
