"""Signed single-use links: forged, expired, used and wrong-purpose tokens are refused with clear errors."""

from __future__ import annotations

import time

import pytest

from db.engine import make_engine, session_factory
from links import LinkExpired, LinkForged, LinkUsed, LinkWrongPurpose, SignedLinks


@pytest.fixture
def links(sqlite_url: str) -> SignedLinks:
    """Links signed with a test key, remembered in a migrated SQLite store."""
    return SignedLinks("test-key-" + "x" * 24, session_factory(make_engine(sqlite_url)), "https://rrm.example.org")


def test_link_gives_back_its_subject_once(links: SignedLinks) -> None:
    """A fresh link yields its subject; the second use is refused as used."""
    token = links.make_link("invitation", "inv-42", max_age=60)
    assert links.peek_link(token, "invitation") == "inv-42"
    assert links.consume_link(token, "invitation") == "inv-42"
    with pytest.raises(LinkUsed, match="already been used"):
        links.consume_link(token, "invitation")
    with pytest.raises(LinkUsed):
        links.peek_link(token, "invitation")


def test_altered_link_is_forged(links: SignedLinks) -> None:
    """Changing one character of a token makes it invalid."""
    token = links.make_link("invitation", "inv-42")
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(LinkForged, match="not valid"):
        links.consume_link(altered, "invitation")


def test_link_from_another_key_is_forged(links: SignedLinks) -> None:
    """A token signed with another key is refused."""
    other = SignedLinks("another-key-" + "y" * 24).make_link("invitation", "inv-42")
    with pytest.raises(LinkForged):
        links.consume_link(other, "invitation")


def test_expired_link_is_refused(links: SignedLinks) -> None:
    """A link older than its lifetime is refused as expired."""
    token = links.make_link("editor", "ed-1", max_age=1)
    time.sleep(2.1)
    with pytest.raises(LinkExpired, match="expired"):
        links.consume_link(token, "editor")


def test_link_for_another_purpose_is_refused(links: SignedLinks) -> None:
    """An editor's link does not open a member's page."""
    token = links.make_link("editor", "ed-1")
    with pytest.raises(LinkWrongPurpose):
        links.consume_link(token, "invitation")


def test_consuming_inside_a_rolled_back_transaction_leaves_the_link_usable(links: SignedLinks, sqlite_url: str) -> None:
    """A link consumed in a transaction that fails can be used again."""
    sessions = session_factory(make_engine(sqlite_url))
    token = links.make_link("invitation", "inv-7")
    with pytest.raises(RuntimeError), sessions() as session, session.begin():
        links.consume_link(token, "invitation", session=session)
        raise RuntimeError("the effect failed")
    assert links.consume_link(token, "invitation") == "inv-7"


def test_link_url_is_absolute(links: SignedLinks) -> None:
    """Links in emails are absolute URLs on the public base URL."""
    token = links.make_link("invitation", "inv-1")
    assert links.url("/invitations/{token}", token) == f"https://rrm.example.org/invitations/{token}"
