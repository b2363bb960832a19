"""Translation review in a real browser: an officer writes the Arabic version, a French reader approves by link."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved, TranslationReady
from db.engine import transaction
from db.tables import OutboxMessage
from mail.tables import MailLedgerEntry
from translate.adapters import OfflineBackend
from translate.chain import TranslatorChain
from translate.handlers import register_oped
from translate.queue import translate_pending

pytestmark = [pytest.mark.browser, pytest.mark.broker]

BODY = ("<p>Dialogue is a <em>practice</em>. It begins with listening.</p>"
        "<p>Amina Diallo has seen it work in Stockholm.</p>")
BODY_TEXT = "Dialogue is a practice. It begins with listening.\n\nAmina Diallo has seen it work in Stockholm."


def released(server, lang: str) -> list[TranslationReady]:
    with server.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "translations.ready")).all()
    return [r for r in (TranslationReady.from_json(row.payload) for row in rows) if r.lang == lang]


@pytest.fixture
def oped(live_server):
    """An approved op-ed with Arabic and French waiting for a human (no translator reachable)."""
    import uuid

    oped_id = f"oped-{uuid.uuid4().hex[:8]}"
    with transaction(live_server.sessions) as session:
        register_oped(session, OpEdApproved(oped_id=oped_id, title="Listening first", body=BODY, lang="en",
                                            authors=[{"name": "Amina Diallo", "title": "Historian",
                                                      "affiliation": "Dakar University"}], officer="Officer"),
                     ["en", "ar", "fr"])
    translate_pending(live_server.sessions, TranslatorChain([OfflineBackend()]))
    return oped_id


def test_officer_writes_and_approves_the_arabic_version(page_as, live_server, oped):
    """The page says no machine translation exists; the officer's Arabic text is approved and released."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/translate")
    page.get_by_role("link", name="Listening first").first.click()
    row = page.get_by_role("row", name=re.compile("Arabic"))
    assert "Arabic (ar)" in row.inner_text() and "awaiting human translation" in row.inner_text()
    assert " a Arabic" not in page.inner_text("main")
    page.get_by_role("link", name="Review the Arabic version").click()
    assert page.get_by_text("No machine translation is available for this language.").is_visible()
    original = page.get_by_role("region", name=re.compile("Original")).inner_text()
    assert "<p>" not in original and "<em>" not in original and "It begins with listening." in original
    assert page.get_by_label("Text in Arabic").get_attribute("dir") == "rtl"
    page.get_by_label("Title in Arabic").fill("الاستماع أولا")
    page.get_by_label("Text in Arabic").fill("الحوار ممارسة.\n\nيبدأ بالاستماع.")
    page.get_by_role("button", name="Save correction").click()
    row = page.get_by_role("row", name=re.compile("Arabic"))
    assert "translation saved: waiting for approval" in row.inner_text()
    assert "awaiting human translation" not in row.inner_text()
    page.get_by_role("link", name="Review the Arabic version").click()
    assert page.get_by_label("Text in Arabic").input_value() == "الحوار ممارسة.\n\nيبدأ بالاستماع."
    page.get_by_role("button", name="Approve for release").click()
    assert "Arabic: approved for release." in page.inner_text("body")
    assert "approved" in page.get_by_role("row", name=re.compile("Arabic")).inner_text()
    ready = [r for r in released(live_server, "ar") if r.oped_id == oped]
    assert [(r.title, r.translator, r.credit) for r in ready] == [
        ("الاستماع أولا", "human translation by Duty Officer", "Translated from English by Duty Officer")]
    assert ready[0].body == "<p>الحوار ممارسة.</p><p>يبدأ بالاستماع.</p>"  # paragraphs kept, as HTML
    assert ready[0].authors[0]["name"] == "Amina Diallo" and ready[0].source_lang == "en"
    page.goto(f"{live_server.url}/translate/{oped}/ar")
    shown = page.get_by_role("region", name=re.compile("Arabic")).inner_text()
    assert "<p>" not in shown and "يبدأ بالاستماع." in shown


def test_pasting_the_original_is_refused_with_a_clear_message(page_as, live_server, oped):
    """An officer who pastes the English text as 'French' is told it is not a translation."""
    page = page_as("duty_officer")
    page.goto(f"{live_server.url}/translate/{oped}/fr")
    page.get_by_label("Title in French").fill("Listening first")
    page.get_by_label("Text in French").fill(BODY_TEXT)
    page.get_by_role("button", name="Approve for release").click()
    assert "this is the original English text, not a French translation" in page.inner_text("body")
    assert [r for r in released(live_server, "fr") if r.oped_id == oped] == []


def test_french_reader_approves_through_a_single_use_link(page_as, page, live_server, oped):
    """The review link is emailed to a French reader (never shown to copy); with it they correct and approve
    French; the link then stops working."""
    officer = page_as("duty_officer")
    officer.goto(f"{live_server.url}/translate/{oped}")
    officer.get_by_text("Email the review link to a reader of French").click()
    form = officer.get_by_role("form", name="Review link for French")
    form.get_by_label("Reviewer's email").fill("claire@reader.example.org")
    form.get_by_label("Reviewer's name").fill("Claire Dubois")
    form.get_by_role("button", name="Email the review link").click()
    assert "French: review link emailed to claire@reader.example.org" in officer.inner_text("body")
    assert "/review/" not in officer.inner_text("body")
    with live_server.sessions() as session:
        mail = session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.recipient == "claire@reader.example.org",
                                                             MailLedgerEntry.ref == f"{oped}/fr")).one()
    assert mail.subject.startswith("Review the French translation") and "Dear Claire Dubois" in mail.message["text"]
    url = re.search(r"https?://\S+/review/\S+", mail.message["text"]).group(0)
    url = live_server.url + url[url.index("/review/"):]
    page.goto(url)
    page.get_by_label("Your name").fill("Claire Dubois")
    page.get_by_label("Title in French").fill("Écouter d'abord")
    page.get_by_label("Text in French").fill("Le dialogue est une pratique. Il commence par l'écoute.")
    page.get_by_role("button", name="Approve for release").click()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert [r.translator for r in released(live_server, "fr") if r.oped_id == oped] == [
        "human translation by Claire Dubois (network member)"]
    page.goto(url)
    assert page.get_by_role("heading", name="This link cannot be used").is_visible()
