"""Members in a real browser, in their own language (issue 15): a French invitation leads to a French draft page,
an Arabic page reads right to left, a second click on a used accept link leads to the draft, two co-authors editing
at once never overwrite each other, autosave, and the authors approve an officer-edited text before it goes out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bus.records import OpEdApproved, StoryFlagged, TranslationReady
from db.engine import transaction
from db.tables import OutboxMessage
from mobilize import emails, signoff
from mobilize import handlers as h
from mobilize.model import PieceOrder
from mobilize.network import import_csv
from mobilize.tables import Draft, Member
from tests.web.mobilize.seeding import deliver, deps_for, links_in_mail
from tests.web.screenshots import shoot
from tests.web.test_web_a11y import violations

pytestmark = pytest.mark.browser

NETWORK = """name,email,languages,regions,countries,cultural_background,faith_background,topics,timezone
Claire Dubois,claire@example.org,fr;en,europe,FR,French,Catholic,religion;interfaith,Europe/Paris
Youssef Amrani,youssef@example.org,ar;fr,north-africa,MA,Maghrebi,Muslim,religion;quran,Africa/Casablanca
"""
STORY = "members-browser-story"
TITLE = "Incendie d'une mosquée à Lyon"
CLAIRE, YOUSSEF = "claire@example.org", "youssef@example.org"


@pytest.fixture(scope="module")
def mob_id(live_server) -> str:
    """A mobilization whose one co-authored piece pages Claire (French) and Youssef (Arabic)."""
    deps = deps_for(live_server)
    with transaction(live_server.sessions) as session:
        import_csv(session, deps, NETWORK)
        ids = tuple(session.scalar(select(Member.id).where(Member.email == e)) for e in (CLAIRE, YOUSSEF))
        h.handle_story_flagged(session, deps, StoryFlagged(
            story_id=STORY, title=TITLE, severity="alert", categories=["religion"], countries=["FR"],
            reasons=["place of worship attacked"]))
        mob = h.start_mobilization(session, deps, STORY, started_by="officer@aoc.example.org",
                                   pieces=[PieceOrder("pair", ids)])
        mob_id = mob.id
    deliver(live_server)
    return mob_id


def _draft(live_server, mob_id) -> Draft:
    with live_server.sessions() as session:
        return session.scalar(select(Draft).where(Draft.mobilization_id == mob_id))


def test_french_invitation_leads_to_a_french_draft_and_arabic_reads_right_to_left(page, browser, live_server,
                                                                                   mob_id):
    """Claire accepts from her French invitation (deadline in Paris time); Youssef's pages are Arabic and dir=rtl;
    Claire's second click on her used accept link takes her to the French draft page, not to an error."""
    accept = links_in_mail(live_server, CLAIRE, "Demande de tribune")[0]
    page.goto(accept)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Accepter l’invitation").is_visible()
    assert "heure d’Europe centrale" in page.content()
    assert violations(page) == []
    page.get_by_role("button", name="Oui, j’accepte").click()
    assert page.get_by_role("heading", name="Merci d’avoir accepté").is_visible()

    youssef = browser.new_context().new_page()
    youssef.goto(links_in_mail(live_server, YOUSSEF, "طلب مقال رأي")[0])
    assert youssef.locator("html").get_attribute("dir") == "rtl"
    assert youssef.locator("html").get_attribute("lang") == "ar"
    youssef.get_by_role("button", name="نعم، أقبل").click()
    assert youssef.get_by_role("heading", name="المسودة المشتركة").is_visible()
    assert youssef.locator("html").get_attribute("dir") == "rtl"
    assert violations(youssef) == []
    youssef.context.close()

    response = page.goto(accept)  # the second click
    assert response.status == 200 and "/m/draft/" in page.url
    assert page.get_by_role("heading", name="Brouillon partagé").is_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    # French is the first language Claire (fr;en) and Youssef (ar;fr) share: the op-ed starts in French
    assert page.locator("#f-lang").input_value() == "fr"


