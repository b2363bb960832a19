"""The whole mobilization on the broker: a flagged story pages members by email, a decline pages the next member,
silence escalates to the next wave, links are clicked over HTTP, a draft is submitted and approved, and
OpEdApproved reaches the bus (through the outbox relay)."""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager

import httpx
import pytest

from bus.admin import ensure_topics
from bus.broker import free_port
from bus.publisher import KafkaPublisher
from bus.records import StoryFlagged
from db.engine import make_engine, session_factory, transaction
from db.outbox import OutboxRelay
from mobilize import handlers as h
from mobilize import queries as q
from mobilize.bootstrap import build
from mobilize.network import import_csv
from tests.conftest import make_settings
from tests.support.mail_servers import SendGridEndpoint, SmtpInbox
from tests.support.streams import read_topic, running_app
from tests.support.waiting import wait_until
from tests.web.conftest import start_live_server

pytestmark = pytest.mark.broker

NETWORK = """name,email,languages,regions,countries,cultural_background,faith_background,topics,timezone
Johan Eriksson,johan@example.org,sv;en,europe,SE,Nordic,Lutheran,quran;protest;religion,Europe/Stockholm
Mehmet Yilmaz,mehmet@example.org,tr;en,middle-east,TR;SE,Turkish,Muslim,quran;protest;religion,Europe/Istanbul
Amina Haddad,amina@example.org,ar;fr,north-africa,MA,Maghrebi,Muslim,religion;quran,Africa/Casablanca
Daniel Levin,daniel@example.org,en;he,europe,FR,Ashkenazi,Jewish,religion;interfaith,Europe/Paris
Grace Okonkwo,grace@example.org,en,sub-saharan-africa,NG,West African,Christian,interfaith,Africa/Lagos
Wei Zhang,wei@example.org,zh;en,east-asia,CN,Chinese,Buddhist,education,Asia/Shanghai
"""
STORY = StoryFlagged(story_id="flow-story", title="Quran burning at a Stockholm protest", severity="alert",
                     categories=["religion", "protest"], entities=["quran"], countries=["SE", "TR"],
                     languages=["en", "sv"], reasons=["sacred text desecrated"])


def flow_settings(tmp_path, broker, sqlite_url, **mail):
    """Short deadlines, a fast scheduler, the given mail backend, a web server port."""
    settings = make_settings(
        tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url, mail=mail,
        web={"host": "127.0.0.1", "port": free_port()},
        mobilize={"auto_start": True, "quorum": 2, "wave_size": 2, "answer_deadline_s": 4, "reminder_after_s": 0,
                  "tick_s": 0.3, "max_waves": 5})
    ensure_topics(settings.kafka)
    engine = make_engine(sqlite_url)
    with transaction(session_factory(engine)) as session:
        import_csv(session, h.Deps(settings=settings, links=None), NETWORK)
    engine.dispose()
    return settings


@contextmanager
def mobilize_worker(settings):
    """The mobilize worker (faust agents + scheduler) and the outbox relay, in this process."""
    worker = build(settings)
    publisher = KafkaPublisher(settings.kafka)
    relay = OutboxRelay(worker.sessions, publisher, settings.kafka.topic_prefix)
    thread = threading.Thread(target=relay.run_forever, kwargs={"idle_s": 0.1}, daemon=True)
    thread.start()
    worker.scheduler.start()
    try:
        with running_app(worker.app):
            yield worker
    finally:
        relay.stop()
        thread.join(timeout=10)
        publisher.close()
        worker.close()


def flag(settings, story=STORY) -> None:
    """Publish a flagged story, as detect does."""
    publisher = KafkaPublisher(settings.kafka)
    publisher.publish("stories.flagged", story)
    publisher.flush()
    publisher.close()


def click(url: str, server_url: str) -> httpx.Response:
    """Open a member link and press its button, as a member's browser would (GET, then POST with CSRF)."""
    with httpx.Client(follow_redirects=False, timeout=15) as client:
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        return client.post(url, data={"csrf_token": token})


def links(mail) -> list[str]:
    """The URLs in a received message's text part."""
    return re.findall(r"https?://\S+", mail.text)


