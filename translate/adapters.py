"""Every I/O of translate/: deep-translator backends, the official DeepL client, the offline backend, the cache.

deep-translator sets no timeout and lets raw `requests` exceptions escape (shared/GROUND.md). Every call to a backend
here runs inside `bounded_http(timeout)`: a thin wrapper around `requests.Session.send`, active only in the calling
thread while the guard is open, that puts a timeout on each request and remembers the last response (so that a 429's
`Retry-After` can be honoured even though deep-translator drops it). Outside a guard, `requests` behaves as always.
Exceptions are mapped to `translate.ports` errors, so the engine never sees a raw HTTP exception.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .model import text_hash
from .ports import (
    NoMachineTranslation,
    RateLimited,
    TranslationError,
    TranslatorTimeout,
    TranslatorUnavailable,
    UnsupportedLanguage,
)
from .tables import CachedChunk

_local = threading.local()
_original_send = requests.Session.send


def _guarded_send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
    limit = getattr(_local, "timeout", None)
    if limit is not None:
        given = kwargs.get("timeout")
        if given is None:
            kwargs["timeout"] = limit
        elif isinstance(given, int | float):
            kwargs["timeout"] = min(given, limit)
    response = _original_send(self, request, **kwargs)
    if limit is not None:
        _local.last_response = response
    return response


def _install_guard() -> None:
    if getattr(requests.Session.send, "_rrm_guard", False):
        return
    _guarded_send._rrm_guard = True  # type: ignore[attr-defined]
    requests.Session.send = _guarded_send  # type: ignore[method-assign]


@contextlib.contextmanager
def bounded_http(timeout: float) -> Iterator[None]:
    """Within this block (in this thread), every `requests` call times out after `timeout` seconds."""
    _install_guard()
    previous = getattr(_local, "timeout", None)
    _local.timeout = timeout
    _local.last_response = None
    try:
        yield
    finally:
        _local.timeout = previous


def last_response() -> requests.Response | None:
    """The last HTTP response seen in this thread inside `bounded_http`."""
    return getattr(_local, "last_response", None)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds to wait."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_error(name: str, status: int) -> TranslationError:
    response = last_response()
    retry_after = retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None
    if status == 429:
        return RateLimited(f"{name}: too many requests (HTTP 429)", retry_after=retry_after)
    if status in (401, 403):
        return TranslatorUnavailable(f"{name}: the API key was refused (HTTP {status})", retryable=False)
    if status == 456:
        return TranslatorUnavailable(f"{name}: the character quota is used up (HTTP 456)", retryable=False)
    return TranslatorUnavailable(f"{name}: server error (HTTP {status})", retryable=status >= 500 or status == 408,
                                 retry_after=retry_after)


def _map_request_error(name: str, exc: BaseException, timeout: float) -> TranslationError:
    if isinstance(exc, requests.Timeout):
        return TranslatorTimeout(f"{name}: no answer within {timeout:g} s")
    if isinstance(exc, requests.ConnectionError):
        return TranslatorUnavailable(f"{name}: cannot connect ({type(exc).__name__})")
    return TranslatorUnavailable(f"{name}: request failed ({type(exc).__name__}: {exc})")


def _code_in(languages: dict[str, str], code: str) -> str | None:
    """The backend's own code for an ISO 639-1 code (`zh` -> `zh-CN`, `ur` -> `ur-PK`), or None."""
    values = set(languages.values())
    preferred = {"zh": ("zh-CN", "zh-Hans", "zh"), "pt": ("pt", "pt-PT", "pt-BR")}.get(code, (code,))
    for candidate in preferred:
        if candidate in values:
            return candidate
    for value in sorted(values):
        if value.lower().startswith(code.lower() + "-"):
            return value
    return None


class DeepTranslatorBackend:
    """A deep-translator backend (`libre`, `google`, `microsoft`, `mymemory`) with timeouts and clear errors."""

    def __init__(self, name: str, factory: Callable[[str, str], Any], languages: dict[str, str], *,
                 max_chars: int, timeout: float) -> None:
        self.name = name
        self.max_chars = max_chars
        self._factory = factory
        self._languages = languages
        self._timeout = timeout
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def supports(self, source: str, target: str) -> bool:
        """Whether deep-translator knows both languages for this backend."""
        return _code_in(self._languages, source) is not None and _code_in(self._languages, target) is not None

    def _client(self, source: str, target: str) -> Any:
        from deep_translator.exceptions import LanguageNotSupportedException

        key = (source, target)
        with self._lock:
            if key not in self._clients:
                src, tgt = _code_in(self._languages, source), _code_in(self._languages, target)
                if src is None or tgt is None:
                    raise UnsupportedLanguage(f"{self.name} does not translate {source} -> {target}")
                try:
                    self._clients[key] = self._factory(src, tgt)
                except LanguageNotSupportedException as exc:
                    raise UnsupportedLanguage(f"{self.name} does not translate {source} -> {target}") from exc
            return self._clients[key]

    def translate(self, text: str, source: str, target: str) -> str:
        """One chunk through deep-translator, bounded by the timeout; every failure becomes a `TranslationError`."""
        from deep_translator import exceptions as dt

        try:
            with bounded_http(self._timeout):
                try:
                    client = self._client(source, target)
                    result = client.translate(text)
                except dt.TooManyRequests:
                    raise _status_error(self.name, 429) from None
                except dt.ServerException as exc:
                    response = last_response()
                    status = response.status_code if response is not None else 503
                    raise _status_error(self.name, status) from exc
                except dt.AuthorizationException as exc:
                    raise TranslatorUnavailable(f"{self.name}: the API key was refused", retryable=False) from exc
                except dt.RequestError as exc:
                    response = last_response()
                    raise _status_error(self.name, response.status_code if response is not None else 503) from exc
                except (dt.LanguageNotSupportedException, dt.InvalidSourceOrTargetLanguage) as exc:
                    raise UnsupportedLanguage(f"{self.name} does not translate {source} -> {target}") from exc
                except dt.NotValidLength as exc:
                    raise TranslatorUnavailable(f"{self.name}: chunk too long ({len(text)} chars)",
                                                retryable=False) from exc
                except (dt.TranslationNotFound, dt.ElementNotFoundInGetRequest, AttributeError, KeyError,
                        TypeError, ValueError) as exc:
                    # MyMemory raises AttributeError on an empty reply (shared/GROUND.md); bad JSON is ValueError
                    raise TranslatorUnavailable(f"{self.name}: unusable answer ({type(exc).__name__})") from exc
                except dt.MicrosoftAPIerror as exc:
                    raise TranslatorUnavailable(f"{self.name}: {exc}") from exc
        except requests.RequestException as exc:
            raise _map_request_error(self.name, exc, self._timeout) from exc
        if not isinstance(result, str):
            raise TranslatorUnavailable(f"{self.name}: unusable answer ({type(result).__name__})")
        return result


