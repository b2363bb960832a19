"""translate/ carries the byline from OpEdApproved to every TranslationReady, and keeps the body's paragraphs as
HTML, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bus.records import OpEdApproved, TranslationReady
from db.tables import OutboxMessage
from tests.support.transactions import in_transaction
from translate.handlers import register_oped, save_review

DETAILS = [{"name": "Amina Diallo", "title": "Historian", "affiliation": "Dakar University", "member_id": "m-1"}]


def ready(sessions) -> dict[str, TranslationReady]:
    """TranslationReady records in the outbox, by language."""
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage.payload).where(OutboxMessage.topic == "translations.ready"))
        return {r.lang: r for r in (TranslationReady.from_json(p) for p in rows)}


def test_the_byline_and_credit_line_travel_with_each_language(sessions):
    """`author_details` of the approved op-ed reach the original and the French version; French gets its credit
    line and keeps its two paragraphs as <p>."""
    in_transaction(sessions, register_oped, OpEdApproved(
        oped_id="o-1", title="Listening first", body="<p>One.</p><p>Two <script>x</script></p>", lang="en",
        authors=["Amina Diallo"], author_details=DETAILS, officer="Officer"), ["en", "fr"])
    in_transaction(sessions, save_review, "o-1", "fr", title="Écouter", body="Un.\n\nDeux.", reviewer="Claire Martin",
                   approve=True)
    got = ready(sessions)
    assert got["en"].authors == DETAILS and got["en"].body == "<p>One.</p><p>Two </p>"
    assert got["en"].source_lang == "en" and got["en"].credit == ""
    assert got["fr"].authors == DETAILS and got["fr"].body == "<p>Un.</p><p>Deux.</p>"
    assert got["fr"].credit == "Translated from English by Claire Martin"
