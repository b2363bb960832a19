"""SendGrid answers 429 and 5xx in the middle of a distribution: the scheduler's next ticks finish it, and every
editor is mailed exactly once."""

from __future__ import annotations

import collections
from datetime import UTC, datetime, timedelta

import pytest

from distribute import model, queries
from distribute.adapters import SendGridBatchSender
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution
from distribute.release import Composer, release_due
from mail.adapters import SendGridMailer
from mail.ports import MailError
from tests.integration.distribute.conftest import approve, editors_csv
from tests.support.mail_servers import SendGridEndpoint
from tests.support.transactions import in_transaction


@pytest.mark.parametrize("failures", [[429, 429], [503], [500, 502]], ids=["429", "503", "500-502"])
def test_errors_from_sendgrid_delay_the_send_but_mail_everyone_once(sessions, failures):
    """2,500 editors; SendGrid refuses some requests for a while; a few ticks later all got one copy."""
    now = datetime.now(UTC)
    in_transaction(sessions, import_editors, editors_csv(2500, ("en", "fr")))
    for lang in ("en", "fr"):
        approve(sessions, "oped-faults", lang)
    segment = in_transaction(sessions, create_segment, "everyone", model.Criteria())
    dist = in_transaction(sessions, create_distribution,
                          oped_id="oped-faults", languages=["en", "fr"], segment_ids=[segment],
                          release_at=now + timedelta(hours=1), created_by="officer", backend="sendgrid", now=now)
    composer = Composer(secret="faults-secret", base_url="https://rrm.example.org")  # noqa: S106 - test key
    with SendGridEndpoint() as endpoint:
        batches = SendGridBatchSender(SendGridMailer("SG.test-key", host=endpoint.url,
                                                     from_address="rr@aoc.example.org", timeout_s=10))
        endpoint.fail_next = list(failures)
        ticks, errors = 0, 0
        while ticks < 10:
            ticks += 1
            try:
                release_due(sessions, composer=composer, batches=batches, mailer=None, now=now)
            except MailError:
                errors += 1
                continue
            status = in_transaction(sessions, queries.distribution, dist).status
            if status != model.SCHEDULED and not endpoint.fail_next:
                report = in_transaction(sessions, queries.delivery_report, dist)
                if report.by_status.get("sent", 0) == 2500:
                    break
        delivered = collections.Counter(endpoint.delivered_recipients())
    assert errors >= 1, "the endpoint's refusals never reached the sender"
    assert len(delivered) == 2500 and set(delivered.values()) == {1}
    assert in_transaction(sessions, queries.delivery_report, dist).by_status.get("sent") == 2500
