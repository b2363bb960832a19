"""The duty officer sees, on the console's mail page, an email whose relay took it and dropped the line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from db.engine import transaction
from mail.adapters import SmtpMailer
from mail.ledger import deliver_queued, queue_mail
from mail.ports import OutgoingMessage
from tests.support.mail_servers import SmtpInbox

pytestmark = pytest.mark.browser


def test_officer_sees_an_email_cut_after_hand_over_as_uncertain(page_as, live_server):
    """A relay keeps the message and drops the line before its reply: one copy, and the mail page says uncertain."""
    with SmtpInbox() as inbox:
        inbox.drop_after_data = 3
        mailer = SmtpMailer("127.0.0.1", inbox.port, from_address="rr@aoc.example.org", timeout_s=5)
        with transaction(live_server.sessions) as s:
            queue_mail(s, OutgoingMessage(to="dropped@example.org", subject="Op-ed request", text="Please answer."),
                       purpose="invitation", attempt_key="handover-1")
        for _ in range(3):
            deliver_queued(live_server.sessions, mailer)
        assert len(inbox.to("dropped@example.org")) == 1
    page = page_as("duty_officer")
    page.goto(live_server.url + "/mobilize/mail")
    item = page.locator("li", has_text="dropped@example.org")
    expect(item).to_contain_text("uncertain")
    expect(item).to_contain_text("may have been delivered")
