"""Member links and console pages refuse whoever should not get in, with a clear page and never a traceback."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from db.engine import transaction
from mobilize import emails
from mobilize import handlers as h
from mobilize import queries as q
from tests.web.mobilize.seeding import deliver, deps_for, links_in_mail, seed_mobilization


def _client(server) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=False, timeout=15)


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


@pytest.fixture(scope="module")
def mob_id(live_server) -> str:
    """One mobilization paging Johan and Mehmet."""
    return seed_mobilization(live_server, "sec-story")


def test_forged_link_is_refused_with_a_clear_page(live_server, mob_id):
    """A token that was altered gets a 400 page saying the link is not valid."""
    accept = links_in_mail(live_server, "johan@example.org", "Op-ed request")[0]
    with _client(live_server) as c:
        r = c.get(accept[:-3] + "abc")
    assert r.status_code == 400 and "This link is not valid" in r.text and "Traceback" not in r.text


def test_expired_link_is_refused(live_server, mob_id):
    """A link older than its lifetime gets a 410 page saying it expired."""
    with live_server.sessions() as s:
        invitation = q.invitations(s, mob_id)[0][0]
    token = live_server.app.state.links.make_link(emails.ACCEPT, invitation.id, max_age=1)
    time.sleep(2.1)
    with _client(live_server) as c:
        r = c.get(f"/m/answer/{token}")
    assert r.status_code == 410 and "expired" in r.text


def test_used_link_cannot_be_used_again(live_server, mob_id):
    """After a decline, the same link shows 'already been used'; the accept link says the member declined."""
    decline = links_in_mail(live_server, "johan@example.org", "Op-ed request")[1]
    accept = links_in_mail(live_server, "johan@example.org", "Op-ed request")[0]
    with _client(live_server) as c:
        token = _csrf(c, decline.replace(live_server.url, ""))
        r = c.post(decline.replace(live_server.url, ""), data={"csrf_token": token})
        assert r.status_code == 200 and "You declined" in r.text
        again = c.get(decline.replace(live_server.url, ""))
        assert again.status_code == 410 and "already been used" in again.text
        other = c.get(accept.replace(live_server.url, ""))
        assert other.status_code == 410 and "already declined" in other.text


def test_draft_link_of_a_member_who_did_not_accept_is_refused(live_server, mob_id):
    """A draft link for a member who declined opens nothing: 403 with the reason."""
    with live_server.sessions() as s:
        declined = [i for i, m in q.invitations(s, mob_id) if m.email == "johan@example.org"][0]
    url = h.draft_url_for(deps_for(live_server), declined.id)
    with _client(live_server) as c:
        r = c.get(url.replace(live_server.url, ""))
    assert r.status_code == 403 and "only open to the members who accepted" in r.text


def test_accept_link_does_not_open_a_draft_page(live_server, mob_id):
    """A link made for answering is refused on the draft page (wrong purpose)."""
    accept = links_in_mail(live_server, "mehmet@example.org", "Görüş yazısı talebi")[0]  # Mehmet reads Turkish
    token = accept.rsplit("/", 1)[1]
    with _client(live_server) as c:
        r = c.get(f"/m/draft/{token}")
    assert r.status_code == 400 and "not meant for this page" in r.text


def test_post_without_csrf_token_is_refused(live_server, mob_id):
    """Answering without the page's CSRF token is refused and changes nothing."""
    accept = links_in_mail(live_server, "mehmet@example.org", "Görüş yazısı talebi")[0]  # Mehmet reads Turkish
    with _client(live_server) as c:
        r = c.post(accept.replace(live_server.url, ""), data={})
    assert r.status_code in (400, 403)
    with live_server.sessions() as s:
        assert {m.email: i.status for i, m in q.invitations(s, mob_id)}["mehmet@example.org"] == "sent"


@pytest.mark.parametrize("path", ["/mobilize", "/mobilize/review", "/mobilize/network", "/mobilize/mail",
                                  "/mobilize/figures"])
