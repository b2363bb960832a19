"""Pure distribution logic: segment criteria, batching, embargo hand-over times, unsubscribe tokens, CSV refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from distribute import model


def test_empty_criteria_select_everyone_and_each_field_narrows():
    """An empty segment is everyone; languages, regions, beats and lists each narrow it (case-insensitive)."""
    assert model.Criteria().matches("ar", "Gulf", "opinion", [])
    assert model.Criteria(languages=("AR",)).matches("ar", "", "", [])
    assert not model.Criteria(languages=("fr",)).matches("ar", "", "", [])
    assert model.Criteria(regions=("gulf",), list_ids=(3,)).matches("ar", "Gulf", "", [1, 3])
    assert not model.Criteria(regions=("gulf",), list_ids=(3,)).matches("ar", "Gulf", "", [1])


def test_batches_never_exceed_the_size():
    """2,500 items make batches of 1,000, 1,000 and 500."""
    assert [len(b) for b in model.batches(list(range(2500)), 1000)] == [1000, 1000, 500]


def test_sendgrid_hand_over_is_within_72_hours_and_cancellation_needs_ten_minutes():
    """SendGrid gets a distribution at most 72 h ahead; a batch can be cancelled until 10 minutes before release."""
    release = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert release - model.handover_time(release, scheduled_by_provider=True) < timedelta(hours=72)
    assert model.handover_time(release, scheduled_by_provider=False) == release
    assert model.can_still_cancel(release, release - timedelta(minutes=11))
    assert not model.can_still_cancel(release, release - timedelta(minutes=9))


def test_unsubscribe_token_names_the_address_and_refuses_forgeries():
    """A token signed with our key gives the address back; another key's token or a tampered one gives nothing."""
    token = model.unsubscribe_token("k1", " Editor@Paper.example.org ", "d-1")
    assert model.read_unsubscribe_token("k1", token) == ("editor@paper.example.org", "d-1")
    assert model.read_unsubscribe_token("k2", token) is None
    assert model.read_unsubscribe_token("k1", token[:-2] + "xx") is None


def test_csv_without_required_columns_or_not_utf8_is_refused_as_a_whole():
    """A file missing required columns, or not UTF-8, is refused with a sentence saying what to fix."""
    with pytest.raises(model.CsvRefused, match="lacks the column"):
        model.parse_editors_csv(b"email,name\nx@y.example.org,X\n")
    with pytest.raises(model.CsvRefused, match="not UTF-8"):
        model.parse_editors_csv("email,language,opt_in_source\nü@y.org,de,x\n".encode("latin-1"))
