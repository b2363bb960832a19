"""Records of translate/ and distribute/."""

from __future__ import annotations

from datetime import datetime

from .base import Record


class TranslationReady(Record, namespace="rrm.TranslationReady"):
    """An op-ed's translation into one language is approved for release."""

    key_fields = ("oped_id", "lang")

    oped_id: str = ""
    lang: str = ""
    title: str = ""
    body: str = ""
    translator: str = ""


class OpEdReleased(Record, namespace="rrm.OpEdReleased"):
    """A distribution went out at its release time."""

    key_fields = ("distribution_id",)

    distribution_id: str = ""
    oped_id: str = ""
    languages: list[str] | None = None
    released_at: datetime | None = None
    recipients: int = 0


class DeliveryEvent(Record, namespace="rrm.DeliveryEvent"):
    """One delivery event (delivered, open, click, bounce, spamreport, unsubscribe) for one editor."""

    key_fields = ("event_id",)

    event_id: str = ""
    distribution_id: str = ""
    email: str = ""
    event: str = ""
