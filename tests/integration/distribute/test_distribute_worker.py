"""The distribute worker as `rrm worker distribute` wires it (agents.py, schedule.py, bus.worker.Worker) on the bus."""

from __future__ import annotations

import pytest

from bus.publisher import KafkaPublisher
from bus.records import TranslationReady
from distribute import queries as dq
from distribute.bootstrap import build
from tests.support.streams import read_topic, running_app
from tests.support.transactions import in_transaction
from tests.support.waiting import wait_until

pytestmark = pytest.mark.broker


def test_worker_keeps_each_approved_translation_once_and_rejects_one_without_a_body(bus_settings):
    """Two languages reach the editors' list of ready op-eds (a duplicate changes nothing); an empty one is rejected."""
    worker = build(bus_settings)
    publisher = KafkaPublisher(bus_settings.kafka)
    en = TranslationReady(oped_id="oped-d", lang="en", title="Listening first", body="Dialogue.", translator="original")
    fr = TranslationReady(oped_id="oped-d", lang="fr", title="Écouter d'abord", body="Le dialogue.", translator="human")
    for record in (en, fr, en, TranslationReady(oped_id="oped-d", lang="ar", title="x", body="")):
        publisher.publish("translations.ready", record)
    publisher.flush()
    worker.start()
    try:
        with running_app(worker.app):
            rejected = read_topic(bus_settings, "rejected", expect=1, timeout=60)
            wait_until(lambda: sorted(in_transaction(worker.sessions, dq.ready_languages).get("oped-d", []))
                       == ["en", "fr"], 60, "en and fr ready for distribution")
    finally:
        worker.close()
        publisher.close()
    assert "needs an oped_id, a lang and a body" in rejected[0].reason
    assert worker.scheduler.running is False  # closed with the worker
