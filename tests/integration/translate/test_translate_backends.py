"""translate/'s backends against local servers speaking LibreTranslate's and DeepL's real protocols."""

from __future__ import annotations

import re

from config.settings import TranslateSettings
from translate.bootstrap import build_backend
from translate.chain import TranslatorChain

AUTHORS = ["Amina Diallo", "Tomás Herrera"]


def long_oped(words: int = 2000) -> str:
    """An op-ed of about `words` words: numbered sentences in paragraphs, naming an author and a quoted title."""
    sentences, count, n = [], 0, 0
    while count < words:
        n += 1
        s = (f"Sentence {n} explains why listening across cultures matters when a story spreads faster than "
             "the facts behind it.")
        if n % 17 == 0:
            s = f"As Amina Diallo wrote in “The Clash Of Memories”, sentence {n} is about trust."
        sentences.append(s)
        count += len(s.split())
    paragraphs = [" ".join(sentences[i:i + 6]) for i in range(0, len(sentences), 6)]
    return "\n\n".join(paragraphs)


def libre(url: str, **extra) -> object:
    return build_backend("libre", TranslateSettings(libre_url=url, libre_api_key="test-key", **extra))


def deepl(url: str, **extra) -> object:
    return build_backend("deepl", TranslateSettings(deepl_auth_key="test-key", deepl_server_url=url.rstrip("/"),
                                                    **extra))


def test_two_thousand_word_oped_is_split_at_sentences_and_reassembled_in_order(libre_server):
    """A 2,000-word op-ed goes out in chunks under the limit, each ending on a sentence, and comes back in order."""
    body = long_oped()
    chain = TranslatorChain([libre(libre_server.url)], per_second=1000)
    outcome = chain.translate_document("Listening Across Cultures", body, "en", "fr", AUTHORS)
    asked = [r["q"] for r in libre_server.behaviour.requests]
    assert outcome.machine and outcome.backend == "libre"
    assert len(body.split()) >= 2000 and len(asked) > 5
    assert all(len(q) <= 1800 for q in asked)
    assert all(re.search(r"[.!?]$", q) for q in asked[1:]), "every body chunk ends on a sentence"
    assert all(r["target"] == "fr" and r["source"] == "en" and r["api_key"] == "test-key"
               for r in libre_server.behaviour.requests)
    expected = body.upper().replace("AMINA DIALLO", "Amina Diallo").replace(
        "“THE CLASH OF MEMORIES”", "“The Clash Of Memories”")
    assert outcome.body == expected
    assert outcome.title == "LISTENING ACROSS CULTURES"


def test_names_and_quoted_titles_never_reach_the_translator(libre_server):
    """Authors' names and quoted titles travel as placeholders and come back untouched."""
    chain = TranslatorChain([libre(libre_server.url)], per_second=1000)
    outcome = chain.translate_document("On trust", "Amina Diallo reread “The Clash Of Memories” last week.",
                                       "en", "de", AUTHORS)
    sent = " ".join(r["q"] for r in libre_server.behaviour.requests)
    assert "Amina" not in sent and "Clash" not in sent
    assert outcome.body == "Amina Diallo REREAD “The Clash Of Memories” LAST WEEK."


def test_backend_timing_out_falls_back_to_the_next(libre_server, deepl_server):
    """A LibreTranslate server that does not answer in time is abandoned and DeepL translates instead."""
    libre_server.behaviour.delay_s = 2.0
    chain = TranslatorChain([libre(libre_server.url, timeout_s=0.3), deepl(deepl_server.url)], retries=1,
                            backoff_s=0.01, per_second=1000)
    outcome = chain.translate_document("A title", "One sentence here. Another one there.", "en", "de")
    assert outcome.machine and outcome.backend == "deepl"
    assert outcome.body == "ONE SENTENCE HERE. ANOTHER ONE THERE."
    assert any("libre" in note and "no answer within 0.3 s" in note for note in outcome.notes)
    assert deepl_server.behaviour.requests[0]["target_lang"] == "DE"
    assert deepl_server.behaviour.requests[0]["authorization"] == "DeepL-Auth-Key test-key"


def test_429_is_honoured_by_waiting_for_retry_after(libre_server):
    """A 429 with Retry-After: 1 makes the next request wait at least a second, then the translation succeeds."""
    libre_server.behaviour.rate_limit_first = 1
    libre_server.behaviour.retry_after = "1"
    chain = TranslatorChain([libre(libre_server.url)], per_second=1000)
    outcome = chain.translate_document("", "Please wait your turn.", "en", "es")
    times = libre_server.behaviour.times
    assert outcome.machine and outcome.body == "PLEASE WAIT YOUR TURN."
    assert len(times) == 2 and times[1] - times[0] >= 0.95