def test_two_coauthors_editing_at_once_never_overwrite_each_other(browser, live_server, mob_id):
    """Claire and Youssef open the same revision; Claire saves first; Youssef's save shows both versions instead of
    overwriting hers, and he saves a merge of the two."""
    deliver(live_server)
    claire = browser.new_context().new_page()
    youssef = browser.new_context().new_page()
    claire.goto(links_in_mail(live_server, CLAIRE, "Votre brouillon partagé")[0])
    youssef.goto(links_in_mail(live_server, YOUSSEF, "مسودتك المشتركة")[0])
    base = _draft(live_server, mob_id).revision

    claire.get_by_label("Titre").fill("Un lieu de prière n'est pas une cible")
    claire.get_by_label("Texte (Markdown)").fill("Le paragraphe de Claire.")
    claire.get_by_role("button", name="Enregistrer la version").click()
    assert "Enregistré comme nouvelle version." in claire.content()

    youssef.get_by_label("العنوان").fill("Un lieu de prière n'est pas une cible")
    youssef.get_by_label("النص (Markdown)").fill("فقرة يوسف.")
    youssef.get_by_role("button", name="حفظ النسخة").click()
    assert youssef.get_by_test_id("conflict").is_visible()
    assert youssef.get_by_test_id("theirs").inner_text() == "Le paragraphe de Claire."
    assert youssef.get_by_test_id("mine").input_value() == "فقرة يوسف."
    assert violations(youssef) == []
    shoot(youssef, "member-draft-conflict-ar")
    draft = _draft(live_server, mob_id)
    assert draft.revision == base + 1 and draft.body_md == "Le paragraphe de Claire."

    youssef.get_by_test_id("mine").fill("Le paragraphe de Claire.\n\nفقرة يوسف.")
    youssef.get_by_role("button", name="حفظ هذه النسخة (تحلّ محل نسخته)").click()
    assert "حُفظ كنسخة جديدة." in youssef.content()
    draft = _draft(live_server, mob_id)
    assert draft.revision == base + 2 and "Claire" in draft.body_html and "يوسف" in draft.body_html
    claire.context.close()
    youssef.context.close()


def test_autosave_keeps_the_text_and_counts_words(browser, live_server, mob_id):
    """Typing in the editor updates the preview and the word count, and autosaves a new revision on its own."""
    claire = browser.new_context().new_page()
    refused = []
    claire.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    claire.goto(links_in_mail(live_server, CLAIRE, "Votre brouillon partagé")[0])
    before = _draft(live_server, mob_id).revision
    text = "Le paragraphe de Claire.\n\nفقرة يوسف.\n\nUne *troisième* phrase, écrite sans cliquer."
    claire.get_by_label("Texte (Markdown)").fill(text)
    assert "<em>troisième</em>" in claire.get_by_test_id("preview").inner_html()
    assert claire.get_by_test_id("word-count").get_attribute("data-words") == "12"
    assert "plus court que l’objectif" in claire.get_by_test_id("word-count").inner_text()
    claire.get_by_test_id("save-status").filter(has_text=f"Enregistré (version {before + 1})").wait_for()
    assert _draft(live_server, mob_id).body_md == text
    # the agreement button now names the revision just autosaved (and sends it: a stale agreement is refused)
    assert claire.get_by_role("button", name=f"Je suis d’accord pour soumettre la version {before + 1}").is_visible()
    assert refused == []  # the editor runs from /static files only (script-src 'self')
    shoot(claire, "member-draft-editor-fr")
    claire.context.close()


