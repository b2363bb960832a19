"""On the bus: an approved op-ed reaches translate/, reviewed languages leave through the outbox and reach
distribute/, which mails each editor in their language at the release time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bus.publisher import KafkaPublisher
from bus.records import OpEdApproved, TranslationSignedOff
from db.engine import make_engine, session_factory
from db.outbox import OutboxRelay
from distribute import model as dmodel
from distribute import queries as dq
from distribute.audience import create_segment, import_editors
from distribute.bootstrap import build as build_distribute
from distribute.bootstrap import build_composer
from distribute.distributions import create_distribution
from distribute.release import release_due
from mail.adapters import SmtpMailer
from tests.support.mail_servers import SmtpInbox
from tests.support.streams import read_topic, running_app
from tests.support.transactions import in_transaction
from tests.support.waiting import wait_until
from translate import model as tmodel
from translate import queries as tq
from translate.adapters import OfflineBackend
from translate.bootstrap import build as build_translate
from translate.chain import TranslatorChain
from translate.handlers import save_review

pytestmark = pytest.mark.broker


def test_approved_oped_is_translated_reviewed_and_mailed_in_each_editors_language(bus_settings):
    """OpEdApproved -> French reviewed -> TranslationReady on the bus -> editors get English or French at release."""
    engine = make_engine(bus_settings.database_url)
    sessions = session_factory(engine)
    publisher = KafkaPublisher(bus_settings.kafka)
    relay = OutboxRelay(sessions, publisher, bus_settings.kafka.topic_prefix)
    translator = build_translate(bus_settings, TranslatorChain([OfflineBackend()]))
    worker = build_distribute(bus_settings)
    publisher.publish("opeds.approved", OpEdApproved(
        oped_id="oped-flow", title="Listening first", body="Dialogue is a practice.", lang="en",
        authors=["Amina Diallo"], officer="Officer"))
    publisher.flush()
    translator.start()  # requeue and the queue's scheduler, as `rrm worker translate` does
    with running_app(translator.app), running_app(worker.app):
        wait_until(lambda: (v := in_transaction(sessions, tq.version, "oped-flow", "fr")) is not None
               and v.status == tmodel.AWAITING_HUMAN, 60, "fr awaiting a human translation")
        in_transaction(sessions, save_review,
                       "oped-flow", "fr", title="Écouter d'abord", body="Le dialogue est une pratique.",
                       reviewer="Claire", approve=True)
        publisher.publish("translations.signed_off", TranslationSignedOff(oped_id="oped-flow", lang="fr",
                                                                          how="authors", by="Amina Diallo"))
        publisher.flush()
        relay.run_once()
        ready = read_topic(bus_settings, "translations.ready", expect=2)
        wait_until(lambda: set(in_transaction(worker.sessions, dq.ready_languages).get("oped-flow", []))
                   == {"en", "fr"}, 60, "en and fr ready for distribution")
        wait_until(lambda: "fr" in in_transaction(worker.sessions, dq.signoffs, "oped-flow"), 60,
                   "the authors' sign-off of fr kept by distribute")
    assert sorted((r.lang, r.title) for r in ready) == [("en", "Listening first"), ("fr", "Écouter d'abord")]
    in_transaction(sessions, import_editors, "email,name,outlet,language,region,beat,opt_in_source\n"
                   "en@paper.example.org,E,Paper,en,Europe,opinion,forum\n"
                   "fr@journal.example.org,F,Journal,fr,Europe,opinion,forum\n"
                   "ar@sahifa.example.org,A,Sahifa,ar,Gulf,opinion,forum\n")
    now = datetime.now(UTC)
    segment = in_transaction(sessions, create_segment, "all", dmodel.Criteria())
    in_transaction(sessions, create_distribution,
                   oped_id="oped-flow", languages=["en", "fr", "ar"], segment_ids=[segment],
                   release_at=now + timedelta(minutes=10), created_by="Officer", backend="smtp", now=now)
    with SmtpInbox() as inbox:
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        composer = build_composer(bus_settings)
        release_due(sessions, composer=composer, batches=None, mailer=mailer, now=now + timedelta(minutes=9))
        assert inbox.messages == []
        release_due(sessions, composer=composer, batches=None, mailer=mailer, now=now + timedelta(minutes=10))
        mails = inbox.wait_for(3)
        got = {m.recipients[0]: m.message["Subject"] for m in mails}
        arabic = next(m for m in mails if m.recipients[0] == "ar@sahifa.example.org")
    translator.close()
    worker.close()
    publisher.close()
    engine.dispose()
    assert got == {"en@paper.example.org": "Listening first", "fr@journal.example.org": "Écouter d'abord",
                   "ar@sahifa.example.org": "Listening first"}
    text = arabic.text
    assert "No Arabic version of this op-ed has been approved: here is the original in English." in text