def test_flagged_story_to_approved_oped_over_smtp(broker, tmp_path, sqlite_url):
    """Emails reach a real SMTP server; a decline pages the next member, silence escalates, approval hits the bus."""
    with SmtpInbox() as inbox:
        settings = flow_settings(tmp_path, broker, sqlite_url, backend="smtp", smtp_port=inbox.port)
        with mobilize_worker(settings) as worker, start_live_server(settings) as web:
            flag(settings)
            first = inbox.wait_for(2)
            assert {m.recipients[0] for m in first} == {"johan@example.org", "mehmet@example.org"}
            johan = inbox.to("johan@example.org")[0]
            assert johan.message["Subject"] == "Op-ed request: Quran burning at a Stockholm protest"
            assert re.fullmatch(r"reply\+[0-9a-f]{20}@reply\.aoc\.example\.org", johan.message["Reply-To"])
            accept, decline = links(johan)
            assert accept.startswith(web.url + "/m/answer/")

            mehmet_decline = links(inbox.to("mehmet@example.org")[0])[1]
            assert "Bu talebi reddettiniz" in click(mehmet_decline, web.url).text  # Mehmet reads Turkish
            replacement = inbox.wait_for(3)[2]
            assert replacement.recipients[0] not in ("johan@example.org", "mehmet@example.org")

            assert "waiting for your co-author" in click(accept, web.url).text

            # the replacement stays silent: at the deadline the next wave (two members) is paged
            escalated = inbox.wait_for(5, timeout=20)[3:5]
            paged = {m.recipients[0] for m in inbox.messages}
            assert len(paged) == 5
            with worker.sessions() as s:
                mob = q.mobilization_for_story(s, "flow-story")
                statuses = {m.email: i.status for i, m in q.invitations(s, mob.id)}
            assert statuses[replacement.recipients[0]] == "expired"

            yes = click(links(escalated[0])[0], web.url)
            assert yes.status_code == 303 and "/m/draft/" in yes.headers["location"]
            def draft_links():
                found = [m for m in inbox.messages if "/m/draft/" in m.text]  # in each author's language
                return found if len(found) == 2 else None

            draft_mails = wait_until(draft_links, what="two draft-link emails")
            assert {m.recipients[0] for m in draft_mails} == {"johan@example.org", escalated[0].recipients[0]}

            deps = worker.deps
            with transaction(worker.sessions) as s:
                draft = q.draft_of(s, mob.id)
                h.save_draft(s, deps, draft.id, "Johan Eriksson", "Burning books burns bridges",
                             "<p>Two authors, two traditions, one answer.</p>")
                h.submit_draft(s, deps, draft.id, "Johan Eriksson")
            with transaction(worker.sessions) as s:
                h.approve_draft(s, deps, draft.id, "Duty Officer")
            approved = read_topic(settings, "opeds.approved", expect=1)
            sent = read_topic(settings, "invitations.sent", expect=5)
            answered = read_topic(settings, "invitations.answered", expect=4)
    assert approved[0].title == "Burning books burns bridges"
    assert approved[0].story_id == "flow-story" and "Johan Eriksson" in approved[0].authors
    assert len({r.member_id for r in sent}) == 5
    assert sorted(r.answer for r in answered) == ["accepted", "accepted", "declined", "expired"]
    with worker.sessions() as s:
        fig = q.figures(s, mob.id)
    assert fig.approved == 1 and fig.to_first_acceptance_min is not None and fig.answered_rate is not None


def test_flagged_story_sends_valid_sendgrid_requests(broker, tmp_path, sqlite_url):
    """With the SendGrid backend the invitations leave as valid v3 mail/send requests with links and reply address."""
    with SendGridEndpoint(api_key="SG.flow") as sendgrid:
        settings = flow_settings(tmp_path, broker, sqlite_url, backend="sendgrid", sendgrid_api_key="SG.flow",
                                 sendgrid_host=sendgrid.url)
        with mobilize_worker(settings):
            flag(settings)
            requests = sendgrid.wait_for(2)
            time.sleep(1.0)
    assert sendgrid.refused == []
    assert sorted(sendgrid.recipients()) == ["johan@example.org", "mehmet@example.org"]
    for r in requests:
        body = r.body
        assert body["from"]["email"] == settings.mail.from_address
        assert re.fullmatch(r"reply\+[0-9a-f]{20}@reply\.aoc\.example\.org", body["reply_to"]["email"])
        assert body["content"][0]["type"] == "text/plain" and "/m/answer/" in body["content"][0]["value"]
        assert body["categories"] == ["mobilize", "invitation"]
        assert body["personalizations"][0]["custom_args"]["invitation_id"]
    assert len(sendgrid.accepted) == 2, "no second copy after the first delivery"