def test_authors_approve_the_officers_edits_before_the_oped_goes_out(browser, page_as, live_server, mob_id):
    """Both authors agree to submit; the officer edits and approves; each author sees the change and approves the
    final text in their language; only then is OpEdApproved queued, with the officer's edit."""
    deliver(live_server)
    claire = browser.new_context().new_page()
    youssef = browser.new_context().new_page()
    claire.goto(links_in_mail(live_server, CLAIRE, "Votre brouillon partagé")[0])
    youssef.goto(links_in_mail(live_server, YOUSSEF, "مسودتك المشتركة")[0])
    revision = _draft(live_server, mob_id).revision
    claire.once("dialog", lambda dialog: dialog.accept())
    claire.get_by_role("button", name=f"Je suis d’accord pour soumettre la version {revision}").click()
    youssef.reload()
    youssef.once("dialog", lambda dialog: dialog.accept())
    youssef.get_by_role("button", name=f"أوافق على إرسال النسخة {revision}").click()
    assert _draft(live_server, mob_id).status == "submitted"

    draft = _draft(live_server, mob_id)
    officer = page_as("duty_officer")
    officer.goto(live_server.url + f"/mobilize/review/{draft.id}")
    text = officer.get_by_label("Text", exact=True)
    assert text.input_value() == draft.body_md and "*troisième*" in draft.body_md  # the authors' Markdown
    text.fill(draft.body_md.replace("sans cliquer", "sans hésiter"))
    officer.get_by_role("button", name="Save edit").click()
    officer.get_by_text("Your edit is saved as a new revision.").wait_for()
    officer.once("dialog", lambda dialog: dialog.accept())
    officer.get_by_role("button", name="Approve and publish").click()
    officer.get_by_text("Your edits go to the authors first").wait_for()
    edited = _draft(live_server, mob_id)
    assert "*troisième*" in edited.body_md and "<em>troisième</em>" in edited.body_html  # emphasis kept
    deliver(live_server)

    def review_words() -> dict[str, str]:
        officer.goto(live_server.url + f"/mobilize/review/{draft.id}")
        panel = officer.get_by_test_id("final-text")
        assert "Waiting for the authors' approval" in panel.inner_text()
        return {li.locator("strong").inner_text(): li.locator(".status").inner_text().strip()
                for li in panel.locator("li").all()}

    assert review_words() == {"Claire Dubois": "not yet", "Youssef Amrani": "not yet"}
    assert "mobilization: Waiting for the authors' approval" in officer.content()
    assert officer.get_by_role("button", name="Approve and publish").count() == 0
    assert violations(officer) == []

    def approved() -> list[OpEdApproved]:
        with live_server.sessions() as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "opeds.approved"))
            return [a for a in (OpEdApproved.from_json(r.payload) for r in rows) if a.mobilization_id == mob_id]

    assert approved() == []
    officer.goto(live_server.url + "/mobilize/signoffs")
    assert "awaiting authors" in officer.content() and violations(officer) == []
    for listing in ("/mobilize", "/mobilize/figures"):  # the same label on every page that lists it
        officer.goto(live_server.url + listing)
        assert "Waiting for the authors' approval" in officer.content(), listing
    claire.goto(links_in_mail(live_server, CLAIRE, "Merci d’approuver le texte final")[0])
    assert violations(claire) == []
    shoot(claire, "member-signoff-changes-fr")
    diff = claire.get_by_test_id("final-diff")
    assert diff.locator("del").inner_text() == "cliquer." and diff.locator("ins").inner_text() == "hésiter."
    claire.get_by_role("button", name="J’approuve le texte final").click()
    claire.get_by_test_id("final-decided").wait_for()
    assert "la tribune partira dès que vos coauteurs l’auront approuvée aussi" in claire.content()
    assert approved() == []
    assert review_words() == {"Claire Dubois": "approved", "Youssef Amrani": "not yet"}

    youssef.goto(links_in_mail(live_server, YOUSSEF, "يُرجى الموافقة على النص النهائي")[0])
    assert youssef.locator("html").get_attribute("dir") == "rtl"
    youssef.get_by_role("button", name="أوافق على النص النهائي").click()
    youssef.get_by_text("شكراً: سيُرسل مقال الرأي الآن.").wait_for()
    published = approved()
    assert len(published) == 1 and "sans hésiter" in published[0].body and "<em>troisième</em>" in published[0].body
    claire.context.close()
    youssef.context.close()


