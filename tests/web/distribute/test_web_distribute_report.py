"""Distribution pages in a real browser: the delivery report, the public newsroom, one-click unsubscribe, and
SendGrid's Event Webhook over HTTP."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from bus.records import TranslationReady, TranslationSignedOff
from distribute import model, queries
from distribute.adapters import public_key_b64
from distribute.audience import create_segment, import_editors
from distribute.bootstrap import build_composer
from distribute.deliveries import record_events
from distribute.distributions import create_distribution, record_signoff, record_translation
from distribute.release import release_due
from mail.adapters import SinkMailer
from mail.tables import SinkMessage
from tests.support.transactions import in_transaction

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def seed_released(server, *, editors: int = 6) -> tuple[str, str]:
    """Editors in English and Arabic, approved versions, a distribution released to the demo sink."""
    tag = uuid.uuid4().hex[:6]
    rows = ["email,name,outlet,language,region,beat,opt_in_source"]
    rows += [f"ed{i}-{tag}@paper.example.org,Editor {i},Paper,{'ar' if i % 2 else 'en'},Gulf,opinion,forum"
             for i in range(editors)]
    in_transaction(server.sessions, import_editors, "\n".join(rows) + "\n")
    oped_id = f"oped-{tag}"
    for lang, title in (("en", f"Listening first {tag}"), ("ar", f"الاستماع أولا {tag}")):
        in_transaction(server.sessions, record_translation,
                       TranslationReady(oped_id=oped_id, lang=lang, title=title, body=f"Body {lang}.",
                                        translator="test", source_lang="en"))
    in_transaction(server.sessions, record_signoff, TranslationSignedOff(oped_id=oped_id, lang="ar", how="authors"))
    segment = in_transaction(server.sessions, create_segment, f"gulf-{tag}", model.Criteria(regions=("Gulf",)))
    now = datetime.now(UTC)
    dist = in_transaction(server.sessions, create_distribution,
                          oped_id=oped_id, languages=["en", "ar"], segment_ids=[segment],
                          release_at=now, created_by="Officer", backend="sink", now=now)
    release_due(server.sessions, composer=build_composer(server.settings), batches=None,
                mailer=SinkMailer(server.sessions, from_address="rr@aoc.example.org"), now=now)
    return dist, tag


def test_delivery_report_shows_sent_delivered_and_bounced(page_as, live_server):
    """After events arrive, the report counts deliveries and lists the bounced address for a look."""
    dist, tag = seed_released(live_server)
    in_transaction(live_server.sessions, record_events, [
        {"sg_event_id": f"{tag}-1", "event": "delivered", "email": f"ed0-{tag}@paper.example.org",
         "distribution_id": dist},
        {"sg_event_id": f"{tag}-2", "event": "delivered", "email": f"ed1-{tag}@paper.example.org",
         "distribution_id": dist},
        {"sg_event_id": f"{tag}-3", "event": "bounce", "email": f"ed2-{tag}@paper.example.org",
         "distribution_id": dist, "reason": "550 5.1.1 no such user"}])
    page = page_as("duty_officer")
    page.goto(live_server.url + "/distribute")
    page.get_by_role("link", name=f"Listening first {tag}").click()
    assert page.get_by_role("heading", name=re.compile("Delivery report")).is_visible()
    assert page.locator("#status-sent").inner_text() == "6"
    assert page.locator("#event-delivered").inner_text() == "2"
    assert page.locator("#event-bounce").inner_text() == "1"
    needs_look = page.get_by_role("region", name="Addresses that need a look").inner_text()
    assert f"ed2-{tag}@paper.example.org" in needs_look and "bounce" in needs_look
    assert "released" in page.inner_text("main")


def test_newsroom_lists_released_op_eds_by_language_without_login(page, live_server):
    """Anyone can read the released op-ed in Arabic on the newsroom, right to left."""
    dist, tag = seed_released(live_server)
    page.goto(live_server.url + "/newsroom?lang=ar")
    page.get_by_role("link", name=f"الاستماع أولا {tag}").click()
    assert page.get_by_role("heading", name=f"الاستماع أولا {tag}").is_visible()
    assert page.locator("article").get_attribute("dir") == "rtl"


def test_editor_unsubscribes_with_the_link_in_the_email(page, live_server):
    """The link in the email opens a page; one button and the address is on the do-not-contact list."""
    dist, tag = seed_released(live_server)
    who = f"ed3-{tag}@paper.example.org"
    with live_server.sessions() as session:
        mail = session.scalars(select(SinkMessage).where(SinkMessage.to == who)).one()
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"https?://\S+/unsubscribe/\S+", mail.text).group(0)
    page.goto(live_server.url + link[link.index("/unsubscribe/"):])
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.get_by_role("heading", name="You are unsubscribed").is_visible()
    assert in_transaction(live_server.sessions, queries.suppressed)[who] == "unsubscribe"


def test_one_click_post_from_a_mail_client_unsubscribes_without_a_session(live_server):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL, with no cookie or token."""
    dist, tag = seed_released(live_server)
    who = f"ed4-{tag}@paper.example.org"
    with live_server.sessions() as session:
        mail = session.scalars(select(SinkMessage).where(SinkMessage.to == who)).one()
    url = mail.headers["List-Unsubscribe"].strip("<>")
    url = live_server.url + url[url.index("/unsubscribe/"):]
    response = httpx.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert in_transaction(live_server.sessions, queries.suppressed)[who] == "unsubscribe"
    forged = httpx.post(url[:-4] + "abcd", data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 400


def test_event_webhook_over_http_accepts_signed_and_refuses_forged_posts(tmp_path, broker):
    """The webhook endpoint answers 200 to SendGrid's signed post and 403 to a forged or replayed one."""
    from tests.web.conftest import start_live_server, web_settings

    private = ec.generate_private_key(ec.SECP256R1())
    settings = web_settings(tmp_path, broker.bootstrap_servers,
                            mail={"sendgrid_webhook_public_key": public_key_b64(private.public_key())})
    body = json.dumps([{"sg_event_id": "w1", "event": "spamreport", "email": "angry@paper.example.org",
                        "distribution_id": "d"}], indent=2).encode()

    def post(server, ts: str, signer=private):
        sig = base64.b64encode(signer.sign(ts.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
        return httpx.post(server.url + "/webhooks/sendgrid/events", content=body, headers={
            "Content-Type": "application/json", "X-Twilio-Email-Event-Webhook-Signature": sig,
            "X-Twilio-Email-Event-Webhook-Timestamp": ts})

    with start_live_server(settings) as server:
        forged = post(server, str(int(time.time())), signer=ec.generate_private_key(ec.SECP256R1()))
        replayed = post(server, str(int(time.time()) - 3600))
        good = post(server, str(int(time.time())))
        again = post(server, str(int(time.time())))
        assert (forged.status_code, replayed.status_code) == (403, 403)
        assert good.status_code == 200 and good.json() == {"stored": 1}
        assert again.json() == {"stored": 0}
        assert in_transaction(server.sessions, queries.suppressed) == {"angry@paper.example.org": "spam report"}


def test_officer_imports_editors_and_schedules_a_distribution(page_as, live_server, tmp_path):
    """CSV import reports the bad row; a segment and a distribution are made from the forms; nothing leaves early."""
    tag = uuid.uuid4().hex[:6]
    in_transaction(live_server.sessions, record_translation,
                   TranslationReady(oped_id=f"oped-{tag}", lang="fr", title=f"Écouter d'abord {tag}", body="Texte.",
                                    translator="test"))
    csv_path = tmp_path / "editors.csv"
    csv_path.write_text("email,name,outlet,language,region,beat,opt_in_source\n"
                        f"fr-{tag}@journal.example.org,Camille,Journal,fr,Europe,opinion,forum\n"
                        "broken-address,Nobody,Journal,fr,Europe,opinion,forum\n", encoding="utf-8")
    page = page_as("duty_officer")
    page.goto(live_server.url + "/distribute/editors")
    page.get_by_label("CSV file").set_input_files(str(csv_path))
    page.get_by_role("button", name="Import").click()
    assert "1 editors added, 0 updated, 1 rows refused." in page.locator("#import-summary").inner_text()
    assert "not an email address: 'broken-address'" in page.get_by_role("region", name="Refused rows").inner_text()
    page.goto(live_server.url + "/distribute/editors")
    page.get_by_label("List name").fill(f"Friends {tag}")
    page.get_by_label("Editors' addresses").fill(f"fr-{tag}@journal.example.org")
    page.get_by_role("button", name="Save list").click()
    assert f"List “Friends {tag}” saved with 1 editors." in page.inner_text("body")
    page.get_by_label("Segment name").fill(f"French press {tag}")
    page.get_by_label("Languages").fill("fr")
    page.get_by_label(f"Friends {tag}").check()
    page.get_by_role("button", name="Save segment").click()
    assert f"French press {tag}" in page.inner_text("main")
    page.goto(live_server.url + "/distribute")
    page.get_by_label("Op-ed").select_option(f"oped-{tag}")
    page.get_by_label("French (fr)").check()
    page.get_by_label(f"French press {tag}").check()
    release = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Release time (UTC): the embargo").fill(release)
    page.get_by_role("button", name="Schedule").click()
    assert page.get_by_role("heading", name=f"Delivery report: Écouter d'abord {tag}").is_visible()
    assert "scheduled" in page.inner_text("main")
    made = [d for d in in_transaction(live_server.sessions, queries.distributions) if d.oped_id == f"oped-{tag}"]
    assert [(d.languages, d.created_by) for d in made] == [(["fr"], "Duty Officer")]
    release_due(live_server.sessions, composer=build_composer(live_server.settings), batches=None,
                mailer=SinkMailer(live_server.sessions, from_address="rr@aoc.example.org"))
    with live_server.sessions() as session:
        assert session.scalars(select(SinkMessage).where(SinkMessage.to == f"fr-{tag}@journal.example.org")).all() == []
