"""Accepting, co-authoring and approving in a real browser, as members and the duty officer click them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved
from db.tables import OutboxMessage
from tests.web.mobilize.seeding import deliver, links_in_mail, seed_mobilization

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mob_id(live_server) -> str:
    """A mobilization paging Johan and Mehmet, their invitations in the mail sink."""
    return seed_mobilization(live_server, "browser-story")


def test_officer_reads_the_invitation_in_the_mail_sink_and_the_member_accepts(page_as, live_server, mob_id):
    """In the mail sink, Johan's invitation has an Accept link; clicking it and confirming records the acceptance."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/mobilize/mail?to=johan@example.org")
    page.get_by_role("link", name="Op-ed request: Quran burning at a Stockholm protest").first.click()
    page.locator(".mail-text a").first.click()
    assert page.get_by_role("heading", name="Accept the invitation").is_visible()
    page.get_by_role("button", name="Yes, I accept").click()
    assert page.get_by_role("heading", name="Thank you for accepting").is_visible()
    page.goto(live_server.url + f"/mobilize/{mob_id}")
    assert "Johan Eriksson accepted (link)." in page.locator(".timeline").inner_text()


def test_coauthors_write_the_draft_together_and_submit_it(page, browser, live_server, mob_id):
    """The second acceptance opens the draft (Mehmet reads it in Turkish, his first language); both co-authors edit
    in Markdown, see who wrote what, comment; the draft goes for review only when both agree to submit."""
    page.goto(links_in_mail(live_server, "mehmet@example.org", "Görüş yazısı talebi")[0])
    page.get_by_role("button", name="Evet, kabul ediyorum").click()
    assert page.get_by_role("heading", name="Ortak taslak").is_visible()
    assert page.locator("html").get_attribute("lang") == "tr"
    page.get_by_label("Başlık").fill("Burning books burns bridges")
    page.get_by_label("Metin (Markdown)").fill("Mehmet's opening paragraph.")
    page.get_by_role("button", name="Sürümü kaydet").click()
    assert "1 numaralı sürüm, Mehmet Yilmaz" in page.content()

    deliver(live_server)
    johan = browser.new_context().new_page()
    johan.goto(links_in_mail(live_server, "johan@example.org", "Your shared draft")[0])
    assert "writing with Mehmet Yilmaz" in johan.content()
    johan.get_by_label("Text (Markdown)").fill("Mehmet's opening paragraph.\n\nJohan's reply from **Stockholm**.")
    assert "Stockholm" in johan.get_by_test_id("preview").inner_html()
    johan.get_by_label("What you changed (optional)").fill("added Stockholm")
    johan.get_by_role("button", name="Save revision").click()
    johan.get_by_role("textbox", name="Comment").fill("Ready when you are, Mehmet.")
    johan.get_by_role("button", name="Add comment").click()
    assert "Revision 2 by Johan Eriksson" in johan.content() and "Ready when you are" in johan.content()
    johan.once("dialog", lambda dialog: dialog.accept())
    johan.get_by_role("button", name="I agree to submit revision 2").click()
    assert "still waiting for: Mehmet Yilmaz" in johan.content()
    page.reload()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="2 numaralı sürümün gönderilmesini onaylıyorum").click()
    assert "Gönderildi: nöbetçi sorumlu inceliyor" in page.content()
    johan.context.close()


def test_duty_officer_approves_with_the_evidence_beside_the_draft(page_as, live_server, mob_id):
    """The officer opens the queue, sees the draft beside the story's evidence, approves: OpEdApproved is queued."""
    page = page_as("duty_officer")
    page.goto(live_server.url + "/mobilize/review")
    page.get_by_role("link", name="Burning books burns bridges").click()
    assert "Johan's reply from Stockholm." in page.get_by_test_id("oped").inner_text()
    assert "sacred text desecrated" in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve and publish").click()
    assert "Approved: translation and distribution start now." in page.content()
    page.goto(live_server.url + f"/mobilize/{mob_id}")
    assert "Op-ed approved by Duty Officer" in page.locator(".timeline").inner_text()
    with live_server.sessions() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "opeds.approved")).all()
    approved = [OpEdApproved.from_json(r.payload) for r in rows]
    assert [a.title for a in approved] == ["Burning books burns bridges"]
    assert sorted(approved[0].authors) == ["Johan Eriksson", "Mehmet Yilmaz"]
