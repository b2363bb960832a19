"""The op-ed as editors get it, in a real browser: the multipart email rendered (byline, no visible tags, Arabic
right-to-left), saying where it ran through the signed link and by replying (Inbound Parse over HTTP), the
placements page, the newsroom per language and its Atom feed (parsed by feedparser). Screenshots go to
docs/screenshots/."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import pytest
from sqlalchemy import select

from bus.records import TranslationReady, TranslationSignedOff
from config.settings import PROJECT_ROOT
from db.tables import OutboxMessage
from distribute import model
from distribute.adapters import SendGridBatchSender
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution, record_signoff, record_translation
from distribute.release import Composer, release_due
from mail.adapters import SendGridMailer
from tests.support.mail_servers import SendGridEndpoint
from tests.support.transactions import in_transaction

pytestmark = [pytest.mark.browser, pytest.mark.broker]
SHOTS = PROJECT_ROOT / "docs" / "screenshots"
AUTHORS = [{"name": "Amina Haddad", "title": "Professor of Law", "affiliation": "University of Tunis",
            "member_id": "m-1"},
           {"name": "Jonas Berg", "title": "Director", "affiliation": "Nordic Dialogue Forum", "member_id": "m-2"}]
VERSIONS = {
    "en": ("Listening first", "<p>Dialogue is a <em>practice</em>, not a slogan.</p>"
           "<p>When a community is blamed for the acts of a few, we must listen before we speak.</p>", ""),
    "fr": ("D'abord écouter", "<p>Le dialogue est une <em>pratique</em>, pas un slogan.</p>"
           "<p>Quand une communauté est accusée des actes de quelques-uns, il faut écouter avant de parler.</p>",
           "Translated from English by Claire Martin"),
    "ar": ("الاستماع أولا", "<p>الحوار <em>ممارسة</em> وليس شعارا.</p>"
           "<p>عندما تُلام جماعة بأكملها على أفعال قلة، علينا أن نستمع قبل أن نتكلم.</p>",
           "Machine translation reviewed by Layla Nasser"),
}


def seed(server, *, mode: str = model.SCHEDULED_RELEASE, release_in=timedelta(0)) -> tuple[str, str, SendGridEndpoint]:
    """Editors in English, French and Arabic, the three versions signed off, one distribution handed to a local
    SendGrid endpoint; returns (distribution id, tag, endpoint with the requests)."""
    tag = uuid.uuid4().hex[:6]
    rows = ["email,name,outlet,language,region,beat,opt_in_source"]
    rows += [f"ed{i}-{tag}@paper{i}.example.org,Editor {i},Daily {i} {tag},{lang},Gulf,opinion,forum"
             for i, lang in enumerate(("en", "fr", "ar"))]
    in_transaction(server.sessions, import_editors, "\n".join(rows) + "\n")
    oped_id = f"oped-{tag}"
    for lang, (title, body, credit) in VERSIONS.items():
        in_transaction(server.sessions, record_translation, TranslationReady(
            oped_id=oped_id, lang=lang, title=f"{title} {tag}", body=body, translator="original" if lang == "en"
            else credit, source_lang="en", authors=AUTHORS, credit=credit))
        if lang != "en":
            in_transaction(server.sessions, record_signoff, TranslationSignedOff(
                oped_id=oped_id, lang=lang, how="authors", by="Amina Haddad, Jonas Berg"))
    segment = in_transaction(server.sessions, create_segment, f"all-{tag}", model.Criteria())
    now = datetime.now(UTC)
    dist = in_transaction(server.sessions, create_distribution, oped_id=oped_id, languages=["en", "fr", "ar"],
                          segment_ids=[segment], release_at=now + release_in, created_by="Officer",
                          backend="sendgrid", now=now, mode=mode)
    endpoint = SendGridEndpoint().__enter__()
    batches = SendGridBatchSender(SendGridMailer("SG.test-key", host=endpoint.url, from_address="rr@aoc.example.org",
                                                 timeout_s=10))
    release_due(server.sessions, composer=Composer.from_settings(server.settings), batches=batches, mailer=None,
                now=now)
    return dist, tag, endpoint


def email_of(endpoint: SendGridEndpoint, address: str) -> tuple[dict, str, str]:
    """(request, HTML, text) of the email one editor gets, with their substitutions applied."""
    for request in endpoint.accepted:
        for person in request.body["personalizations"]:
            if person["to"][0]["email"] == address:
                content = {c["type"]: c["value"] for c in request.body["content"]}
                fill = person.get("substitutions", {})
                html, text = content["text/html"], content["text/plain"]
                for mark, value in fill.items():
                    html, text = html.replace(mark, value), text.replace(mark, value)
                return request.body, html, text
    raise AssertionError(f"no email to {address}")


@pytest.fixture
def released(live_server):
    """A distribution released now to English, French and Arabic editors."""
    dist, tag, endpoint = seed(live_server)
    yield dist, tag, endpoint
    endpoint.__exit__(None, None, None)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_editor_email_renders_as_an_article_with_its_byline(page, live_server, released, lang):
    """The HTML part shows title, each author's name, title and affiliation, language, word count, credit line,
    rights and reply address, no tag as text; the Arabic one runs right to left; the text part has paragraphs."""
    dist, tag, endpoint = released
    index = ["en", "fr", "ar"].index(lang)
    body, html, text = email_of(endpoint, f"ed{index}-{tag}@paper{index}.example.org")
    page.set_content(html)
    shown = page.inner_text("body")
    title, _, credit = VERSIONS[lang]
    assert page.get_by_role("heading", level=1).inner_text() == f"{title} {tag}"
    assert "Amina Haddad, Professor of Law, University of Tunis" in shown
    assert "Jonas Berg, Director, Nordic Dialogue Forum" in shown
    assert re.search(r"\d+ words", shown) and {"en": "English", "fr": "French", "ar": "Arabic"}[lang] in shown
    assert (credit or "Translated") in shown if credit else "Translated" not in shown
    assert "Free to republish" in shown and f"desk+{dist}@" in shown
    assert "<p>" not in shown and "<em>" not in shown and "&lt;" not in shown
    article = page.locator("article")
    assert article.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert article.evaluate("e => getComputedStyle(e).direction") == ("rtl" if lang == "ar" else "ltr")
    assert article.get_attribute("lang") == lang
    assert "<p>" not in text and "\n\n" in text and "Amina Haddad" in text
    assert body["reply_to"]["email"] == f"desk+{dist}@editors.aoc.example.org"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"editor-email-{lang}.png"), full_page=True)


def test_advance_copy_goes_now_with_the_embargo_in_subject_and_body(page, live_server):
    """An advance copy leaves at once, without send_at, "EMBARGOED UNTIL …" in the subject and the email."""
    dist, tag, endpoint = seed(live_server, mode=model.ADVANCE_COPY, release_in=timedelta(hours=6))
    try:
        body, html, text = email_of(endpoint, f"ed1-{tag}@paper1.example.org")
        assert body["subject"].startswith("EMBARGOED UNTIL") and "send_at" not in body
        page.set_content(html)
        assert "EMBARGOED UNTIL" in page.inner_text(".embargo") and "EMBARGOED UNTIL" in text
    finally:
        endpoint.__exit__(None, None, None)


def test_editor_says_where_it_ran_through_the_link_and_the_officer_sees_it(page, page_as, live_server, released):
    """The signed link in the email: a wrong address is refused with a clear message and kept; a good one is
    recorded, shown on the placements page per op-ed and per outlet, and OpEdPlaced leaves through the outbox."""
    dist, tag, endpoint = released
    _, html, _ = email_of(endpoint, f"ed1-{tag}@paper1.example.org")
    link = re.search(r'href="([^"]+/placements/[^"]+)"', html).group(1)
    page.goto(live_server.url + link[link.index("/placements/"):])
    page.get_by_label("It ran at this address:").check()
    page.get_by_label("Address of the article (if it ran)").fill("not a link")
    page.get_by_role("button", name="Send").click()
    assert "starting with https://" in page.inner_text("main")
    assert page.get_by_label("Address of the article (if it ran)").input_value() == "not a link"
    page.get_by_label("Address of the article (if it ran)").fill(f"https://daily1.example.com/opinion/{tag}")
    page.get_by_role("button", name="Send").click()
    assert "You said you ran it" in page.inner_text("main")
    officer = page_as("duty_officer")
    officer.goto(live_server.url + "/distribute/placements")
    region = officer.get_by_role("region", name=re.compile(f"Placements of D'abord écouter {tag}|"
                                                          f"Placements of Listening first {tag}")).inner_text()
    assert f"Daily 1 {tag}" in region and f"https://daily1.example.com/opinion/{tag}" in region
    assert f"Daily 1 {tag}" in officer.get_by_role("region", name="Placements by outlet").inner_text()
    with live_server.sessions() as session:
        topics = list(session.scalars(select(OutboxMessage.topic).where(OutboxMessage.key == f"oped-{tag}")))
    assert any(t.endswith("opeds.placed") for t in topics)


def test_an_editors_reply_with_a_link_records_the_placement(page_as, live_server, released):
    """A reply through Inbound Parse (multipart form over HTTP) saying where it ran becomes a placement."""
    dist, tag, endpoint = released
    reply = httpx.post(live_server.url + "/webhooks/sendgrid/editors", data={
        "from": f"Editor 2 <ed2-{tag}@paper2.example.org>", "to": f"desk+{dist}@editors.aoc.example.org",
        "subject": "Re: published", "text": f"Ran today: https://daily2.example.com/ar/{tag}\n\n> quoted email"})
    assert reply.status_code == 200 and reply.json()["status"] == "placed"
    stray = httpx.post(live_server.url + "/webhooks/sendgrid/editors", data={
        "from": "someone@else.example.org", "to": "desk@editors.aoc.example.org", "text": "Hello"})
    assert stray.status_code == 200 and stray.json()["status"] == "unmatched"
    officer = page_as("duty_officer")
    officer.goto(live_server.url + f"/distribute/placements?oped=oped-{tag}")
    main = officer.inner_text("main")
    assert f"https://daily2.example.com/ar/{tag}" in main and "an email reply" in main
    assert "no op-ed was sent to someone@else.example.org" in main


def test_newsroom_renders_each_language_and_arabic_right_to_left(page, live_server, released):
    """The public newsroom shows the released op-ed in each language, with its byline and no tags as text; the
    Arabic article is lang=ar, dir=rtl."""
    dist, tag, endpoint = released
    page.goto(live_server.url + "/newsroom")
    assert page.get_by_role("link", name=f"الاستماع أولا {tag}").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "newsroom.png"), full_page=True)
    page.get_by_role("link", name=f"الاستماع أولا {tag}").click()
    article = page.locator("article")
    assert article.get_attribute("lang") == "ar" and article.get_attribute("dir") == "rtl"
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    shown = article.inner_text()
    assert "Amina Haddad" in shown and "Machine translation reviewed by Layla Nasser" in shown
    assert "<p>" not in shown and "الحوار" in shown
    page.screenshot(path=str(SHOTS / "newsroom-article-ar.png"), full_page=True)


def test_atom_feed_lists_released_op_eds_per_language(live_server, released):
    """feedparser reads the Atom feed: one entry per released language, with its language, authors and link."""
    dist, tag, endpoint = released
    response = httpx.get(live_server.url + "/newsroom/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    mine = [e for e in feed.entries if tag in e.title]
    assert sorted(e.get("language") or e.title_detail.language for e in mine) == ["ar", "en", "fr"]
    arabic = next(e for e in mine if e.title.startswith("الاستماع"))
    assert [a.name for a in arabic.authors] == ["Amina Haddad", "Jonas Berg"]
    assert arabic.link.endswith(f"/newsroom/oped-{tag}/ar") and "الحوار" in arabic.content[0].value


def test_editor_and_newsroom_pages_pass_axe(page, page_as, live_server, released):
    """The placement page, the Arabic article and the placements page (with data) have no WCAG 2 A/AA violation."""
    from tests.web.test_web_a11y import violations

    dist, tag, endpoint = released
    _, html, _ = email_of(endpoint, f"ed2-{tag}@paper2.example.org")
    link = re.search(r'href="([^"]+/placements/[^"]+)"', html).group(1)
    found = {}
    for tab, path in ((page, link[link.index("/placements/"):]), (page, f"/newsroom/oped-{tag}/ar"),
                      (page, "/newsroom"), (page_as("duty_officer"), "/distribute/placements"),
                      (page_as("duty_officer"), "/distribute")):
        tab.goto(live_server.url + path)
        tab.wait_for_load_state("networkidle")
        if problems := violations(tab):
            found[path] = problems
    assert found == {}
