"""One contract for every `Mailer`: SMTP (a real aiosmtpd server), SendGrid (a local v3 endpoint), the sink."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_factory
from mail.adapters import SendGridMailer, SinkMailer, SmtpMailer
from mail.ports import BatchMessage, BatchRecipient, MailError, OutgoingMessage
from mail.tables import SinkMessage
from tests.support.mail_servers import SendGridEndpoint, SmtpInbox

MESSAGE = OutgoingMessage(
    to="amina@example.org", to_name="Amina Haddad", subject="Op-ed request: Quran burning",
    text="Dear Amina,\n\nAccept: https://rrm.example.org/m/answer/abc\n",
    html='<p>Dear Amina,</p><p><a href="https://rrm.example.org/m/answer/abc">Accept</a></p>',
    reply_to="reply+0123456789abcdef0123@reply.aoc.example.org",
    headers={"List-Unsubscribe": "<mailto:unsubscribe@aoc.example.org>"},
    categories=("mobilize", "invitation"), custom_args={"invitation_id": "inv-1"}, idempotency_key="invite:inv-1",
)


class _Inbox:
    """What each adapter's far end received, seen the same way: (to, subject, text, html, reply_to, headers)."""

    def received(self) -> list[dict]:
        raise NotImplementedError


class SmtpSide(_Inbox):
    def __init__(self) -> None:
        self.server = SmtpInbox().start()
        self.mailer = SmtpMailer("127.0.0.1", self.server.port, from_address="rr@aoc.example.org",
                                 from_name="Rapid Response", timeout_s=5)

    def received(self) -> list[dict]:
        return [{"to": m.recipients[0], "subject": m.message["Subject"], "text": m.text, "html": m.html,
                 "reply_to": m.message["Reply-To"] or "", "unsubscribe": m.message["List-Unsubscribe"] or ""}
                for m in self.server.messages]

    def break_it(self) -> None:
        self.server.stop()

    def close(self) -> None:
        self.server.stop()


class SendGridSide(_Inbox):
    def __init__(self) -> None:
        self.server = SendGridEndpoint().start()
        self.mailer = SendGridMailer("SG.test-key", host=self.server.url, from_address="rr@aoc.example.org",
                                     from_name="Rapid Response", timeout_s=5)

    def received(self) -> list[dict]:
        out = []
        for r in self.server.accepted:
            content = {c["type"]: c["value"] for c in r.body["content"]}
            for p in r.body["personalizations"]:
                out.append({"to": p["to"][0]["email"], "subject": r.body["subject"], "text": content["text/plain"],
                            "html": content.get("text/html", ""),
                            "reply_to": r.body.get("reply_to", {}).get("email", ""),
                            "unsubscribe": (r.body.get("headers") or {}).get("List-Unsubscribe", "")})
        return out

    def break_it(self) -> None:
        self.server.fail_next = [503] * 10

    def close(self) -> None:
        self.server.stop()


class SinkSide(_Inbox):
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = session_factory(self.engine)
        self.mailer = SinkMailer(self.sessions, from_address="rr@aoc.example.org", from_name="Rapid Response")

    def received(self) -> list[dict]:
        with self.sessions() as s:
            return [{"to": m.to, "subject": m.subject, "text": m.text, "html": m.html, "reply_to": m.reply_to,
                     "unsubscribe": m.headers.get("List-Unsubscribe", "")}
                    for m in s.scalars(select(SinkMessage).order_by(SinkMessage.id))]

    def break_it(self) -> None:
        self.engine.dispose()
        self.sessions.kw["bind"] = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture(params=["smtp", "sendgrid", "sink"])
def side(request, sqlite_url):
    """Each adapter with its far end."""
    made = {"smtp": SmtpSide, "sendgrid": SendGridSide}.get(request.param)
    s = made() if made else SinkSide(sqlite_url)
    yield s
    s.close()


class TestMailerContract:
    """What every mailer promises."""

    def test_message_arrives_with_subject_text_html_and_reply_address(self, side):
        """The recipient gets the subject, both bodies with the link, and the per-invitation reply address."""
        side.mailer.send(MESSAGE)
        got = _wait(side, 1)[0]
        assert got["to"] == "amina@example.org"
        assert got["subject"] == "Op-ed request: Quran burning"
        assert "https://rrm.example.org/m/answer/abc" in got["text"]
        assert 'href="https://rrm.example.org/m/answer/abc"' in got["html"]
        assert got["reply_to"] == "reply+0123456789abcdef0123@reply.aoc.example.org"

    def test_list_unsubscribe_header_travels(self, side):
        """Extra headers such as List-Unsubscribe reach the recipient."""
        side.mailer.send(MESSAGE)
        assert _wait(side, 1)[0]["unsubscribe"] == "<mailto:unsubscribe@aoc.example.org>"

    def test_non_ascii_text_survives(self, side):
        """Arabic and accented text arrive unchanged."""
        side.mailer.send(OutgoingMessage(to="leila@example.org", subject="مقال رأي: élan", text="نص عربي — é"))
        got = _wait(side, 1)[0]
        assert got["subject"] == "مقال رأي: élan"
        assert "نص عربي — é" in got["text"]

    def test_failure_raises_mail_error(self, side):
        """When the far end is down, send raises MailError (never a raw library exception)."""
        side.break_it()
        with pytest.raises(MailError):
            side.mailer.send(MESSAGE)