def test_console_pages_need_a_login(live_server, path):
    """Anonymous visitors to console pages are sent to the login page."""
    with _client(live_server) as c:
        r = c.get(path)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_inbound_reply_is_attached_and_garbage_is_kept_with_200(live_server, mob_id):
    """Inbound Parse posts get 200: a reply to a known address is attached, a malformed post is kept as rejected."""
    with live_server.sessions() as s:
        inv = [i for i, m in q.invitations(s, mob_id) if m.email == "mehmet@example.org"][0]
    with _client(live_server) as c:
        ok = c.post("/webhooks/sendgrid/inbound", data={
            "to": f"Rapid Response <reply+{inv.reply_token}@reply.aoc.example.org>",
            "from": "Mehmet <mehmet@example.org>", "subject": "Re: Op-ed request", "text": "Can I write in Turkish?"},
            files={"attachment1": ("note.txt", b"hello", "text/plain")})
        bad = c.post("/webhooks/sendgrid/inbound", content=b"--x\r\nnot really multipart",
                     headers={"Content-Type": "multipart/form-data; boundary=zzz"})
    assert ok.status_code == 200 and bad.status_code == 200
    with live_server.sessions() as s:
        replies = q.inbound_replies(s)
    assert [r.status for r in replies][:2] == ["rejected", "attached"]
    assert replies[1].invitation_id == inv.id and "Turkish" in replies[1].text


def test_oversized_inbound_post_is_kept_as_rejected_with_200(live_server):
    """A post larger than the inbound limit is answered 200 (SendGrid would drop it on a 413) and kept as rejected."""
    limit = live_server.settings.mail.inbound_max_bytes
    with _client(live_server) as c:
        r = c.post("/webhooks/sendgrid/inbound", content=b"x" * (limit + 1),
                   headers={"Content-Type": "multipart/form-data; boundary=zzz"})
    assert r.status_code == 200
    with live_server.sessions() as s:
        newest = q.inbound_replies(s)[0]
    assert newest.status == "rejected" and "INBOUND_MAX_BYTES" in newest.reason


def test_draft_html_is_sanitized_on_the_page(live_server):
    """Script, event handlers and javascript: links written into a draft never reach the page."""
    mob = seed_mobilization(live_server, "xss-story", title="Cartoon row")
    deps = deps_for(live_server)
    with transaction(live_server.sessions) as s:
        invitations = q.invitations(s, mob)
        for i, _ in invitations[:2]:
            h.answer_invitation(s, deps, i.id, "accepted")
        draft = q.draft_of(s, mob)
        h.save_draft(s, deps, draft.id, "Johan Eriksson", "T",
                     '<p>ok</p><script>alert(1)</script><img src=x onerror="alert(2)">'
                     '<a href="javascript:alert(3)">x</a>')
    deliver(live_server)
    url = h.draft_url_for(deps, invitations[0][0].id)
    with _client(live_server) as c:
        r = c.get(url.replace(live_server.url, ""))
    assert r.status_code == 200
    preview = r.text.split('data-testid="preview">', 1)[1].split("</div>", 1)[0]
    assert "<p>ok</p>" in preview
    assert "<script" not in preview and "onerror" not in preview and "javascript:" not in preview


def test_inbound_post_without_the_configured_token_is_refused_and_not_stored(broker, tmp_path):
    """With RRM_MAIL__INBOUND_TOKEN set, a post without it is refused (403) and stores nothing; with it, attached."""
    from tests.web.conftest import start_live_server, web_settings

    settings = web_settings(tmp_path, broker.bootstrap_servers, mail={"inbound_token": "s3cret"})
    with start_live_server(settings) as server:
        mob = seed_mobilization(server, "token-story")
        with server.sessions() as s:
            inv = q.invitations(s, mob)[0][0]
        form = {"to": f"reply+{inv.reply_token}@reply.aoc.example.org", "text": "hello"}
        with _client(server) as c:
            forged = c.post("/webhooks/sendgrid/inbound", data=form)
            real = c.post("/webhooks/sendgrid/inbound?token=s3cret", data=form)
        assert (forged.status_code, real.status_code) == (403, 200)
        with server.sessions() as s:
            replies = q.inbound_replies(s)
        assert [(r.status, r.invitation_id) for r in replies] == [("attached", inv.id)]


def test_every_console_page_renders_for_a_duty_officer(live_server, mob_id):
    """Signed in as a duty officer, every mobilize console page answers 200 and shows its heading."""
    from tests.web.conftest import ACCOUNTS

    email, password = ACCOUNTS["duty_officer"]
    with httpx.Client(base_url=live_server.url, follow_redirects=True, timeout=15) as c:
        c.post("/login", data={"email": email, "password": password, "next": "/",
                               "csrf_token": _csrf(c, "/login")})
        for path, heading in [("/mobilize", "Mobilizations"), (f"/mobilize/{mob_id}", "Quran burning"),
                              ("/mobilize/review", "Drafts to review"), ("/mobilize/network", "The network"),
                              ("/mobilize/network/new", "New member"), ("/mobilize/figures", "Mobilization figures"),
                              ("/mobilize/replies", "Email replies"), ("/mobilize/mail", "Mail sink")]:
            r = c.get(path)
            assert r.status_code == 200, (path, r.status_code)
            assert heading in r.text and "Traceback" not in r.text