def test_authors_see_an_arabic_translation_right_to_left_and_approve_it(browser, live_server, mob_id):
    """An Arabic translation is shown to Claire in French with the text itself right to left; her approval counts,
    and the translation goes out when Youssef approves too."""
    with live_server.sessions() as session:
        oped_id = session.scalar(select(signoff.FinalText.oped_id).where(
            signoff.FinalText.draft_id == _draft(live_server, mob_id).id))
    with transaction(live_server.sessions) as session:
        signoff.show_translation(session, deps_for(live_server), TranslationReady(
            oped_id=oped_id, lang="ar", title="مكان العبادة ليس هدفاً", body="<p>فقرة مترجمة.</p>", translator="Huda"))
    deliver(live_server)
    claire = browser.new_context().new_page()
    claire.goto(links_in_mail(live_server, CLAIRE, "Votre tribune dans une autre langue")[0])
    section = claire.get_by_test_id("translation-ar")
    assert "Traduction : arabe" in section.inner_text()
    assert section.locator("article").get_attribute("dir") == "rtl"
    assert claire.locator("html").get_attribute("dir") is None  # the page itself stays French, left to right
    assert violations(claire) == []
    section.get_by_role("button", name="J’approuve cette traduction").click()
    claire.get_by_text("Vous avez approuvé cette traduction.").wait_for()

    def signed(lang: str) -> list[str]:
        with live_server.sessions() as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "translations.signed_off"))
            return [r.payload for r in rows if f'"lang":"{lang}"'.encode() in r.payload.replace(b" ", b"")]

    assert signed("ar") == []
    youssef = browser.new_context().new_page()
    youssef.goto(links_in_mail(live_server, YOUSSEF, "مقال رأيك بلغة أخرى")[0])
    youssef.get_by_test_id("translation-ar").get_by_role("button", name="أوافق على هذه الترجمة").click()
    youssef.get_by_text("تمت الموافقة: أُرسلت.").wait_for()
    assert len(signed("ar")) == 1
    claire.context.close()
    youssef.context.close()


@pytest.mark.parametrize(("lang", "accept"), [("fr", "Accepter"), ("ar", "قبول")])
def test_invitation_email_renders_with_buttons_in_the_members_language(page, lang, accept):
    """The HTML invitation renders as a short letter with Accept / Decline buttons in the member's language (Arabic
    right to left); the screenshot goes to docs/screenshots/."""
    message = emails.invitation(
        to="m@example.org", name="Claire Dubois" if lang == "fr" else "يوسف العمراني", story_title=TITLE,
        reason="", accept_url="https://rrm.example.org/m/answer/a", decline_url="https://rrm.example.org/m/answer/d",
        reply_to="reply+x@rrm.example.org", deadline=datetime(2026, 11, 30, 14, 0, tzinfo=UTC), invitation_id="i",
        lang=lang, timezone="Europe/Paris" if lang == "fr" else "Africa/Casablanca")
    page.set_content(message.html)
    button = page.get_by_role("link", name=accept)
    assert button.is_visible() and button.get_attribute("href") == "https://rrm.example.org/m/answer/a"
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert "<p>" not in page.inner_text("body")
    shoot(page, f"member-invitation-email-{lang}")


def test_a_bad_member_link_is_explained_in_the_readers_language(browser, live_server):
    """A member whose browser asks for French opens a mangled link: the error page is in French; in Arabic it reads
    right to left; the console's English stays for everyone else."""
    for locale, lang, heading, text in (
            ("fr-FR", "fr", "La demande n'a pas pu être traitée", "Ce lien n'est pas valide"),
            ("ar", "ar", "تعذّر استخدام الطلب", "هذا الرابط غير صالح"),
            ("en-GB", "en", "The request could not be used", "This link is not valid")):
        context = browser.new_context(locale=locale)
        try:
            page = context.new_page()
            response = page.goto(f"{live_server.url}/m/answer/not-a-real-token")
            assert response.status == 400
            assert page.locator("html").get_attribute("lang") == lang
            assert page.get_by_role("heading", name=heading).is_visible()
            assert text in page.content() and "Traceback" not in page.content()
            assert (page.locator("html").get_attribute("dir") == "rtl") == (lang == "ar")
        finally:
            context.close()
