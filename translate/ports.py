"""The interfaces translate/ needs: a machine translator, and a cache of translated chunks."""

from __future__ import annotations

from typing import Protocol


class TranslationError(Exception):
    """A translator could not translate a chunk. `retryable`: the same backend may succeed if asked again."""

    retryable = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnsupportedLanguage(TranslationError):
    """The backend does not offer this language pair: the next backend is tried at once."""


class NoMachineTranslation(TranslationError):
    """The backend never translates (the `offline` backend): the language waits for a human translator."""


class TranslatorTimeout(TranslationError):
    """The backend did not answer within the timeout."""

    retryable = True


class TranslatorUnavailable(TranslationError):
    """The backend cannot be reached or answered with an error."""

    def __init__(self, message: str, *, retryable: bool = True, retry_after: float | None = None) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retryable = retryable


class RateLimited(TranslationError):
    """The backend answered 429: wait `retry_after` seconds (its Retry-After header) before asking again."""

    retryable = True


class Translator(Protocol):
    """A machine translation backend."""

    name: str
    #: The longest text one request may carry (characters); texts are split under it at sentence boundaries.
    max_chars: int

    def supports(self, source: str, target: str) -> bool:
        """Whether the backend offers this pair (ISO 639-1 codes)."""

    def translate(self, text: str, source: str, target: str) -> str:
        """The translation of one chunk; raises `TranslationError` (never a raw HTTP exception)."""


class ChunkCache(Protocol):
    """Translated chunks, keyed by backend, language pair and a hash of the chunk."""

    def get(self, backend: str, source: str, target: str, text: str) -> str | None:
        """The cached translation, or None."""

    def put(self, backend: str, source: str, target: str, text: str, translated: str) -> None:
        """Remember a translation."""
