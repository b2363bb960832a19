"""The faust agents of mobilize/: the worker kit runs each handler in its transaction; the outbox carries the events."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bus.app import RrmApp, consume_in_transaction

from . import signoff
from .handlers import Deps, MobilizeError, handle_start_command, handle_story_escalated, handle_story_flagged


def register(app: RrmApp, sessions: sessionmaker[Session], deps: Deps) -> None:
    """Register the agents on `stories.flagged`, `stories.escalated` and `mobilize.commands`, and the authors'
    side: `translations.ready` (shown to the authors), `opeds.released` and `opeds.placed` (authors told).

    A `MobilizeError` (a message that makes no sense here) sends that message to `rejected`.
    """

    def with_deps(handler):  # noqa: ANN001, ANN202
        def handle(session: Session, record) -> None:  # noqa: ANN001
            handler(session, deps, record)
        handle.__name__ = handler.__name__
        return handle

    for topic, handler, name in (
        ("stories.flagged", handle_story_flagged, "start_on_flagged_story"),
        ("stories.escalated", handle_story_escalated, "start_on_escalated_story"),
        ("mobilize.commands", handle_start_command, "start_on_command"),
        ("translations.ready", signoff.show_translation, "show_translation_to_authors"),
        ("opeds.released", signoff.tell_release, "tell_authors_released"),
        ("opeds.placed", signoff.tell_placement, "tell_authors_placed"),
    ):
        consume_in_transaction(app, topic, with_deps(handler), sessions=sessions, name=name, errors=(MobilizeError,))
