"""Every record type on the bus, importable from one place."""

from .base import MAX_TEXT_CHARS, Record, deterministic_id, utcnow
from .detect import ArticleScored, OpenStory, StoryEscalated, StoryFlagged
from .distribute import DeliveryEvent, OpEdPlaced, OpEdReleased, TranslationReady
from .ingest import ArticleIngested
from .mobilize import (
    DraftSubmitted,
    InvitationAnswered,
    InvitationSent,
    MobilizationStarted,
    OpEdApproved,
    StartMobilization,
    TranslationSignedOff,
)
from .registry import NewsletterIssueReady, ProgrammeStepped, RegistryChanged, RegistryCommand
from .system import MessageRejected

__all__ = [
    "MAX_TEXT_CHARS",
    "ArticleIngested",
    "ArticleScored",
    "DeliveryEvent",
    "DraftSubmitted",
    "InvitationAnswered",
    "InvitationSent",
    "MessageRejected",
    "MobilizationStarted",
    "NewsletterIssueReady",
    "OpEdApproved",
    "OpEdPlaced",
    "OpEdReleased",
    "OpenStory",
    "ProgrammeStepped",
    "Record",
    "RegistryChanged",
    "RegistryCommand",
    "StartMobilization",
    "StoryEscalated",
    "StoryFlagged",
    "TranslationReady",
    "TranslationSignedOff",
    "deterministic_id",
    "utcnow",
]
