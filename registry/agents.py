"""The faust agents of registry/: decode, call a handler in one transaction, let the outbox carry the events.

One agent reads `registry.commands` and hands each command to its registry's consumer (each registry owns its
table and marks what it handled under its own name, `registry.<name>`); five agents read the main stream
(mobilizations, answers, approvals, translations, releases) into the summary tables and the Clearinghouse.
A command that makes no sense goes to `rejected` once: its refusal is marked too, so a replay rejects nothing new.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from bus.app import InvalidMessage, RrmApp, consume
from bus.records import RegistryCommand
from db.engine import transaction

from . import handlers as h
from .model import RegistryError

STREAM: dict[str, Callable] = {
    "mobilizations.started": h.record_mobilization,
    "invitations.answered": h.record_answer,
    "opeds.approved": h.record_approved,
    "translations.ready": h.record_translation,
    "opeds.released": h.record_release,
}


def apply_or_refuse(sessions: sessionmaker[Session], command: RegistryCommand) -> None:
    """Apply a command; a refusal is marked in its own transaction and raised as InvalidMessage the first time."""
    try:
        with transaction(sessions) as session:
            h.apply_command(session, command)
    except RegistryError as exc:
        with transaction(sessions) as session:
            first = h.refuse_once(session, command)
        if first:
            raise InvalidMessage(str(exc)) from exc


def keep_or_refuse(sessions: sessionmaker[Session], handler: Callable, record) -> None:
    """Apply a main-stream record; a record that makes no sense is refused (it goes to `rejected`)."""
    try:
        with transaction(sessions) as session:
            handler(session, record)
    except RegistryError as exc:
        raise InvalidMessage(str(exc)) from exc


def register(app: RrmApp, sessions: sessionmaker[Session]) -> None:
    """Register every agent of the registry worker."""

    async def apply_registry_command(record: RegistryCommand):
        await asyncio.to_thread(apply_or_refuse, sessions, record)
        return []

    consume(app, "registry.commands", apply_registry_command, name="apply_registry_command")

    for topic, handler in STREAM.items():
        def make(handler: Callable = handler):
            async def keep(record):
                await asyncio.to_thread(keep_or_refuse, sessions, handler, record)
                return []
            keep.__name__ = handler.__name__
            return keep

        consume(app, topic, make(), name=handler.__name__)
