"""The translate worker as `rrm worker translate` wires it (agents.py, schedule.py, bus.worker.Worker) on the bus."""

from __future__ import annotations

import pytest

from bus.publisher import KafkaPublisher
from bus.records import OpEdApproved
from tests.support.streams import read_topic, running_app
from tests.support.transactions import in_transaction
from tests.support.waiting import wait_until
from translate import model as tmodel
from translate import queries as tq
from translate.adapters import OfflineBackend
from translate.bootstrap import build
from translate.chain import TranslatorChain

pytestmark = pytest.mark.broker


def test_worker_opens_one_job_per_approved_oped_translates_it_and_rejects_an_empty_one(bus_settings):
    """An op-ed approved twice opens one job whose languages are machine-translated; one without a body is rejected."""
    worker = build(bus_settings, TranslatorChain([OfflineBackend()]))
    publisher = KafkaPublisher(bus_settings.kafka)
    good = OpEdApproved(oped_id="oped-w", title="Listening first", body="Dialogue is a practice.", lang="en",
                        authors=["Amina Diallo"], officer="Officer")
    for record in (good, good, OpEdApproved(oped_id="oped-empty", title="No body", body=" ", lang="en")):
        publisher.publish("opeds.approved", record)
    publisher.flush()
    worker.start()
    try:
        with running_app(worker.app):
            rejected = read_topic(bus_settings, "rejected", expect=1, timeout=60)
            wait_until(lambda: (v := in_transaction(worker.sessions, tq.version, "oped-w", "fr")) is not None
                       and v.status == tmodel.AWAITING_HUMAN, 60, "French machine-translated, awaiting review")
    finally:
        worker.close()
        publisher.close()
    assert "needs an oped_id, a title and a body" in rejected[0].reason
    assert in_transaction(worker.sessions, tq.job, "oped-empty") is None
    assert [j.oped_id for j in in_transaction(worker.sessions, tq.list_jobs)] == ["oped-w"]
