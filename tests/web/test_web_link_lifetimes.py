"""What each signed link is, in chromium: a translation-review link approves once, in the approval's own
transaction; a draft link is reusable for its lifetime but stops opening the draft when the mobilization closes or the
member leaves."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved
from db.engine import transaction
from links.signed import _digest
from links.tables import UsedLink
from mail.tables import MailLedgerEntry
from mobilize import handlers as h
from mobilize import queries as q
from mobilize.tables import Member
from tests.web.conftest import log_in, start_live_server, web_settings
from tests.web.mobilize.seeding import deps_for, seed_mobilization
from translate import model as tmodel
from translate.adapters import OfflineBackend
from translate.chain import TranslatorChain
from translate.handlers import register_oped
from translate.queue import translate_pending
from translate.tables import TranslationVersion

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(broker, tmp_path_factory):
    """A live server with its own store."""
    settings = web_settings(tmp_path_factory.mktemp("links"), broker.bootstrap_servers)
    with start_live_server(settings) as live:
        yield live


def open_draft(server, story_id: str) -> tuple[str, str, str]:
    """A mobilization whose two co-authors accepted: (mobilization id, a co-author's draft URL, their member id)."""
    mob_id = seed_mobilization(server, story_id)
    deps = deps_for(server)
    with transaction(server.sessions) as session:
        invitations = q.invitations(session, mob_id)
        for invitation, _member in invitations[:2]:
            h.answer_invitation(session, deps, invitation.id, "accepted")
        # Johan reads English (his Swedish has no catalog); Mehmet's pages would be in Turkish
        invitation, member = next(((i, m) for i, m in invitations[:2] if m.email == "johan@example.org"),
                                  invitations[0])
        url = h.draft_url_for(deps, invitation.id)
    return mob_id, server.url + url[url.index("/m/draft/"):], member.id


def test_a_draft_link_opens_the_draft_again_and_again_while_it_is_open(page, server):
    """A co-author's draft link is reusable: saving a revision and opening it again both work."""
    _mob, url, _member = open_draft(server, f"reuse-{uuid.uuid4().hex[:6]}")
    for n in range(2):
        page.goto(url)
        page.locator("#f-title").fill(f"Listening first, take {n}")
        page.get_by_role("button", name="Save revision").click()
        assert page.get_by_text("Saved as a new revision.").is_visible()


def test_a_draft_link_stops_working_when_the_mobilization_closes(page, server):
    """Once the officer stops the mobilization, the co-author's draft link shows a clear refusal, not the draft."""
    mob_id, url, _member = open_draft(server, f"closed-{uuid.uuid4().hex[:6]}")
    page.goto(url)
    assert page.get_by_role("button", name="Save revision").is_visible()
    with transaction(server.sessions) as session:
        h.stop_mobilization(session, deps_for(server), mob_id, "Officer", "handled elsewhere")
    answer = page.goto(url)
    assert answer.status == 403
    assert "This mobilization is closed" in page.inner_text("main")
    assert page.get_by_role("button", name="Save revision").count() == 0


def test_a_draft_link_stops_working_when_the_member_leaves(page, server):
    """A member marked as having left the network can no longer open the draft with their link."""
    _mob, url, member_id = open_draft(server, f"left-{uuid.uuid4().hex[:6]}")
    with transaction(server.sessions) as session:
        session.get(Member, member_id).active = False
    answer = page.goto(url)
    assert answer.status == 403
    assert "left the network" in page.inner_text("main")


def test_approval_and_the_use_of_the_review_link_are_one_transaction(browser, page, server):
    """If the link is used up by someone else while a reader approves, the reader's approval does not happen."""
    oped_id = f"oped-{uuid.uuid4().hex[:8]}"
    with transaction(server.sessions) as session:
        register_oped(session, OpEdApproved(oped_id=oped_id, title="Listening first", body="Dialogue is a "
                                            "practice. It begins with listening.", lang="en",
                                            authors=["Amina Diallo"], officer="Officer"), ["en", "fr"])
    translate_pending(server.sessions, TranslatorChain([OfflineBackend()]))
    officer = log_in(browser.new_page(), server.url, "duty_officer")
    officer.goto(f"{server.url}/translate/{oped_id}")
    officer.get_by_text("Email the review link to a reader of French").click()
    form = officer.get_by_role("form", name="Review link for French")
    form.get_by_label("Reviewer's email").fill("claire@reader.example.org")
    form.get_by_role("button", name="Email the review link").click()
    with server.sessions() as session:  # the link is emailed (mail ledger), never shown
        text = session.scalars(select(MailLedgerEntry.message).where(MailLedgerEntry.ref == f"{oped_id}/fr")).one()
    url = re.search(r"https?://\S+/review/\S+", text["text"]).group(0)
    token = url.rsplit("/", 1)[1]
    page.goto(server.url + "/review/" + token)
    page.get_by_label("Your name").fill("Claire Dubois")
    page.get_by_label("Title in French").fill("Écouter d'abord")
    page.get_by_label("Text in French").fill("Le dialogue est une pratique. Il commence par l'écoute.")
    # another use of the same link is under way: its row is written, not yet committed
    rival = server.sessions()
    rival.begin()
    rival.add(UsedLink(token_sha256=_digest(token), purpose="translation-review", subject_id=f"{oped_id}/fr",
                       used_at=datetime.now(UTC)))
    rival.flush()
    release = threading.Timer(1.5, lambda: (rival.commit(), rival.close()))
    release.start()
    page.get_by_role("button", name="Approve for release").click()
    release.join()
    assert page.get_by_role("heading", name="This link cannot be used").is_visible()
    with server.sessions() as session:
        status = session.scalar(select(TranslationVersion.status).where(TranslationVersion.oped_id == oped_id,
                                                                        TranslationVersion.lang == "fr"))
    assert status != tmodel.APPROVED

