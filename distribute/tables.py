"""Tables distribute/ owns: outlets and editors, lists and segments, the do-not-contact list, released translations,
distributions with their send ledger, and delivery events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class Outlet(Base):
    """A newspaper, magazine, broadcaster or site that may run an op-ed."""

    __tablename__ = "distribute_outlets"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    country: Mapped[str] = mapped_column(String(80), default="")
    region: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime]


class Editor(Base):
    """An op-ed editor at an outlet: who gets which language, and where their consent came from."""

    __tablename__ = "distribute_editors"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("distribute_outlets.id"), index=True)
    language: Mapped[str] = mapped_column(String(16), index=True)
    region: Mapped[str] = mapped_column(String(80), default="", index=True)
    beat: Mapped[str] = mapped_column(String(120), default="")
    opt_in_source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]


class EditorList(Base):
    """A named, hand-made list of editors (e.g. 'Gulf dailies')."""

    __tablename__ = "distribute_lists"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]


class ListMember(Base):
    """An editor on a list."""

    __tablename__ = "distribute_list_members"

    list_id: Mapped[int] = mapped_column(ForeignKey("distribute_lists.id"), primary_key=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("distribute_editors.id"), primary_key=True)


class Segment(Base):
    """A saved selection of editors by language, region, beat and/or list (empty criteria: everyone)."""

    __tablename__ = "distribute_segments"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class Suppression(Base):
    """An address that is never mailed again: unsubscribed, bounced, reported spam, or put on the list by hand."""

    __tablename__ = "distribute_suppressions"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class ReadyTranslation(Base):
    """An approved language version of an op-ed (from `translations.ready`)."""

    __tablename__ = "distribute_translations"

    oped_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    translator: Mapped[str] = mapped_column(String(300), default="")
    received_at: Mapped[datetime]
    #: The op-ed's original language (the version the authors approved with the op-ed).
    source_lang: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: The byline: [{name, title, affiliation, member_id}].
    authors: Mapped[list | None] = mapped_column(JSON, default=list)
    #: The translation credit line ("" for the original).
    credit: Mapped[str] = mapped_column(Text, default="", server_default="")


class SignOff(Base):
    """The authors let a translation go out under their names (`translations.signed_off`), or an officer recorded
    their approval given another way. No row: that language is not sent under their names."""

    __tablename__ = "distribute_signoffs"

    oped_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    how: Mapped[str] = mapped_column(String(40))
    by: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class Distribution(Base):
    """An op-ed in some languages to some segments at a release time (the embargo)."""

    __tablename__ = "distributions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    oped_id: Mapped[str] = mapped_column(String(64), index=True)
    languages: Mapped[list] = mapped_column(JSON)
    segment_ids: Mapped[list] = mapped_column(JSON)
    release_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    backend: Mapped[str] = mapped_column(String(20), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    handed_over_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    #: "scheduled" (editors receive it at the release time) or "advance" (an advance copy now, under embargo).
    mode: Mapped[str] = mapped_column(String(20), default="scheduled", server_default="scheduled")
    #: Editors in a language with no approved version get the original with a note (else nothing).
    send_original: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class DistributionSend(Base):
    """The send ledger: one row per (distribution, editor), written before anything is sent.

    `planned` -> `pending` (committed before the request leaves, with the batch id) -> `sent`. A row found
    `pending` after a crash is in doubt: its scheduled batch is cancelled and it is sent again when the release is
    far enough ahead, otherwise it becomes `uncertain` and is never sent again automatically.
    """

    __tablename__ = "distribution_sends"
    __table_args__ = (UniqueConstraint("distribution_id", "editor_id", name="uq_distribution_sends_editor"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    distribution_id: Mapped[str] = mapped_column(ForeignKey("distributions.id"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("distribute_editors.id"))
    email: Mapped[str] = mapped_column(String(320), index=True)
    lang: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), index=True)
    batch_id: Mapped[str] = mapped_column(String(120), default="", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    provider_id: Mapped[str] = mapped_column(String(200), default="")
    last_event: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]
    #: The language of the version sent (the original, with a note, when the editor's had none approved).
    version_lang: Mapped[str] = mapped_column(String(16), default="", server_default="")


class Placement(Base):
    """An outlet will run, or ran, an op-ed: said through the signed link in the email, or in a reply."""

    __tablename__ = "distribute_placements"
    __table_args__ = (UniqueConstraint("oped_id", "editor_email", name="uq_distribute_placements_editor"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    oped_id: Mapped[str] = mapped_column(String(64), index=True)
    distribution_id: Mapped[str] = mapped_column(String(64), index=True)
    editor_email: Mapped[str] = mapped_column(String(320))
    outlet: Mapped[str] = mapped_column(String(300), default="", index=True)
    lang: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text, default="")
    via: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class EditorReply(Base):
    """An editor's email reply (SendGrid Inbound Parse), matched to a distribution and an editor, or kept unmatched
    with the reason for officers to read."""

    __tablename__ = "distribute_replies"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    distribution_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    sender: Mapped[str] = mapped_column(String(1000), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    placement_id: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[datetime]


class DeliveryEventRow(Base):
    """One Event Webhook event, stored once by its `sg_event_id`."""

    __tablename__ = "distribution_events"

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    distribution_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    event: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
