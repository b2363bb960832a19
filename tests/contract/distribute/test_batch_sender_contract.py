"""One contract for every `ScheduledBatchSender`; today one adapter, `SendGridBatchSender`, against the local
endpoint speaking SendGrid's v3 API. SMTP cannot hold a send until `send_at` or cancel it, so it has no batch
sender: a new provider adds a side and a subclass."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from distribute.adapters import SendGridBatchSender
from distribute.ports import ScheduledBatchSender
from mail.adapters import SendGridMailer
from mail.ports import BatchMessage, BatchRecipient, MailError
from tests.support.mail_servers import SendGridEndpoint


class SendGridSide:
    """SendGridBatchSender and the local v3 endpoint; `delivered()` is what SendGrid would deliver."""

    def __init__(self) -> None:
        self.server = SendGridEndpoint().start()
        self.sender: ScheduledBatchSender = SendGridBatchSender(SendGridMailer(
            "SG.test-key", host=self.server.url, from_address="rr@aoc.example.org", timeout_s=5))

    def delivered(self) -> list[str]:
        return self.server.delivered_recipients()

    def close(self) -> None:
        self.sender.close()
        self.server.stop()


def _batch(sender: ScheduledBatchSender, count: int, batch_id: str) -> BatchMessage:
    recipients = tuple(BatchRecipient(to=f"editor{i}@news.example.org", name=f"Editor {i}",
                                      substitutions={"-name-": f"Editor {i}"}) for i in range(count))
    return BatchMessage(recipients=recipients, subject="Op-ed for -name-", text="Dear -name-, an op-ed.",
                        send_at=int(time.time()) + 3600, batch_id=batch_id, categories=("distribute",))


class ScheduledBatchSenderContract:
    """What every `ScheduledBatchSender` promises; a subclass names the side it runs against."""

    side_class: type

    @pytest.fixture
    def side(self) -> Iterator[SendGridSide]:
        side = self.side_class()
        yield side
        side.close()

    def test_each_batch_gets_its_own_id(self, side) -> None:
        """Two batch ids from the provider are different and not empty."""
        first, second = side.sender.new_batch_id(), side.sender.new_batch_id()
        assert first and second and first != second

    def test_a_full_batch_is_handed_over_for_every_recipient(self, side) -> None:
        """`batch_size` recipients leave in one hand-over, and each would be delivered once."""
        size = side.sender.batch_size
        side.sender.send_batch(_batch(side.sender, size, side.sender.new_batch_id()))
        delivered = side.delivered()
        assert len(delivered) == size and len(set(delivered)) == size

    def test_more_than_a_batch_is_refused_for_good(self, side) -> None:
        """One recipient over `batch_size` is a permanent MailError, and nothing is handed over."""
        with pytest.raises(MailError) as refused:
            side.sender.send_batch(_batch(side.sender, side.sender.batch_size + 1, side.sender.new_batch_id()))
        assert not refused.value.transient
        assert side.delivered() == []

    def test_a_cancelled_batch_is_not_delivered(self, side) -> None:
        """Cancelling a scheduled batch stops every send in it; another batch is untouched."""
        kept, cancelled = side.sender.new_batch_id(), side.sender.new_batch_id()
        side.sender.send_batch(_batch(side.sender, 2, kept))
        side.sender.send_batch(_batch(side.sender, 3, cancelled))
        side.sender.cancel_batch(cancelled)
        assert len(side.delivered()) == 2


class TestSendGridBatchSender(ScheduledBatchSenderContract):
    """The contract against SendGridBatchSender and the local v3 endpoint."""

    side_class = SendGridSide
