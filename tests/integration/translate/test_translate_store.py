"""translate/'s use cases on SQLite and PostgreSQL: jobs, machine drafts, reviews, the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved, TranslationReady
from config.settings import TranslateSettings
from db.tables import OutboxMessage
from tests.support.transactions import in_transaction
from translate import model, queries
from translate.adapters import OfflineBackend, SqlChunkCache
from translate.bootstrap import build_backend
from translate.chain import TranslatorChain
from translate.handlers import RecordRefused, ReviewRefused, register_oped, requeue_stalled, save_review
from translate.queue import translate_pending

BODY = "Dialogue is a practice. It begins with listening.\n\nAmina Diallo has seen it work."


def approved(oped_id: str = "oped-1") -> OpEdApproved:
    return OpEdApproved(oped_id=oped_id, title="Listening first", body=BODY, lang="en",
                        authors=["Amina Diallo"], officer="duty officer")


def ready_in_outbox(sessions) -> list[TranslationReady]:
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "translations.ready")
                               .order_by(OutboxMessage.id)).all()
        return [TranslationReady.from_json(r.payload) for r in rows]


def test_approved_oped_releases_its_original_and_queues_the_other_languages(sessions):
    """The English original is released at once; French and Arabic wait in the queue."""
    assert in_transaction(sessions, register_oped, approved(), ["en", "fr", "ar"])
    statuses = {v.lang: v.status for v in in_transaction(sessions, queries.versions, "oped-1")}
    assert statuses == {"en": model.ORIGINAL, "fr": model.QUEUED, "ar": model.QUEUED}
    assert [(r.lang, r.body, r.translator) for r in ready_in_outbox(sessions)] == [
        ("en", "<p>Dialogue is a practice. It begins with listening.</p><p>Amina Diallo has seen it work.</p>",
         "original")]  # one format on the bus: sanitized HTML, paragraphs kept


def test_redelivered_approval_changes_nothing(sessions):
    """The same OpEdApproved handled twice opens one job and releases the original once."""
    in_transaction(sessions, register_oped, approved(), ["en", "fr"])
    assert not in_transaction(sessions, register_oped, approved(), ["en", "fr"])
    assert len(ready_in_outbox(sessions)) == 1


def test_machine_draft_waits_for_review_then_is_released(sessions, libre_server):
    """A LibreTranslate draft is not released until a reviewer approves it; then TranslationReady leaves."""
    in_transaction(sessions, register_oped, approved(), ["en", "fr"])
    backend = build_backend("libre", TranslateSettings(libre_url=libre_server.url, libre_api_key="test-key"))
    chain = TranslatorChain([backend], cache=SqlChunkCache(sessions), per_second=1000)
    assert translate_pending(sessions, chain) == 1
    fr = in_transaction(sessions, queries.version, "oped-1", "fr")
    assert fr.status == model.REVIEW and fr.backend == "libre"
    assert fr.body == "<p>DIALOGUE IS A PRACTICE. IT BEGINS WITH LISTENING.</p><p>Amina Diallo HAS SEEN IT WORK.</p>"
    assert [r.lang for r in ready_in_outbox(sessions)] == ["en"]
    in_transaction(sessions, save_review, "oped-1", "fr", title="Écouter d'abord",
                   body="Le dialogue est une pratique.", reviewer="Claire (network member)", approve=True)
    released = ready_in_outbox(sessions)[-1]
    assert (released.lang, released.title, released.body) == ("fr", "Écouter d'abord",
                                                              "<p>Le dialogue est une pratique.</p>")
    assert released.translator == "machine (libre), corrected by Claire (network member)"


def test_cache_answers_the_second_op_ed_with_the_same_text(sessions, libre_server):
    """Chunks translated once are not sent again: the cache (backend + language + hash) answers."""
    in_transaction(sessions, register_oped, approved("oped-1"), ["en", "fr"])
    in_transaction(sessions, register_oped, approved("oped-2"), ["en", "fr"])
    backend = build_backend("libre", TranslateSettings(libre_url=libre_server.url, libre_api_key="test-key"))
    chain = TranslatorChain([backend], cache=SqlChunkCache(sessions), per_second=1000)
    translate_pending(sessions, chain, parallel=1)  # one after the other: the second finds the first's chunks
    first, second = (in_transaction(sessions, queries.version, oped, "fr") for oped in ("oped-1", "oped-2"))
    assert second.body == first.body
    assert len(libre_server.behaviour.requests) == 3  # title + two paragraphs, once


def test_offline_language_waits_for_a_human_who_may_not_paste_the_original(sessions):
    """Offline, a language awaits a human translation; the English pasted back is refused; a real one released."""
    in_transaction(sessions, register_oped, approved(), ["en", "ar"])
    translate_pending(sessions, TranslatorChain([OfflineBackend()]))
    ar = in_transaction(sessions, queries.version, "oped-1", "ar")
    assert ar.status == model.AWAITING_HUMAN and ar.body == ""
    with pytest.raises(ReviewRefused, match="original English text"):
        in_transaction(sessions, save_review, "oped-1", "ar", title="x", body=BODY, reviewer="Officer", approve=True)
    in_transaction(sessions, save_review, "oped-1", "ar", title="الاستماع أولا", body="الحوار ممارسة.",
                   reviewer="Officer", approve=True)
    assert ready_in_outbox(sessions)[-1].translator == "human translation by Officer"
    with pytest.raises(ReviewRefused, match="already released"):
        in_transaction(sessions, save_review, "oped-1", "ar", title="x", body="y", reviewer="Officer", approve=True)


def test_a_translation_over_the_stated_length_limit_is_refused_with_a_clear_message(sessions):
    """A reviewed translation longer than 60,000 characters is refused, saying the limit; nothing is released."""
    in_transaction(sessions, register_oped, approved(), ["en", "ar"])
    translate_pending(sessions, TranslatorChain([OfflineBackend()]))
    with pytest.raises(ReviewRefused, match="the limit is 60,000"):
        in_transaction(sessions, save_review, "oped-1", "ar", title="عنوان", body="ب" * 180_000, reviewer="Officer",
                       approve=True)
    assert in_transaction(sessions, queries.version, "oped-1", "ar").status == model.AWAITING_HUMAN


def test_languages_left_translating_by_a_dead_worker_are_queued_again(sessions):
    """A worker that died mid-translation leaves languages `translating`; the next start queues them again."""
    from sqlalchemy import update

    from translate.tables import TranslationVersion

    in_transaction(sessions, register_oped, approved(), ["en", "fr", "de"])
    with sessions() as session, session.begin():
        session.execute(update(TranslationVersion).where(TranslationVersion.lang == "fr")
                        .values(status=model.TRANSLATING))
    assert in_transaction(sessions, requeue_stalled) == 1
    assert translate_pending(sessions, TranslatorChain([OfflineBackend()])) == 2
    assert {v.lang: v.status for v in in_transaction(sessions, queries.versions, "oped-1")} == {
        "en": model.ORIGINAL, "fr": model.AWAITING_HUMAN, "de": model.AWAITING_HUMAN}


def test_op_ed_without_a_body_is_refused_for_the_rejected_topic(sessions):
    """An OpEdApproved with no text is refused with a reason (it goes to `rejected`), and nothing is stored."""
    with pytest.raises(RecordRefused, match="needs an oped_id, a title and a body"):
        in_transaction(sessions, register_oped, OpEdApproved(oped_id="empty", title="Nothing", body="  "), ["en", "fr"])
    assert in_transaction(sessions, queries.job, "empty") is None