def _wait(side, count: int, timeout: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = side.received()
        if len(got) >= count:
            return got
        time.sleep(0.05)
    raise AssertionError(f"expected {count} message(s), got {len(side.received())}")


def test_sendgrid_batch_splits_at_1000_personalizations_with_send_at_and_batch_id():
    """A batch of 2,500 recipients leaves as three valid v3 requests carrying send_at and the batch id."""
    with SendGridEndpoint() as server:
        mailer = SendGridMailer("SG.test-key", host=server.url, from_address="rr@aoc.example.org", timeout_s=5)
        batch_id = mailer.create_batch_id()
        send_at = int(time.time()) + 3600
        recipients = tuple(BatchRecipient(to=f"editor{i}@news.example.org", name=f"Editor {i}",
                                          substitutions={"-name-": f"Editor {i}"}, custom_args={"n": str(i)},
                                          headers={"List-Unsubscribe": f"<https://x.example.org/u/{i}>"})
                           for i in range(2500))
        results = mailer.send_batch(BatchMessage(recipients=recipients, subject="Op-ed for -name-",
                                                 text="Dear -name-, ...", html="<p>Dear -name-</p>",
                                                 send_at=send_at, batch_id=batch_id, categories=("distribute",)))
        assert len(results) == 3
        assert [len(r.body["personalizations"]) for r in server.accepted] == [1000, 1000, 500]
        assert {r.body["send_at"] for r in server.accepted} == {send_at}
        assert {r.body["batch_id"] for r in server.accepted} == {batch_id}
        assert len(set(server.recipients())) == 2500


def test_sendgrid_refusal_is_permanent_and_rate_limit_transient():
    """A 400 from SendGrid is a permanent MailError; a 429 is transient (retried later)."""
    with SendGridEndpoint() as server:
        mailer = SendGridMailer("SG.test-key", host=server.url, from_address="rr@aoc.example.org", timeout_s=5)
        with pytest.raises(MailError) as bad:
            mailer.send(OutgoingMessage(to="not-an-address", subject="x", text="y"))
        assert not bad.value.transient and "valid address" in str(bad.value)
        server.fail_next = [429]
        with pytest.raises(MailError) as limited:
            mailer.send(MESSAGE)
        assert limited.value.transient


def test_sendgrid_wrong_key_is_refused_clearly():
    """A wrong API key gives a MailError that says SendGrid answered 401."""
    with SendGridEndpoint(api_key="SG.right") as server:
        mailer = SendGridMailer("SG.wrong", host=server.url, from_address="rr@aoc.example.org", timeout_s=5)
        with pytest.raises(MailError, match="401"):
            mailer.send(MESSAGE)


class TestHandOver:
    """A failure before the far end has the message is definite; after it, the outcome is unknown (never resent)."""

    def test_smtp_relay_dropping_the_line_after_data_is_uncertain(self):
        """A relay that takes the whole message and drops the line before its final reply: delivered_unknown."""
        with SmtpInbox() as inbox:
            inbox.drop_after_data = 1
            mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
            with pytest.raises(MailError) as error:
                mailer.send(MESSAGE)
            assert error.value.delivered_unknown and "may have been delivered" in str(error.value)
            assert len(inbox.messages) == 1

    def test_smtp_connection_refused_is_transient_and_certain(self):
        """Nobody listening: a transient failure that certainly sent nothing."""
        inbox = SmtpInbox()  # never started
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        with pytest.raises(MailError) as error:
            mailer.send(MESSAGE)
        assert error.value.transient and not error.value.delivered_unknown

    def test_smtp_4xx_to_rcpt_is_transient_and_5xx_permanent(self):
        """451 to RCPT is tried again later; 550 is a permanent refusal; neither is uncertain."""
        with SmtpInbox() as inbox:
            mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
            inbox.rcpt_replies = ["451 4.3.0 Mailbox busy, try later"]
            with pytest.raises(MailError) as busy:
                mailer.send(MESSAGE)
            inbox.rcpt_replies = ["550 5.1.1 No such user"]
            with pytest.raises(MailError) as unknown:
                mailer.send(MESSAGE)
            assert busy.value.transient and not busy.value.delivered_unknown
            assert not unknown.value.transient and not unknown.value.delivered_unknown
            assert inbox.messages == []

    def test_sendgrid_reset_after_the_request_was_read_is_uncertain(self):
        """SendGrid reads the request and the connection is reset before the answer: delivered_unknown."""
        with SendGridEndpoint() as server:
            server.reset_after_read = 1
            mailer = SendGridMailer("SG.test-key", host=server.url, from_address="rr@aoc.example.org", timeout_s=5)
            with pytest.raises(MailError) as error:
                mailer.send(MESSAGE)
            assert error.value.delivered_unknown and "may have been accepted" in str(error.value)
            assert server.recipients() == ["amina@example.org"]

    def test_sendgrid_connection_refused_is_transient_and_certain(self):
        """SendGrid unreachable (connection refused): transient, certainly not sent."""
        server = SendGridEndpoint()  # never started
        mailer = SendGridMailer("SG.test-key", host=server.url, from_address="rr@aoc.example.org", timeout_s=5)
        with pytest.raises(MailError) as error:
            mailer.send(MESSAGE)
        assert error.value.transient and not error.value.delivered_unknown
