"""Issue 15's journey in one walk, in a real browser, as its users would take it: a duty officer sees the alert badge,
acknowledges a flagged story and mobilizes two pieces; a French member accepts from her French invitation and an
Arabic-speaking member from his; the two co-authors edit the same draft without overwriting each other; the officer
edits and approves; the authors approve the final text; the officer writes the English version and an Arabic reader
approves hers through an emailed link; the authors approve both translations; the editors' multipart email is
rendered in chromium (byline with the authors' names, no tag as text, Arabic right to left); an editor says where it
ran through the email's signed link, and the outlet appears in the yearly report's outlet table.

Between stages the records the stages leave in the outbox are handed to the next stage's handlers (what the workers
do on the broker); every step a person takes is taken in the browser. A step that cannot be reached fails with the
step's name and what is missing."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bus.body import to_text
from bus.records import OpEdApproved, StoryFlagged, TranslationReady, TranslationSignedOff
from db.engine import transaction
from db.tables import OutboxMessage
from distribute import model as dmodel
from distribute.adapters import SendGridBatchSender
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution, record_signoff, record_translation
from distribute.release import Composer, release_due
from mail.adapters import SendGridMailer
from mail.tables import MailLedgerEntry
from mobilize import handlers as h
from mobilize import oncall, signoff
from mobilize import queries as q
from mobilize.network import import_csv
from mobilize.tables import Draft
from tests.support.mail_servers import SendGridEndpoint
from tests.support.transactions import in_transaction
from tests.support.waiting import wait_until
from tests.web.conftest import ACCOUNTS
from tests.web.distribute.test_web_distribute_editor import email_of
from tests.web.mobilize.seeding import deliver, deps_for, links_in_mail
from translate.adapters import OfflineBackend
from translate.chain import TranslatorChain
from translate.handlers import register_oped
from translate.queue import translate_pending

pytestmark = [pytest.mark.browser, pytest.mark.broker]

NOW = datetime.now(UTC).replace(microsecond=0)
TAG = uuid.uuid4().hex[:6]
STORY = f"journey-{TAG}"
STORY_TITLE = f"Mosque set on fire in Lyon {TAG}"
CLAIRE, YOUSSEF = "claire.j@example.org", "youssef.j@example.org"
NETWORK = "\n".join([
    "name,email,languages,regions,countries,cultural_background,faith_background,topics,timezone,title,affiliation",
    f"Claire Dubois,{CLAIRE},fr;en,europe,FR,French,Catholic,religion;interfaith;quran,Europe/Paris,Historian,"
    "Sorbonne University",
    f"Youssef Amrani,{YOUSSEF},ar;fr,north-africa,MA;FR,Maghrebi,Muslim,religion;interfaith;quran,Africa/Casablanca,"
    "Imam,Rabat Interfaith Centre",
    "Johan Eriksson,johan.j@example.org,sv;en,europe,SE,Nordic,Lutheran,religion;quran,Europe/Stockholm,Pastor,"
    "Church of Sweden", ""])
VERSIONS = {  # the released versions besides the original: (title, body)
    "en": ("A place of prayer is not a target", "<p>A place of prayer is <em>never</em> a target.</p>"
           "<p>When one community is blamed for the acts of a few, all of us must listen before we speak.</p>"),
    "fr": ("Un lieu de prière n'est pas une cible", "<p>Un lieu de prière n'est <em>jamais</em> une cible.</p>"
           "<p>Quand une communauté est accusée des actes de quelques-uns, nous devons tous écouter.</p>"),
    "ar": ("مكان العبادة ليس هدفاً", "<p>مكان العبادة <em>ليس</em> هدفاً أبداً.</p>"
           "<p>عندما تُلام جماعة بأكملها على أفعال قلة، علينا جميعاً أن نستمع قبل أن نتكلم.</p>"),
}
OUTLET = f"Le Quotidien {TAG}"
LAYLA = "layla.j@example.org"


@contextmanager
def step(name: str) -> Iterator[None]:
    """Run one step of the journey; a failure names the step (the lead sees where the walk stopped)."""
    started = time.monotonic()
    try:
        yield
        print(f"{time.monotonic() - started:5.1f} s  {name}")
    except Exception as exc:  # noqa: BLE001 - any failure is reported as this step's
        pytest.fail(f"journey stopped at step «{name}»: {type(exc).__name__}: {exc}", pytrace=True)


def _outbox(server, topic: str, record_type):
    with server.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic.endswith(topic))
                               .order_by(OutboxMessage.id)).all()
        return [record_type.from_json(row.payload) for row in rows]


def _draft(server, piece_id: str) -> Draft:
    with server.sessions() as session:
        return session.scalar(select(Draft).where(Draft.piece_id == piece_id))


def test_the_op_ed_journey_from_alert_to_the_yearly_report(browser, page, page_as, live_server):
    """One flagged story to an op-ed placed in an outlet and counted in the yearly report, every person's step in
    chromium: alert, two pieces, French invitation, co-editing, officer edit, authors' approval, editor email,
    placement, report."""
    server = live_server
    deps = deps_for(server)
    with step("seed: the network, the rota and a flagged story (nobody paged by the flag itself)"):
        with transaction(server.sessions) as session:
            import_csv(session, deps, NETWORK)
            oncall.save_shift(session, officer_email=ACCOUNTS["duty_officer"][0], officer_name="Duty Officer",
                              level=1, starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=8),
                              note_text="journey shift", now=NOW)
            assert h.handle_story_flagged(session, deps, StoryFlagged(
                story_id=STORY, title=STORY_TITLE, severity="alert", categories=["religion"],
                entities=["quran"], countries=["FR"], reasons=["place of worship attacked", "spreading in 5 outlets"],
                evidence={"first_report": "https://news.example.org/lyon"})) is None
        with server.sessions() as session:
            alerts = session.scalars(select(MailLedgerEntry).where(MailLedgerEntry.purpose == "mobilize.alert")).all()
        assert [m.recipient for m in alerts] == [ACCOUNTS["duty_officer"][0]]

    officer = page_as("duty_officer")
    with step("officer: the badge, acknowledging the flagged story, mobilizing two pieces"):
        officer.get_by_role("link", name="1 open alert").click()
        officer.get_by_role("link", name=STORY_TITLE).click()
        officer.get_by_role("button", name="Acknowledge").click()
        officer.get_by_text("Acknowledged: nobody else is alerted").first.wait_for()
        officer.get_by_label("Co-authored pairs").fill("1")
        officer.get_by_label("Solo pieces").fill("1")
        officer.get_by_role("button", name="Preview members").click()
        pieces = officer.locator("ol.pieces").inner_text()
        assert "Piece 1: co-authored pair" in pieces and "Piece 2: solo" in pieces
        officer.get_by_role("button", name="Mobilize 2 pieces: page these members").click()
        table = officer.get_by_role("table", name="Pieces commissioned").inner_text()
        assert "Piece 1: co-authored pair" in table and "Piece 2: solo" in table
        with server.sessions() as session:
            mob = q.mobilization_for_story(session, STORY)
            seats: dict[str, list[str]] = {}
            for invitation, member in q.invitations(session, mob.id):
                seats.setdefault(invitation.piece_id, []).append(member.email)
        pair = f"{mob.id}-1"
        assert sorted(seats[pair]) == sorted([CLAIRE, YOUSSEF]), f"the pair proposed was {seats}"
        assert len(seats[f"{mob.id}-2"]) == 1
        assert not officer.get_by_role("link", name=re.compile("open alert")).is_visible()

    with step("members: Claire accepts from her French invitation, Youssef from his Arabic one"):
        deliver(server)
        page.goto(links_in_mail(server, CLAIRE, "Demande de tribune")[0])
        assert page.locator("html").get_attribute("lang") == "fr"
        page.get_by_role("button", name="Oui, j’accepte").click()
        page.get_by_role("heading", name="Merci d’avoir accepté").wait_for()
        youssef = browser.new_context().new_page()
        youssef.goto(links_in_mail(server, YOUSSEF, "طلب مقال رأي")[0])
        assert youssef.locator("html").get_attribute("dir") == "rtl"
        youssef.get_by_role("button", name="نعم، أقبل").click()
        youssef.get_by_role("heading", name="المسودة المشتركة").wait_for()

    claire = page
    with step("co-authors: both edit the same draft; the second save shows both texts and keeps a merge"):
        deliver(server)
        claire.goto(links_in_mail(server, CLAIRE, "Votre brouillon partagé")[0])
        youssef.goto(links_in_mail(server, YOUSSEF, "مسودتك المشتركة")[0])
        base = _draft(server, pair).revision
        claire.get_by_label("Titre").fill(VERSIONS["fr"][0])
        claire.locator("#f-lang").select_option("fr")  # the op-ed is written in French
        claire.get_by_label("Texte (Markdown)").fill("Un lieu de prière n'est *jamais* une cible, écrit Claire.")
        claire.get_by_role("button", name="Enregistrer la version").click()
        claire.get_by_text("Enregistré comme nouvelle version.").first.wait_for()
        youssef.get_by_label("العنوان").fill(VERSIONS["fr"][0])
        youssef.get_by_label("النص (Markdown)").fill("Nous devons écouter avant de parler, écrit Youssef.")
        youssef.get_by_role("button", name="حفظ النسخة").click()
        youssef.get_by_test_id("conflict").wait_for()
        assert "écrit Claire" in youssef.get_by_test_id("theirs").inner_text()
        youssef.get_by_test_id("mine").fill("Un lieu de prière n'est *jamais* une cible, écrit Claire.\n\n"
                                            "Nous devons écouter avant de parler, écrit Youssef.")
        youssef.get_by_role("button", name="حفظ هذه النسخة (تحلّ محل نسخته)").click()
        youssef.get_by_text("حُفظ كنسخة جديدة.").first.wait_for()
        draft = _draft(server, pair)
        assert draft.revision == base + 2 and "Claire" in draft.body_html and "Youssef" in draft.body_html

    with step("co-authors: both agree to submit the same revision"):
        claire.reload()
        revision = _draft(server, pair).revision
        claire.once("dialog", lambda dialog: dialog.accept())
        claire.get_by_role("button", name=f"Je suis d’accord pour soumettre la version {revision}").click()
        youssef.reload()
        youssef.once("dialog", lambda dialog: dialog.accept())
        youssef.get_by_role("button", name=f"أوافق على إرسال النسخة {revision}").click()
        wait_until(lambda: _draft(server, pair).status == "submitted", 10, "the draft to be submitted")

    with step("officer: edits the submitted draft in the review page and approves it (authors asked first)"):
        draft = _draft(server, pair)
        officer.goto(server.url + f"/mobilize/review/{draft.id}")
        body = officer.get_by_label("Text", exact=True)
        body.fill(body.input_value().replace("avant de parler", "avant de juger"))
        officer.get_by_role("button", name="Save edit").click()
        officer.get_by_text("Your edit is saved as a new revision.").first.wait_for()
        officer.once("dialog", lambda dialog: dialog.accept())
        officer.get_by_role("button", name="Approve and publish").click()
        officer.get_by_text("Your edits go to the authors first").first.wait_for()
        assert [a for a in _outbox(server, "opeds.approved", OpEdApproved) if a.mobilization_id == mob.id] == []

    with step("authors: each sees the officer's change and approves the final text"):
        deliver(server)
        claire.goto(links_in_mail(server, CLAIRE, "Merci d’approuver le texte final")[0])
        diff = claire.get_by_test_id("final-diff")
        assert "juger" in diff.locator("ins").inner_text() and "parler" in diff.locator("del").inner_text()
        claire.get_by_role("button", name="J’approuve le texte final").click()
        claire.get_by_test_id("final-decided").wait_for()
        youssef.goto(links_in_mail(server, YOUSSEF, "يُرجى الموافقة على النص النهائي")[0])
        youssef.get_by_role("button", name="أوافق على النص النهائي").click()
        youssef.get_by_text("شكراً: سيُرسل مقال الرأي الآن.").wait_for()
        approved = [a for a in _outbox(server, "opeds.approved", OpEdApproved) if a.mobilization_id == mob.id]
        assert len(approved) == 1 and "avant de juger" in approved[0].body
        record = approved[0]
        assert {a["name"] for a in record.author_details} == {"Claire Dubois", "Youssef Amrani"}

    with step("the approved op-ed is in the language the authors chose (French)"):
        assert record.lang == "fr", f"OpEdApproved.lang is {record.lang!r}"
    source = record.lang
    others = [lang for lang in ("en", "fr", "ar") if lang != source]
    with step("translate: the officer writes the English version; an Arabic reader approves hers by emailed link"):
        in_transaction(server.sessions, register_oped, record, ["en", "fr", "ar"])
        translate_pending(server.sessions, TranslatorChain([OfflineBackend()]))  # no machine translator here
        officer.goto(server.url + f"/translate/{record.oped_id}/en")
        officer.get_by_label("Title in English").fill(VERSIONS["en"][0])
        officer.get_by_label("Text in English").fill(to_text(VERSIONS["en"][1]))  # typed as paragraphs
        officer.get_by_role("button", name="Approve for release").click()
        officer.get_by_text("English: approved for release.").first.wait_for()
        officer.get_by_text("Email the review link to a reader of Arabic").click()
        officer.locator("#f-email-ar").fill(LAYLA)
        officer.locator("#f-name-ar").fill("Layla Nasser")
        officer.get_by_role("button", name="Email the review link").click()
        officer.get_by_text(f"Arabic: review link emailed to {LAYLA}").first.wait_for()
        deliver(server)
        reader = browser.new_context().new_page()
        reader.goto(next(u for u in links_in_mail(server, LAYLA, "Arabic") if "/review/" in u))
        assert reader.get_by_label("Text in Arabic").get_attribute("dir") == "rtl"
        reader.get_by_label("Your name").fill("Layla Nasser")
        reader.get_by_label("Title in Arabic").fill(VERSIONS["ar"][0])
        reader.get_by_label("Text in Arabic").fill(to_text(VERSIONS["ar"][1]))
        reader.get_by_role("button", name="Approve for release").click()
        reader.context.close()
        def released() -> list[TranslationReady]:
            return [r for r in _outbox(server, "translations.ready", TranslationReady) if r.oped_id == record.oped_id]

        wait_until(lambda: len(released()) == 3, 10, lambda: f"3 languages released, not {len(released())}")
        ready = released()
        assert sorted(r.lang for r in ready) == ["ar", "en", "fr"], [r.lang for r in ready]
        for r in ready:
            in_transaction(server.sessions, record_translation, r)
            in_transaction(server.sessions, signoff.show_translation, deps, r)

    with step("authors: each approves the English and Arabic translations on their page (Arabic right to left)"):
        deliver(server)
        for who, subject, approve_label in ((claire, "Votre tribune dans une autre langue",
                                             "J’approuve cette traduction"),
                                            (youssef, "مقال رأيك بلغة أخرى", "أوافق على هذه الترجمة")):
            who.goto(links_in_mail(server, CLAIRE if who is claire else YOUSSEF, subject)[0])
            assert who.get_by_test_id("translation-ar").locator("article").get_attribute("dir") == "rtl"
            for lang in others:
                section = who.get_by_test_id(f"translation-{lang}")
                section.get_by_role("button", name=approve_label).click()
                who.get_by_test_id(f"translation-{lang}").get_by_role("button", name=approve_label).wait_for(
                    state="detached")
        signed = [r for r in _outbox(server, "translations.signed_off", TranslationSignedOff)
                  if r.oped_id == record.oped_id]
        assert {r.lang: r.how for r in signed if r.lang in others} == dict.fromkeys(others, "authors")
        for r in signed:
            in_transaction(server.sessions, record_signoff, r)

    endpoint = SendGridEndpoint().__enter__()
    try:
        with step("distribute: editors in English, French and Arabic get the multipart email through SendGrid"):
            rows = ["email,name,outlet,language,region,beat,opt_in_source"]
            rows += [f"ed-{lang}-{TAG}@paper.example.org,Editor {lang},"
                     f"{OUTLET if lang == 'fr' else f'Daily {lang} {TAG}'},{lang},Europe,opinion,forum"
                     for lang in ("en", "fr", "ar")]
            in_transaction(server.sessions, import_editors, "\n".join(rows) + "\n")
            segment = in_transaction(server.sessions, create_segment, f"journey-{TAG}", dmodel.Criteria())
            now = datetime.now(UTC)
            dist = in_transaction(server.sessions, create_distribution, oped_id=record.oped_id,
                                  languages=["en", "fr", "ar"], segment_ids=[segment], release_at=now,
                                  created_by="Duty Officer", backend="sendgrid", now=now)
            batches = SendGridBatchSender(SendGridMailer("SG.test-key", host=endpoint.url,
                                                         from_address="rr@aoc.example.org", timeout_s=10))
            release_due(server.sessions, composer=Composer.from_settings(server.settings), batches=batches,
                        mailer=None, now=now)
            assert endpoint.accepted, "nothing was handed to SendGrid"

        for lang in ("en", "fr", "ar"):
            with step(f"editor email ({lang}): rendered in chromium with the byline, no tags, the right direction"):
                _, html, text = email_of(endpoint, f"ed-{lang}-{TAG}@paper.example.org")
                page.set_content(html)
                shown_text = page.inner_text("body")
                assert page.get_by_role("heading", level=1).inner_text().strip() == VERSIONS[lang][0]
                assert "Claire Dubois, Historian, Sorbonne University" in shown_text
                assert "Youssef Amrani, Imam, Rabat Interfaith Centre" in shown_text
                assert "<p>" not in shown_text and "<em>" not in shown_text and "&lt;" not in shown_text
                article = page.locator("article")
                assert article.evaluate("e => getComputedStyle(e).direction") == ("rtl" if lang == "ar" else "ltr")
                assert article.get_attribute("lang") == lang and "\n\n" in text
                assert "<p>" not in text and "Claire Dubois" in text and f"desk+{dist}@" in shown_text
                if lang == source:
                    assert "Translated from" not in shown_text
                else:
                    reviewer = "Layla Nasser" if lang == "ar" else "Duty Officer"
                    assert f"Translated from French by {reviewer}" in shown_text
                if lang == "fr":
                    link = re.search(r'href="([^"]+/placements/[^"]+)"', html).group(1)
    finally:
        endpoint.__exit__(None, None, None)

    url = f"https://quotidien.example.com/opinion/{TAG}"
    with step("placement: the French editor says where it ran through the signed link in the email"):
        page.goto(server.url + link[link.index("/placements/"):])
        page.get_by_label("It ran at this address:").check()
        page.get_by_label("Address of the article (if it ran)").fill(url)
        page.get_by_role("button", name="Send").click()
        assert "You said you ran it" in page.inner_text("main")

    with step("yearly report: the outlet appears in the report's outlet table"):
        officer.goto(server.url + f"/registry/report/{datetime.now(UTC).year}.html")
        outlets = officer.locator("#per-outlet").inner_text()
        assert OUTLET in outlets, outlets
        officer.goto(server.url + f"/distribute/placements?oped={record.oped_id}")
        assert url in officer.inner_text("main")
    youssef.context.close()
