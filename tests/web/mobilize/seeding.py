"""Seeding a live server's store with a network and a mobilization, and reading the emails members got."""

from __future__ import annotations

import re

from sqlalchemy import select

from bus.records import StoryFlagged
from db.engine import transaction
from mail.adapters import SinkMailer
from mail.ledger import deliver_queued
from mail.tables import SinkMessage
from mobilize import handlers as h
from mobilize.network import import_csv

NETWORK = """name,email,languages,regions,countries,cultural_background,faith_background,topics,timezone
Johan Eriksson,johan@example.org,sv;en,europe,SE,Nordic,Lutheran,quran;protest,Europe/Stockholm
Mehmet Yilmaz,mehmet@example.org,tr;en,middle-east,TR;SE,Turkish,Muslim,quran;protest,Europe/Istanbul
Grace Okonkwo,grace@example.org,en,sub-saharan-africa,NG,West African,Christian,interfaith,Africa/Lagos
Wei Zhang,wei@example.org,zh;en,east-asia,CN,Chinese,Buddhist,education,Asia/Shanghai
"""


def deps_for(server, *, auto_start: bool = False) -> h.Deps:
    """Use-case dependencies on the live server's store and links (`auto_start`: a flag starts a mobilization)."""
    settings = server.settings
    if auto_start:
        settings = settings.model_copy(update={"mobilize": settings.mobilize.model_copy(update={"auto_start": True})})
    return h.Deps(settings=settings, links=server.app.state.links)


def seed_mobilization(server, story_id: str, title: str = "Quran burning at a Stockholm protest") -> str:
    """Import the network, flag a story (a mobilization pages Johan and Mehmet), deliver to the sink."""
    deps = deps_for(server, auto_start=True)
    with transaction(server.sessions) as session:
        import_csv(session, deps, NETWORK)
        mob = h.handle_story_flagged(session, deps, StoryFlagged(
            story_id=story_id, title=title, severity="alert", categories=["religion", "protest"],
            entities=["quran"], countries=["SE", "TR"], reasons=["sacred text desecrated", "spreading in 9 outlets"],
            evidence={"first_report": "https://news.example.org/stockholm"}))
        mob_id = mob.id
    deliver(server)
    return mob_id


def deliver(server) -> None:
    """Send queued email to the sink (what the worker's scheduler does)."""
    deliver_queued(server.sessions, SinkMailer(server.sessions, from_address="rr@aoc.example.org"))


def links_in_mail(server, to: str, subject_part: str) -> list[str]:
    """The URLs in the newest sink message to `to` whose subject contains `subject_part`."""
    with server.sessions() as session:
        rows = session.scalars(select(SinkMessage).where(SinkMessage.to == to).order_by(SinkMessage.id.desc()))
        for row in rows:
            if subject_part in row.subject:
                return re.findall(r"https?://\S+", row.text)
    raise AssertionError(f"no email to {to} about {subject_part!r}")
