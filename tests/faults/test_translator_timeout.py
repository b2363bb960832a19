"""Every translator times out: the language waits for a human translation and says why; nothing is invented."""

from __future__ import annotations

from config.settings import TranslateSettings
from tests.integration.translate.conftest import libre_server  # noqa: F401 - the local LibreTranslate fixture
from translate.bootstrap import build_backend
from translate.chain import TranslatorChain


def test_a_translator_that_never_answers_leaves_the_language_to_a_human(libre_server):  # noqa: F811 - the fixture it imports
    """LibreTranslate hangs past the timeout on every try: no text is passed off as a translation."""
    libre_server.behaviour.delay_s = 2.0
    backend = build_backend("libre", TranslateSettings(libre_url=libre_server.url, libre_api_key="test-key",
                                                           timeout_s=0.3))
    chain = TranslatorChain([backend], retries=2, backoff_s=0.01, per_second=1000)
    outcome = chain.translate_document("A title", "One sentence here. Another one there.", "en", "fr")
    assert outcome.machine is False
    assert not outcome.body and not outcome.title
    assert any("no answer within 0.3 s" in note for note in outcome.notes)
    assert len(libre_server.behaviour.requests) >= 2, "the timeout was retried before giving up"
