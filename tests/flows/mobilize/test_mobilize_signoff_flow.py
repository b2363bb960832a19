"""The authors' side on the broker (issue 15): the mobilize worker shows each `translations.ready` to the authors by
email in their language, publishes `translations.signed_off` when they approve or when the window to object closes
in silence, and tells them on `opeds.released` that their op-ed went out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bus.admin import ensure_topics
from bus.broker import free_port
from bus.publisher import KafkaPublisher
from bus.records import OpEdApproved, OpEdReleased, TranslationReady
from db.engine import make_engine, session_factory, transaction
from db.tables import OutboxMessage
from mobilize import handlers as h
from mobilize import queries as q
from mobilize import signoff
from mobilize.network import import_csv
from mobilize.tables import Member
from tests.conftest import make_settings
from tests.flows.mobilize.test_mobilize_flow import NETWORK, flag, mobilize_worker
from tests.support.mail_servers import SmtpInbox
from tests.support.streams import read_topic
from tests.support.waiting import wait_until

pytestmark = pytest.mark.broker


def _settings(tmp_path, broker, sqlite_url, smtp_port: int):
    settings = make_settings(
        tmp_path, servers=broker.bootstrap_servers, db_url=sqlite_url,
        mail={"backend": "smtp", "smtp_port": smtp_port}, web={"host": "127.0.0.1", "port": free_port()},
        mobilize={"auto_start": True, "quorum": 2, "wave_size": 2, "answer_deadline_s": 600, "tick_s": 0.3,
                  "signoff_window_s": 3})
    ensure_topics(settings.kafka)
    engine = make_engine(sqlite_url)
    with transaction(session_factory(engine)) as session:
        import_csv(session, h.Deps(settings=settings, links=None), NETWORK)
    engine.dispose()
    return settings


def _approve(worker) -> str:
    """Both paged members accept, write, agree to submit; the officer approves: the op-ed id."""
    deps = worker.deps
    mob = wait_until(lambda: _mobilization(worker), what="the mobilization")
    with transaction(worker.sessions) as s:
        invitations = q.invitations(s, mob.id)
        for invitation, _member in invitations:
            h.answer_invitation(s, deps, invitation.id, "accepted")
    with transaction(worker.sessions) as s:
        draft = q.draft_of(s, mob.id)
        h.save_draft(s, deps, draft.id, "Johan Eriksson", "Burning books burns bridges", "",
                     body_md="Two authors, two traditions, one answer.")
        for _invitation, member in invitations:
            signoff.agree_to_submit(s, deps, draft.id, s.get(Member, member.id))
        h.approve_draft(s, deps, draft.id, "Duty Officer")
    with worker.sessions() as s:
        row = s.scalar(select(OutboxMessage).where(OutboxMessage.topic == "opeds.approved"))
        return OpEdApproved.from_json(row.payload).oped_id


def _mobilization(worker):
    with worker.sessions() as s:
        return q.mobilization_for_story(s, "flow-story")


def test_translations_wait_for_the_authors_and_they_hear_when_it_went_out(broker, tmp_path, sqlite_url):
    """fr is approved by both authors, es goes out after a silent window; both authors get each email in their
    language; a release tells them when and to how many editors."""
    with SmtpInbox() as inbox:
        settings = _settings(tmp_path, broker, sqlite_url, inbox.port)
        with mobilize_worker(settings) as worker:
            flag(settings)
            oped_id = _approve(worker)
            publisher = KafkaPublisher(settings.kafka)
            for lang, title in (("fr", "Brûler des livres"), ("es", "Quemar libros")):
                publisher.publish("translations.ready", TranslationReady(
                    oped_id=oped_id, lang=lang, title=title, body=f"<p>{title}.</p>", translator="Claire"))
            publisher.flush()

            def shown():
                mails = [m for m in inbox.messages if "/m/signoff/" in m.text]
                return mails if len(mails) >= 4 else None

            mails = wait_until(shown, what="four translation emails (two languages, two authors)")
            subjects = {m.message["Subject"] for m in mails}
            assert "Your op-ed in another language: Brûler des livres" in subjects  # Johan reads English
            assert "Görüş yazınız başka bir dilde: Quemar libros" in subjects  # Mehmet reads Turkish

            with transaction(worker.sessions) as s:
                french = s.scalar(select(signoff.ShownTranslation).where(signoff.ShownTranslation.lang == "fr"))
                for member in s.scalars(select(Member).where(Member.email.in_(["johan@example.org",
                                                                                "mehmet@example.org"]))):
                    signoff.decide_translation(s, worker.deps, french.id, member, approve=True)
            signed = read_topic(settings, "translations.signed_off", expect=3, timeout=40)
            assert sorted((r.lang, r.how) for r in signed) == [("en", "authors"), ("es", "no_objection"),
                                                              ("fr", "authors")]

            before = len(inbox.messages)
            publisher.publish("opeds.released", OpEdReleased(
                distribution_id="dist-1", oped_id=oped_id, languages=["en", "fr", "es"],
                released_at=datetime(2026, 11, 30, 14, 0, tzinfo=UTC), recipients=120))
            publisher.flush()
            publisher.close()
            # only mail that arrived after the release counts: a random link token may hold "120" too
            told = wait_until(lambda: [m for m in inbox.messages[before:] if "120" in m.text][:2]
                              if len([m for m in inbox.messages[before:] if "120" in m.text]) >= 2 else None,
                              what="the release notices to both authors")
    assert any(m.message["Subject"] == "Your op-ed went out: Burning books burns bridges" for m in told)
    johan = [m for m in told if "johan@example.org" in m.recipients][0].text
    assert "3:00" in johan and "(Central European Time)" in johan  # 14:00 UTC in Stockholm
