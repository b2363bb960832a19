"""The one place translate/'s adapters are built from settings, and its worker process (`rrm worker translate`).

The worker consumes `opeds.approved`, opens a translation job per op-ed (idempotently), and translates queued
languages in a background thread through the configured backend chain. Approvals happen in the web console and
leave through the outbox as `TranslationReady`.
"""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings, TranslateSettings

from .adapters import DeepLBackend, DeepTranslatorBackend, OfflineBackend, SqlChunkCache
from .chain import TranslatorChain
from .ports import Translator

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


def create_worker_app(settings: Settings, sessions: sessionmaker[Session], chain: TranslatorChain):
    """The faust app: an agent on `opeds.approved` and a timer that works through the queued languages."""
    from bus.app import InvalidMessage, consume, create_app
    from db.engine import transaction

    from .handlers import RecordRefused, register_oped
    from .queue import translate_pending

    app = create_app("translate", settings)
    languages = list(settings.translate.languages)
    busy = asyncio.Lock()

    def open_job(record) -> None:
        try:
            with transaction(sessions) as session:
                register_oped(session, record, languages)
        except RecordRefused as exc:
            raise InvalidMessage(str(exc)) from exc

    async def open_translation_job(record):
        await asyncio.to_thread(open_job, record)
        return []

    consume(app, "opeds.approved", open_translation_job, name="open_translation_job")

    @app.timer(interval=1.0)
    async def translate_queued() -> None:
        if busy.locked():
            return
        async with busy:
            await asyncio.to_thread(translate_pending, sessions, chain, 50)

    return app


def main(settings: Settings) -> None:
    """Run the translate worker until stopped."""
    from bus.worker import run_app
    from config.logging import configure_logging
    from db.engine import make_engine, session_factory, transaction

    from .handlers import requeue_stalled

    configure_logging(settings.log_level, settings.log_format)
    engine = make_engine(settings.database_url, pool_size=settings.db.pool_size)
    sessions = session_factory(engine)
    chain = build_chain(settings, sessions)
    with transaction(sessions) as session:
        requeued = requeue_stalled(session)
    log.info("translate.started", backends=[b.name for b in chain.backends], requeued=requeued)
    try:
        run_app(create_worker_app(settings, sessions, chain), settings)
    finally:
        for backend in chain.backends:
            close = getattr(backend, "close", None)
            if close is not None:
                close()
        engine.dispose()
