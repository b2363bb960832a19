"""Records of registry/: commands that change a registry and the events they produce."""

from __future__ import annotations

from .base import Record


class RegistryCommand(Record, namespace="rrm.RegistryCommand"):
    """Command: create, update or retire an entry of one registry."""

    key_fields = ("registry", "entity_id", "action", "request_id")

    registry: str = ""
    action: str = ""
    entity_id: str = ""
    request_id: str = ""
    data: dict | None = None
    actor: str = ""


class RegistryChanged(Record, namespace="rrm.RegistryChanged"):
    """An entry of a registry was created, updated or retired."""

    key_fields = ("registry", "entity_id", "action", "version")

    registry: str = ""
    action: str = ""
    entity_id: str = ""
    version: int = 0
    data: dict | None = None
