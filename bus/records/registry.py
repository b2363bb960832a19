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


class ProgrammeStepped(Record, namespace="rrm.ProgrammeStepped"):
    """A programme moved a step: an Ambassador shortlisted or appointed, a Youth Solidarity Fund application
    submitted, scored or granted, a Trust Fund pledge or receipt recorded (issue 16)."""

    key_fields = ("programme", "subject_id", "step", "seq")

    programme: str = ""
    subject_id: str = ""
    step: str = ""
    seq: int = 0
    actor: str = ""
    data: dict | None = None


class NewsletterIssueReady(Record, namespace="rrm.NewsletterIssueReady"):
    """Command for distribute/: send this newsletter issue to these confirmed subscribers (issue 16).

    `recipients`: [{"email", "name", "unsubscribe_url"}]; `text`/`html` end where each recipient's unsubscribe line
    goes (distribute adds it, with the List-Unsubscribe and List-Unsubscribe-Post headers).
    """

    key_fields = ("issue_id",)

    issue_id: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    recipients: list | None = None
