"""Translating a whole op-ed into one language through an ordered chain of backends.

For each backend in the configured order: names and quoted titles are replaced by placeholders, the text is split
under the backend's limit at sentence boundaries, each chunk is looked up in the cache or sent (rate-limited, retried
with back-off, `Retry-After` honoured), checked (not empty, not an echo of the source, placeholders intact), and the
chunks are reassembled in order. One backend translates the whole document; if it fails, the next starts over. If
none can, the outcome says so and the language waits for a human translator: nothing untranslated or invented is
ever returned as a translation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception, stop_after_attempt

from .model import DamagedTranslation, check_translated, chunk_text, protect, reassemble, restore
from .ports import ChunkCache, NoMachineTranslation, RateLimited, TranslationError, Translator, UnsupportedLanguage

log = structlog.get_logger(__name__)


class RateLimiter:
    """At most `per_second` calls a second to one backend, across threads; a 429 pauses everyone."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self) -> None:
        """Block until the next call is allowed."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            self._sleep(start - now)

    def pause(self, seconds: float) -> None:
        """No call before `seconds` from now (a server's Retry-After)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)


@dataclass
class Outcome:
    """The result of translating one document into one language."""

    machine: bool
    title: str = ""
    body: str = ""
    backend: str = ""
    notes: list[str] = field(default_factory=list)
    chunks: int = 0
    cached: int = 0


class BackendFailed(Exception):
    """One backend gave up on this document."""


@dataclass
class TranslatorChain:
    """The configured backends in fallback order, with retries, back-off, rate limits and a cache."""

    backends: list[Translator]
    cache: ChunkCache | None = None
    retries: int = 3
    backoff_s: float = 0.5
    max_wait_s: float = 60.0
    per_second: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    _limiters: dict[str, RateLimiter] = field(default_factory=dict)

    def limiter(self, name: str) -> RateLimiter:
        """The rate limiter of one backend."""
        if name not in self._limiters:
            self._limiters[name] = RateLimiter(self.per_second, sleep=self.sleep)
        return self._limiters[name]

    def translate_document(self, title: str, body: str, source: str, target: str,
                           names: list[str] | tuple[str, ...] = ()) -> Outcome:
        """Translate title and body with the first backend that can; else an outcome with `machine=False`."""
        notes: list[str] = []
        for backend in self.backends:
            if not backend.supports(source, target):
                notes.append(f"{backend.name}: does not offer {source} -> {target}")
                continue
            try:
                return self._with_backend(backend, title, body, source, target, names, notes)
            except NoMachineTranslation as exc:
                notes.append(f"{backend.name}: {exc}")
            except UnsupportedLanguage as exc:
                notes.append(str(exc))
            except BackendFailed as exc:
                notes.append(str(exc))
                log.warning("translate.backend_failed", backend=backend.name, target=target, reason=str(exc))
        return Outcome(machine=False, notes=notes)

    def _with_backend(self, backend: Translator, title: str, body: str, source: str, target: str,
                      names: list[str] | tuple[str, ...], notes: list[str]) -> Outcome:
        protected_title = protect(title, names)
        protected_body = protect(body, [*names, *protected_title.terms])
        title_chunks = chunk_text(protected_title.text, backend.max_chars) if title.strip() else []
        body_chunks = chunk_text(protected_body.text, backend.max_chars)
        done = [self._chunk(backend, c.text, source, target) for c in (*title_chunks, *body_chunks)]
        cached = sum(1 for _, hit in done if hit)
        texts = [t for t, _ in done]
        try:
            new_title = restore(reassemble(title_chunks, texts[:len(title_chunks)], target),
                                protected_title.terms) if title_chunks else ""
            new_body = restore(reassemble(body_chunks, texts[len(title_chunks):], target), protected_body.terms)
        except DamagedTranslation as exc:
            raise BackendFailed(f"{backend.name}: {exc}") from exc
        return Outcome(machine=True, title=new_title, body=new_body, backend=backend.name, notes=notes,
                       chunks=len(texts), cached=cached)

    def _chunk(self, backend: Translator, text: str, source: str, target: str) -> tuple[str, bool]:
        if self.cache is not None:
            hit = self.cache.get(backend.name, source, target, text)
            if hit is not None:
                return hit, True
        limiter = self.limiter(backend.name)
        delay = [self.backoff_s]  # doubles after each failure that is not a 429 (a 429 waits for its Retry-After)

        def attempt() -> str:
            limiter.wait()
            translated = backend.translate(text, source, target)
            check_translated(text, translated)
            return translated

        def failed(state: RetryCallState) -> None:
            exc = state.outcome.exception()
            if isinstance(exc, RateLimited):
                wait = min(exc.retry_after if exc.retry_after is not None else delay[0], self.max_wait_s)
                limiter.pause(wait)
                log.info("translate.rate_limited", backend=backend.name, retry_after_s=wait)
            else:
                log.info("translate.retry", backend=backend.name, attempt=state.attempt_number, reason=str(exc))

        def pause(state: RetryCallState) -> float:
            if isinstance(state.outcome.exception(), RateLimited):
                return 0.0  # the limiter waits for Retry-After before the next attempt
            wait, delay[0] = min(delay[0], self.max_wait_s), delay[0] * 2
            return wait

        retrying = Retrying(
            retry=retry_if_exception(_worth_retrying), stop=stop_after_attempt(self.retries + 1), wait=pause,
            after=failed, sleep=lambda seconds: self.sleep(seconds) if seconds > 0 else None)
        try:
            translated = retrying(attempt)
        except RetryError as exc:
            last = exc.last_attempt.exception()
        except (NoMachineTranslation, UnsupportedLanguage):
            raise
        except TranslationError as exc:  # not retryable: this backend gives up at once
            last = exc
        else:
            if self.cache is not None:
                self.cache.put(backend.name, source, target, text, translated)
            return translated, False
        raise BackendFailed(f"{backend.name}: gave up after {self.retries + 1} attempts: {last}")


def _worth_retrying(exc: BaseException) -> bool:
    """A damaged translation, a 429 or a retryable error is asked again; no translation or no language is final."""
    if isinstance(exc, NoMachineTranslation | UnsupportedLanguage):
        return False
    return isinstance(exc, DamagedTranslation) or (isinstance(exc, TranslationError) and exc.retryable)
