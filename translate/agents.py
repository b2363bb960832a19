"""The faust agent of translate/: an approved op-ed opens its translation job, in the transaction the kit opens.

`register_oped` writes its own outbox rows (the original language is ready at once) and its own processed marker
(consumer `translate`, kept so markers already in a store stay valid); the kit adds its marker and commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bus.app import RrmApp, consume_in_transaction
from bus.records import OpEdApproved

from .handlers import RecordRefused, register_oped


def register(app: RrmApp, sessions: sessionmaker[Session], languages: list[str]) -> None:
    """Register the agent on `opeds.approved`; an op-ed without id, title or body goes to `rejected`."""

    def open_translation_job(session: Session, record: OpEdApproved) -> list:
        register_oped(session, record, languages)
        return []

    consume_in_transaction(app, "opeds.approved", open_translation_job, sessions=sessions,
                           name="open_translation_job", errors=(RecordRefused,))