# DeepL's target codes for our ISO 639-1 languages (none for Urdu and Persian: DeepL does not offer them).
DEEPL_TARGETS = {"ar": "AR", "zh": "ZH-HANS", "en": "EN-GB", "fr": "FR", "ru": "RU", "es": "ES", "tr": "TR",
                 "id": "ID", "de": "DE", "pt": "PT-PT", "it": "IT", "ja": "JA", "ko": "KO", "nl": "NL", "pl": "PL",
                 "uk": "UK"}


class DeepLBackend:
    """The official `deepl` client (v2 /translate), pointed at `server_url`; we own retries, so its own are off."""

    name = "deepl"

    def __init__(self, auth_key: str, server_url: str = "", *, max_chars: int = 20_000, timeout: float = 20.0) -> None:
        import deepl

        if not auth_key:
            raise ValueError("the DeepL backend needs RRM_TRANSLATE__DEEPL_AUTH_KEY")
        # deepl's module-level knobs: one try per call (the engine retries with back-off and honours Retry-After)
        deepl.http_client.max_network_retries = 0
        deepl.http_client.min_connection_timeout = timeout
        self.max_chars = max_chars
        self._timeout = timeout
        self._client = deepl.Translator(auth_key, server_url=server_url or None, send_platform_info=False)

    def supports(self, source: str, target: str) -> bool:
        """DeepL's languages (no Urdu, no Persian)."""
        return source in DEEPL_TARGETS and target in DEEPL_TARGETS

    def translate(self, text: str, source: str, target: str) -> str:
        """One chunk through DeepL; errors mapped to `TranslationError`."""
        import deepl

        if not self.supports(source, target):
            raise UnsupportedLanguage(f"deepl does not translate {source} -> {target}")
        try:
            with bounded_http(self._timeout):
                try:
                    result = self._client.translate_text(text, source_lang=source.upper(),
                                                         target_lang=DEEPL_TARGETS[target],
                                                         preserve_formatting=True)
                except deepl.TooManyRequestsException:
                    raise _status_error("deepl", 429) from None
                except deepl.QuotaExceededException as exc:
                    raise TranslatorUnavailable("deepl: the character quota is used up", retryable=False) from exc
                except deepl.AuthorizationException as exc:
                    raise TranslatorUnavailable("deepl: the API key was refused", retryable=False) from exc
                except deepl.ConnectionException as exc:
                    cause = exc.__cause__
                    if isinstance(cause, requests.Timeout):
                        raise TranslatorTimeout(f"deepl: no answer within {self._timeout:g} s") from exc
                    raise TranslatorUnavailable(f"deepl: cannot connect ({exc})") from exc
                except deepl.DeepLException as exc:
                    response = last_response()
                    status = getattr(exc, "http_status_code", None) or (
                        response.status_code if response is not None else 503)
                    raise _status_error("deepl", status) from exc
        except requests.RequestException as exc:
            raise _map_request_error("deepl", exc, self._timeout) from exc
        return result.text

    def close(self) -> None:
        """Close the HTTP session."""
        self._client.close()


class OfflineBackend:
    """Translates nothing: every language waits for a human translation in the console."""

    name = "offline"
    max_chars = 1_000_000

    def supports(self, source: str, target: str) -> bool:
        """Every pair (so that the chain always ends with a clear answer)."""
        return True

    def translate(self, text: str, source: str, target: str) -> str:
        """Always refuses: there is no machine translation on this machine."""
        raise NoMachineTranslation("no machine translation configured: awaiting a human translation")


class SqlChunkCache:
    """The chunk cache in the `translation_cache` table (shared by every worker on the same store)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @staticmethod
    def key(backend: str, source: str, target: str, text: str) -> str:
        """The cache key: backend, language pair and a hash of the chunk."""
        return f"{backend}:{source}:{target}:{text_hash(text)}"

    def get(self, backend: str, source: str, target: str, text: str) -> str | None:
        """The cached translation, or None."""
        with self._sessions() as session:
            return session.scalar(select(CachedChunk.translated).where(
                CachedChunk.key == self.key(backend, source, target, text)))

    def put(self, backend: str, source: str, target: str, text: str, translated: str) -> None:
        """Remember a translation (a concurrent writer of the same key wins, which is the same text)."""
        with self._sessions() as session:
            session.add(CachedChunk(key=self.key(backend, source, target, text), backend=backend, lang=target,
                                    translated=translated, created_at=datetime.now(UTC)))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
