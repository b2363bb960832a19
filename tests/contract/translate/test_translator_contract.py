"""One contract for every `Translator`: the offline backend, LibreTranslate and DeepL (local servers speaking their
real protocols, from tests/integration/translate/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.settings import TranslateSettings
from tests.integration.translate.conftest import LocalServer, _start
from translate.adapters import OfflineBackend
from translate.bootstrap import build_backend
from translate.ports import NoMachineTranslation, RateLimited, TranslationError, Translator

TEXT = "Listening across cultures matters when a story spreads faster than the facts behind it."


class OfflineSide:
    """The offline backend: no far end, it always refuses."""

    machine = False

    def __init__(self) -> None:
        self.translator: Translator = OfflineBackend()

    def break_it(self) -> None:
        """Nothing to break."""

    def close(self) -> None:
        """Nothing to close."""


class ServerSide:
    """A network backend against its local server (upper-cases what it translates)."""

    machine = True
    kind = ""

    def __init__(self) -> None:
        self.server: LocalServer = _start(self.kind)
        self.translator = self.build(self.server.url)

    def build(self, url: str) -> Translator:
        raise NotImplementedError

    def break_it(self) -> None:
        """The server goes away: nothing listens on its port any more."""
        self.server.server.shutdown()
        self.server.server.server_close()

    def rate_limit(self) -> None:
        """The next answer is a 429 with Retry-After: 7."""
        self.server.behaviour.rate_limit_first = 1
        self.server.behaviour.retry_after = "7"

    def close(self) -> None:
        self.server.server.shutdown()
        self.server.server.server_close()


class LibreSide(ServerSide):
    kind = "libre"

    def build(self, url: str) -> Translator:
        return build_backend("libre", TranslateSettings(libre_url=url, libre_api_key="test-key", timeout_s=2))


class DeepLSide(ServerSide):
    kind = "deepl"

    def build(self, url: str) -> Translator:
        return build_backend("deepl", TranslateSettings(deepl_auth_key="test-key", deepl_server_url=url.rstrip("/"),
                                                        timeout_s=2))


class TranslatorContract:
    """What every `Translator` promises; a subclass names the side (adapter and far end) it runs against."""

    side_class: type

    @pytest.fixture
    def side(self) -> Iterator[OfflineSide | ServerSide]:
        side = self.side_class()
        yield side
        side.close()

    def test_it_has_a_name_and_a_chunk_limit(self, side) -> None:
        """A translator names itself (for notes and the cache) and says how long a chunk may be."""
        assert side.translator.name
        assert side.translator.max_chars > 0

    def test_it_offers_english_to_french(self, side) -> None:
        """The pair every configuration translates is offered."""
        assert side.translator.supports("en", "fr")

    def test_a_chunk_is_translated_or_refused_as_no_machine_translation(self, side) -> None:
        """A machine backend returns a translation, not the source; the offline one refuses, never invents."""
        if side.machine:
            translated = side.translator.translate(TEXT, "en", "fr")
            assert translated and translated != TEXT
        else:
            with pytest.raises(NoMachineTranslation):
                side.translator.translate(TEXT, "en", "fr")

    def test_a_far_end_that_is_gone_raises_a_translation_error(self, side) -> None:
        """A refused connection is a `TranslationError` the chain understands, never a raw HTTP exception."""
        side.break_it()
        with pytest.raises(TranslationError):
            side.translator.translate(TEXT, "en", "fr")



class NetworkTranslatorContract(TranslatorContract):
    """What a translator with a far end promises on top (the offline backend has none to rate-limit it)."""

    def test_a_429_says_how_long_to_wait(self, side) -> None:
        """A rate-limited request raises `RateLimited` with the server's Retry-After."""
        side.rate_limit()
        with pytest.raises(RateLimited) as limited:
            side.translator.translate(TEXT, "en", "fr")
        assert limited.value.retry_after == 7


class TestOfflineTranslator(TranslatorContract):
    """The contract against the offline backend."""

    side_class = OfflineSide


class TestLibreTranslator(NetworkTranslatorContract):
    """The contract against LibreTranslate's protocol."""

    side_class = LibreSide


class TestDeepLTranslator(NetworkTranslatorContract):
    """The contract against DeepL's v2 protocol."""

    side_class = DeepLSide
