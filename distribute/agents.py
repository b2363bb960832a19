"""The faust agent of distribute/: an approved translation is kept for distribution, in the kit's transaction.

`record_translation` writes its own processed marker (consumer `distribute`, kept so markers already in a store
stay valid); the kit adds its marker and commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bus.app import RrmApp, consume_in_transaction
from bus.records import TranslationReady

from .distributions import record_translation
from .model import RecordRefused


def register(app: RrmApp, sessions: sessionmaker[Session]) -> None:
    """Register the agent on `translations.ready`; a translation that makes no sense goes to `rejected`."""

    def keep_translation(session: Session, record: TranslationReady) -> list:
        record_translation(session, record)
        return []

    consume_in_transaction(app, "translations.ready", keep_translation, sessions=sessions, name="keep_translation",
                           errors=(RecordRefused,))
