"""The one place translate/'s adapters are built from settings, and its worker process (`rrm worker translate`).

The worker (`bus.worker.Worker`) runs the agent of `agents.py` (an approved op-ed opens its translation job) and
the job of `schedule.py` (queued languages translated through the configured backend chain). Approvals happen in
the web console and leave through the outbox as `TranslationReady`.
"""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session, sessionmaker

from bus.worker import Worker
from config.settings import Settings, TranslateSettings
from db.engine import transaction

from .adapters import DeepLBackend, DeepTranslatorBackend, OfflineBackend, SqlChunkCache
from .agents import register
from .chain import TranslatorChain
from .handlers import requeue_stalled
from .ports import Translator
from .schedule import build_scheduler

log = structlog.get_logger(__name__)

#: Characters per request: deep-translator refuses 5,000 and more for Google; MyMemory refuses 500 and more.
CHUNK_CHARS = {"libre": 1800, "google": 4500, "microsoft": 9000, "mymemory": 480, "deepl": 20_000}

# Microsoft's codes for our languages (deep-translator would fetch them over the network when built).
MICROSOFT_LANGUAGES = {"ar": "ar", "zh": "zh-Hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es", "tr": "tr",
                       "ur": "ur", "fa": "fa", "id": "id", "de": "de", "pt": "pt-pt", "it": "it", "ja": "ja"}


class BackendConfigError(ValueError):
    """A backend is named in RRM_TRANSLATE__BACKENDS but its settings are missing or wrong."""


def build_backend(name: str, cfg: TranslateSettings) -> Translator:
    """One backend from its settings; a missing setting is a clear error naming the variable."""
    from deep_translator import GoogleTranslator, LibreTranslator, MicrosoftTranslator, MyMemoryTranslator
    from deep_translator.constants import (
        GOOGLE_LANGUAGES_TO_CODES,
        LIBRE_LANGUAGES_TO_CODES,
        MY_MEMORY_LANGUAGES_TO_CODES,
    )

    timeout = cfg.timeout_s
    if name == "offline":
        return OfflineBackend()
    if name == "libre":
        if not cfg.libre_url:
            raise BackendConfigError("the libre backend needs RRM_TRANSLATE__LIBRE_URL (a LibreTranslate server)")
        url = cfg.libre_url.rstrip("/") + "/"  # deep-translator appends "translate" to the URL as given
        key = cfg.libre_api_key or "none"  # deep-translator refuses an empty key; servers without keys ignore it
        return DeepTranslatorBackend(
            "libre", lambda s, t: LibreTranslator(source=s, target=t, api_key=key, custom_url=url),
            LIBRE_LANGUAGES_TO_CODES, max_chars=CHUNK_CHARS["libre"], timeout=timeout)
    if name == "google":
        return DeepTranslatorBackend("google", lambda s, t: GoogleTranslator(source=s, target=t),
                                     GOOGLE_LANGUAGES_TO_CODES, max_chars=CHUNK_CHARS["google"], timeout=timeout)
    if name == "microsoft":
        if not cfg.microsoft_api_key:
            raise BackendConfigError("the microsoft backend needs RRM_TRANSLATE__MICROSOFT_API_KEY")
        return DeepTranslatorBackend(
            "microsoft",
            lambda s, t: MicrosoftTranslator(source=s, target=t, api_key=cfg.microsoft_api_key,
                                             region=cfg.microsoft_region or None),
            MICROSOFT_LANGUAGES, max_chars=CHUNK_CHARS["microsoft"], timeout=timeout)
    if name == "mymemory":
        return DeepTranslatorBackend("mymemory", lambda s, t: MyMemoryTranslator(source=s, target=t),
                                     MY_MEMORY_LANGUAGES_TO_CODES, max_chars=CHUNK_CHARS["mymemory"],
                                     timeout=timeout)
    if name == "deepl":
        if not cfg.deepl_auth_key:
            raise BackendConfigError("the deepl backend needs RRM_TRANSLATE__DEEPL_AUTH_KEY")
        return DeepLBackend(cfg.deepl_auth_key, cfg.deepl_server_url, max_chars=CHUNK_CHARS["deepl"],
                            timeout=timeout)
    raise BackendConfigError(f"unknown translation backend {name!r}: use libre, deepl, google, microsoft, "
                             "mymemory or offline")


def build_chain(settings: Settings, sessions: sessionmaker[Session] | None) -> TranslatorChain:
    """The configured backends in fallback order; the chain always ends with `offline`."""
    cfg = settings.translate
    names = list(dict.fromkeys(cfg.backends or ["offline"]))
    backends = [build_backend(name, cfg) for name in names]
    if names[-1] != "offline":
        backends.append(OfflineBackend())
    return TranslatorChain(backends=backends, cache=SqlChunkCache(sessions) if sessions is not None else None,
                           retries=cfg.retries, per_second=cfg.requests_per_second)


def build(settings: Settings, chain: TranslatorChain | None = None) -> Worker:
    """Wire the worker (nothing started); `worker.chain` is the translator chain (built from settings if not given).

    At start the languages a killed predecessor had claimed go back to the queue; the backends' clients are
    closed on shutdown.
    """
    worker = Worker("translate", settings)
    worker.chain = chain if chain is not None else build_chain(settings, worker.sessions)
    register(worker.app, worker.sessions, list(settings.translate.languages))
    worker.on_start(lambda: requeue_on_start(worker))
    worker.add_scheduler(build_scheduler(worker.sessions, worker.chain))
    for backend in worker.chain.backends:
        if hasattr(backend, "close"):
            worker.on_close(backend.close)
    return worker


def requeue_on_start(worker: Worker) -> None:
    """Put back the languages a killed predecessor had claimed, before the first tick."""
    with transaction(worker.sessions) as session:
        requeued = requeue_stalled(session)
    log.info("translate.started", backends=[b.name for b in worker.chain.backends], requeued=requeued)


def main(settings: Settings) -> None:
    """Run the translate worker until SIGTERM or Ctrl-C."""
    build(settings).run()
