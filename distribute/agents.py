"""The faust agents of distribute/: an approved translation is kept for distribution, and the authors' sign-off of
a translation (`translations.signed_off`) is kept so that the release may send that language, each in the kit's
transaction.

`record_translation` writes its own processed marker (consumer `distribute`, kept so markers already in a store
stay valid); the kit adds its marker and commits.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bus.app import RrmApp, consume_in_transaction
from bus.records import NewsletterIssueReady, TranslationReady, TranslationSignedOff

from .distributions import record_signoff, record_translation
from .model import RecordRefused
from .newsletter import queue_issue


def register(app: RrmApp, sessions: sessionmaker[Session]) -> None:
    """Register the agents on `translations.ready`, `translations.signed_off` and `newsletter.issues`; a record that
    makes no sense goes to `rejected`."""

    def keep_translation(session: Session, record: TranslationReady) -> list:
        record_translation(session, record)
        return []

    consume_in_transaction(app, "translations.ready", keep_translation, sessions=sessions, name="keep_translation",
                           errors=(RecordRefused,))

    def keep_signoff(session: Session, record: TranslationSignedOff) -> list:
        record_signoff(session, record)
        return []

    consume_in_transaction(app, "translations.signed_off", keep_signoff, sessions=sessions, name="keep_signoff",
                           errors=(RecordRefused,))

    def send_newsletter(session: Session, record: NewsletterIssueReady) -> list:
        queue_issue(session, record)  # one mail-ledger email per subscriber (issue 16)
        return []

    consume_in_transaction(app, "newsletter.issues", send_newsletter, sessions=sessions, name="send_newsletter",
                           errors=(RecordRefused,))
