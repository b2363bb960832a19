"""The Group of Friends' consultations on SQLite and PostgreSQL: one email per focal point through the mail ledger,
with unsubscribe, and replies by signed link until the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.records import RegistryCommand
from db.engine import transaction
from db.tables import OutboxMessage
from links import SignedLinks
from mail.tables import MailLedgerEntry
from registry import friends, handlers

NOW = datetime(2027, 5, 3, 9, tzinfo=UTC)


@pytest.fixture
def group(sessions):
    with transaction(sessions) as session:
        for fid, name in (("f-es", "Spain"), ("f-un", "UNESCO")):
            handlers.apply_command(session, RegistryCommand(
                registry="friends", action="create", entity_id=fid, request_id=f"t-{fid}",
                data={"name": name, "kind": "state" if fid == "f-es" else "un_agency"}, actor="t"))
        ids = [friends.add_focal_point(session, "f-es", name="Lucía", email="lucia@example.org", now=NOW),
               friends.add_focal_point(session, "f-es", name="Pablo", email="pablo@example.org", now=NOW),
               friends.add_focal_point(session, "f-un", name="Claire", email="claire@example.org", lang="fr",
                                       now=NOW)]
    return sessions, ids


def test_a_focal_point_belongs_to_a_member_of_the_group(group):
    """A focal point of a member not in the registry, with a bad email or twice is refused with a reason."""
    sessions, _ = group
    with transaction(sessions) as session:
        with pytest.raises(friends.FriendsError, match="Choose a member"):
            friends.add_focal_point(session, "nobody", name="X", email="x@example.org")
        with pytest.raises(friends.FriendsError, match="email address"):
            friends.add_focal_point(session, "f-es", name="X", email="not mail")
        with pytest.raises(friends.FriendsError, match="already a focal point"):
            friends.add_focal_point(session, "f-es", name="L", email="LUCIA@example.org")


def test_a_consultation_reaches_each_focal_point_once_and_not_the_unsubscribed(group):
    """Sending queues one ledger email per reachable focal point with its own links; sending again adds none."""
    sessions, (lucia, pablo, claire) = group
    links = SignedLinks("k" * 32, sessions, "https://aoc.example.org")
    with transaction(sessions) as session:
        friends.unsubscribe(session, pablo, now=NOW)
        cid = friends.create_consultation(session, title="Plan 2028", body="Do you support the plan?",
                                          deadline=NOW + timedelta(days=14), created_by="officer", now=NOW)
        assert friends.send_consultation(session, cid, links, now=NOW) == 2
    with transaction(sessions) as session:
        assert friends.send_consultation(session, cid, links, now=NOW) == 0
    with sessions() as session:
        mails = list(session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == friends.PURPOSE)))
        steps = session.scalar(select(OutboxMessage.id).where(OutboxMessage.topic == "programmes.stepped").limit(1))
    assert sorted(m.recipient for m in mails) == ["claire@example.org", "lucia@example.org"]
    message = next(m.message for m in mails if m.recipient == "lucia@example.org")
    assert "/friends/reply/" in message["text"] and "Do you support the plan?" in message["text"]
    assert message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["headers"]["List-Unsubscribe"].startswith("<https://aoc.example.org/friends/unsubscribe/")
    assert steps is not None


def test_replies_are_collected_and_can_change_until_the_deadline(group):
    """The reply link names the consultation and the focal point; a reply can be changed, not after the deadline."""
    sessions, (lucia, _pablo, claire) = group
    links = SignedLinks("k" * 32, sessions, "https://aoc.example.org")
    with transaction(sessions) as session:
        cid = friends.create_consultation(session, title="Plan", body="Text", deadline=NOW + timedelta(days=2),
                                          created_by="officer", now=NOW)
        friends.send_consultation(session, cid, links, now=NOW)
    with sessions() as session:
        text = session.scalars(select(MailLedgerEntry).where(
            MailLedgerEntry.recipient == "lucia@example.org")).one().message["text"]
    token = text.split("/friends/reply/")[1].split()[0]
    assert friends.reply_subject(links, token) == (cid, lucia)
    with transaction(sessions) as session:
        friends.reply(session, cid, lucia, position="support", text="Yes.", now=NOW)
        friends.reply(session, cid, lucia, position="with_changes", text="Yes, if...", now=NOW)
    with transaction(sessions) as session, pytest.raises(friends.FriendsError, match="deadline"):
        friends.reply(session, cid, claire, position="object", text="No", now=NOW + timedelta(days=3))
    with sessions() as session:
        seen = friends.consultation(session, cid)
        listed = friends.consultations(session)
    by_name = {r["name"]: r for r in seen["recipients"]}
    assert by_name["Lucía"]["position"] == "We support it with changes" and by_name["Lucía"]["reply"] == "Yes, if..."
    assert by_name["Claire"]["replied_at"] is None
    assert listed[0]["recipients"] == 3 and listed[0]["replies"] == 1
