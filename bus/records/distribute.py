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
    #: Sanitized HTML (`bus.body`).
    body: str = ""
    translator: str = ""
    #: The op-ed's original language; `lang == source_lang` is the original the authors approved.
    source_lang: str = ""
    #: The byline, as `OpEdApproved.authors`: [{name, title, affiliation, member_id}] (plain names in old records).
    authors: list | None = None
    #: Who translated: "Translated from English by …" / "Machine translation reviewed by …" ("" for the original).
    credit: str = ""


class OpEdReleased(Record, namespace="rrm.OpEdReleased"):
    """A distribution went out at its release time."""

    key_fields = ("distribution_id",)

    distribution_id: str = ""
    oped_id: str = ""
    languages: list[str] | None = None
    released_at: datetime | None = None
    recipients: int = 0
    #: "advance" (an embargoed advance copy, sent at once) or "scheduled" (sent at the release time).
    mode: str = ""
    #: The byline, for telling the authors: [{name, title, affiliation, member_id}].
    authors: list | None = None
    title: str = ""


class OpEdPlaced(Record, namespace="rrm.OpEdPlaced"):
    """An outlet said it will run an op-ed, or that it ran it at a URL (signed link in the email, or a reply)."""

    key_fields = ("placement_id", "status")

    placement_id: str = ""
    oped_id: str = ""
    distribution_id: str = ""
    outlet: str = ""
    lang: str = ""
    #: "will_run" or "ran".
    status: str = ""
    url: str = ""
    #: "link" (the signed link in the email) or "reply" (an email reply through Inbound Parse).
    via: str = ""
    title: str = ""
    authors: list | None = None


class DeliveryEvent(Record, namespace="rrm.DeliveryEvent"):
    """One delivery event (delivered, open, click, bounce, spamreport, unsubscribe) for one editor."""

    key_fields = ("event_id",)

    event_id: str = ""
    distribution_id: str = ""
    email: str = ""
    event: str = ""
