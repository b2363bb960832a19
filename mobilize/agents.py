"""The faust agents of mobilize/: decode, call a handler in one transaction, let the outbox carry the events."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from bus.app import InvalidMessage, RrmApp, consume
from bus.records import StartMobilization, StoryEscalated, StoryFlagged
from db.engine import transaction

from .handlers import Deps, MobilizeError, handle_start_command, handle_story_escalated, handle_story_flagged


def register(app: RrmApp, sessions: sessionmaker[Session], deps: Deps) -> None:
    """Register the agents on `stories.flagged`, `stories.escalated` and `mobilize.commands`."""

    def _run(handler, record) -> None:
        try:
            with transaction(sessions) as session:
                handler(session, deps, record)
        except MobilizeError as exc:
            raise InvalidMessage(str(exc)) from exc

    async def start_on_flagged_story(record: StoryFlagged):
        await asyncio.to_thread(_run, handle_story_flagged, record)
        return []

    async def start_on_escalated_story(record: StoryEscalated):
        await asyncio.to_thread(_run, handle_story_escalated, record)
        return []

    async def start_on_command(record: StartMobilization):
        await asyncio.to_thread(_run, handle_start_command, record)
        return []

    consume(app, "stories.flagged", start_on_flagged_story, name="start_on_flagged_story")
    consume(app, "stories.escalated", start_on_escalated_story, name="start_on_escalated_story")
    consume(app, "mobilize.commands", start_on_command, name="start_on_command")
