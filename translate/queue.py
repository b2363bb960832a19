"""The translation queue's job: work through queued languages, each in three steps.

A claim is committed first (so two workers never take the same language), the translator chain runs outside any
transaction (it is slow and may wait on rate limits), and its outcome is stored in a transaction of its own. The
steps are the handlers `claim_next` and `store_outcome`; this module only opens their transactions, which is why it
takes the session factory.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bus.records import utcnow
from db.engine import transaction

from .chain import TranslatorChain
from .handlers import claim_next, store_outcome


def translate_next(sessions: sessionmaker[Session], chain: TranslatorChain,
                   now: Callable[[], datetime] = utcnow) -> str | None:
    """Translate one queued language; returns `oped_id/lang`, or None when the queue is empty."""
    with transaction(sessions) as session:
        claim = claim_next(session)
    if claim is None:
        return None
    outcome = chain.translate_document(claim.title, claim.body, claim.source_lang, claim.lang, list(claim.authors))
    with transaction(sessions) as session:
        return store_outcome(session, claim, outcome, now)


def translate_pending(sessions: sessionmaker[Session], chain: TranslatorChain, limit: int = 1000,
                      parallel: int = 4) -> int:
    """Translate queued languages until none is left (or `limit`), `parallel` languages at a time (the chain's
    rate limits are shared); returns how many were done."""

    def worker(_: int) -> int:
        done = 0
        while done < limit and translate_next(sessions, chain) is not None:
            done += 1
        return done

    if parallel <= 1:
        return worker(0)
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="translate") as pool:
        return min(sum(pool.map(worker, range(parallel))), limit * parallel)