def test_deepl_client_speaks_v2_translate_to_the_configured_server(deepl_server):
    """The official deepl client, pointed at a local v2 server, translates into DeepL's own target codes."""
    chain = TranslatorChain([deepl(deepl_server.url)], per_second=1000)
    outcome = chain.translate_document("Chinese title", "A sentence for readers in China.", "en", "zh")
    assert outcome.body == "A SENTENCE FOR READERS IN CHINA."
    assert {r["target_lang"] for r in deepl_server.behaviour.requests} == {"ZH-HANS"}


def test_language_no_backend_offers_waits_for_a_human(libre_server, deepl_server):
    """Urdu is offered neither by deep-translator's LibreTranslate nor by DeepL: nothing is sent, a human is awaited."""
    chain = build_chain_with(libre(libre_server.url), deepl(deepl_server.url))
    outcome = chain.translate_document("Title", "A sentence.", "en", "ur")
    assert not outcome.machine and outcome.body == ""
    assert libre_server.behaviour.requests == [] and deepl_server.behaviour.requests == []
    assert any("offline" in note for note in outcome.notes)


def build_chain_with(*backends) -> TranslatorChain:
    from translate.adapters import OfflineBackend

    return TranslatorChain([*backends, OfflineBackend()], per_second=1000, retries=1, backoff_s=0.01)


def test_unreachable_server_gives_a_clear_reason_and_no_text():
    """A translator nobody answers at ends as 'awaiting human translation' with a readable reason."""
    from bus.broker import free_port

    chain = build_chain_with(libre(f"http://127.0.0.1:{free_port()}/"))
    outcome = chain.translate_document("Title", "Some words to translate.", "en", "fr")
    assert not outcome.machine and outcome.body == ""
    assert any("libre: cannot connect" in note for note in outcome.notes)


def test_server_echoing_the_source_is_not_passed_off_as_a_translation(libre_server):
    """A server that sends the English text back unchanged does not produce a 'French translation'."""
    libre_server.behaviour.echo = True
    chain = build_chain_with(libre(libre_server.url))
    outcome = chain.translate_document("Title words here", "This sentence stays in English.", "en", "fr")
    assert not outcome.machine and outcome.body == ""
    assert any("unchanged" in note for note in outcome.notes)


def test_wrong_api_key_is_reported_without_retrying(libre_server):
    """A refused API key is a clear, final error for that backend (no hammering the server)."""
    chain = build_chain_with(build_backend("libre", TranslateSettings(libre_url=libre_server.url,
                                                                       libre_api_key="wrong")))
    outcome = chain.translate_document("", "Some words to translate.", "en", "fr")
    assert not outcome.machine
    assert any("API key was refused" in note for note in outcome.notes)
    assert len(libre_server.behaviour.requests) == 1


def test_deepl_429_is_honoured_too(deepl_server):
    """DeepL's 429 with Retry-After: the official client's error is mapped, the wait kept, the translation done."""
    deepl_server.behaviour.rate_limit_first = 1
    deepl_server.behaviour.retry_after = "1"
    chain = TranslatorChain([deepl(deepl_server.url)], per_second=1000)
    outcome = chain.translate_document("", "Patience is a virtue.", "en", "fr")
    times = deepl_server.behaviour.times
    assert outcome.machine and outcome.body == "PATIENCE IS A VIRTUE."
    assert len(times) == 2 and times[1] - times[0] >= 0.95


def test_rrm_translate_check_says_what_each_backend_answered(libre_server, monkeypatch):
    """`rrm translate check` shows LibreTranslate's translation and why offline gives none."""
    from click.testing import CliRunner

    from config.settings import get_settings
    from translate.cli import translate

    monkeypatch.setenv("RRM_TRANSLATE__BACKENDS", '["libre","offline"]')
    monkeypatch.setenv("RRM_TRANSLATE__LIBRE_URL", libre_server.url)
    monkeypatch.setenv("RRM_TRANSLATE__LIBRE_API_KEY", "test-key")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(translate, ["check", "--to", "de", "Hello there, friends."])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "libre: HELLO THERE, FRIENDS." in result.output
    assert "offline: no translation" in result.output
