"""Timers live in the database: a deadline that passes while no worker runs is acted on by the next worker."""

from __future__ import annotations

import time

import pytest

from mobilize import queries as q
from tests.flows.mobilize.test_mobilize_flow import flag, flow_settings, mobilize_worker
from tests.support.mail_servers import SmtpInbox

pytestmark = pytest.mark.broker


def test_deadline_passed_during_downtime_escalates_after_restart(broker, tmp_path, sqlite_url):
    """Worker stopped after wave 1; the deadline passes; a new worker pages wave 2 at once; nobody is paged twice."""
    with SmtpInbox() as inbox:
        settings = flow_settings(tmp_path, broker, sqlite_url, backend="smtp", smtp_port=inbox.port)
        with mobilize_worker(settings):
            flag(settings)
            first = {m.recipients[0] for m in inbox.wait_for(2)}
        time.sleep(settings.mobilize.answer_deadline_s + 1)
        assert len(inbox.messages) == 2, "nothing may happen while no worker runs"
        with mobilize_worker(settings) as worker:
            second = {m.recipients[0] for m in inbox.wait_for(4, timeout=30)[2:4]}
            with worker.sessions() as s:
                mob = q.mobilization_for_story(s, "flow-story")
                waves = {m.email: (i.wave, i.status) for i, m in q.invitations(s, mob.id)}
    assert first.isdisjoint(second) and len(second) == 2
    assert all(waves[email] == (1, "expired") for email in first)
    assert all(waves[email][0] == 2 for email in second)
    received = [m.recipients[0] for m in inbox.messages]
    assert len(received) == len(set(received)), "nobody is paged twice"
