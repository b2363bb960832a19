"""Records of mobilize/: mobilizations, invitations, drafts and approvals."""

from __future__ import annotations

from .base import Record


class StartMobilization(Record, namespace="rrm.StartMobilization"):
    """Command: start a mobilization for a story (a duty officer, or a flagged story)."""

    key_fields = ("story_id",)

    story_id: str = ""
    officer: str = ""
    urgent: bool = False
    #: For a story mobilize/ has not seen on `stories.flagged` (opened by hand): what matching needs.
    title: str = ""
    summary: str = ""
    topics: list[str] | None = None
    countries: list[str] | None = None
    languages: list[str] | None = None


class MobilizationStarted(Record, namespace="rrm.MobilizationStarted"):
    """A mobilization began for a story."""

    key_fields = ("mobilization_id",)

    mobilization_id: str = ""
    story_id: str = ""
    title: str = ""
    started_by: str = ""
    urgent: bool = False


class InvitationSent(Record, namespace="rrm.InvitationSent"):
    """A network member was paged."""

    key_fields = ("invitation_id",)

    invitation_id: str = ""
    mobilization_id: str = ""
    member_id: str = ""
    wave: int = 1
    reason: str = ""


class InvitationAnswered(Record, namespace="rrm.InvitationAnswered"):
    """A member accepted or declined (or the invitation expired)."""

    key_fields = ("invitation_id", "answer")

    invitation_id: str = ""
    mobilization_id: str = ""
    member_id: str = ""
    answer: str = ""


class DraftSubmitted(Record, namespace="rrm.DraftSubmitted"):
    """Co-authors submitted a draft for review."""

    key_fields = ("draft_id", "revision")

    draft_id: str = ""
    mobilization_id: str = ""
    revision: int = 0
    title: str = ""
    authors: list[str] | None = None


class OpEdApproved(Record, namespace="rrm.OpEdApproved"):
    """A duty officer approved an op-ed: translation and distribution start."""

    key_fields = ("oped_id",)

    oped_id: str = ""
    mobilization_id: str = ""
    story_id: str = ""
    title: str = ""
    body: str = ""
    lang: str = "en"
    authors: list[str] | None = None
    officer: str = ""
    #: The piece of the mobilization this op-ed is (a mobilization may commission several; oped_id is per piece).
    piece_id: str = ""
    piece_number: int = 1
    #: The byline: one dict per author, {"name", "title", "affiliation", "member_id"}, in `authors` order.
    author_details: list[dict] | None = None


class TranslationSignedOff(Record, namespace="rrm.TranslationSignedOff"):
    """The authors of an op-ed let one translation go out under their names (distribute waits for it per language).

    `how`: "authors" (every author approved it), "no_objection" (the objection window closed with no objection) or
    "officer_recorded" (a duty officer recorded an approval the authors gave another way; `reason` says how).
    """

    key_fields = ("oped_id", "lang")

    oped_id: str = ""
    lang: str = ""
    how: str = ""
    by: str = ""
    reason: str = ""
