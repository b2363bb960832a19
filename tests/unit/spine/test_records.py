"""Records on the bus: deterministic ids, strict validation, JSON both ways."""

from __future__ import annotations

import pytest

from bus import catalog
from bus.records import ArticleIngested, Record, StoryFlagged


def test_the_same_fact_has_the_same_message_id():
    """Publishing the same fact twice gives the same message_id, so consumers can de-duplicate it."""
    a = ArticleIngested(article_id="a-1", title="first")
    b = ArticleIngested(article_id="a-1", title="first, edited")
    c = ArticleIngested(article_id="a-2", title="first")
    assert a.message_id == b.message_id != c.message_id


def test_json_round_trip_keeps_times_and_lists():
    """A record read back from JSON equals what was sent, times included."""
    flagged = StoryFlagged(story_id="s-1", title="T", languages=["en", "fr"], first_seen="2026-11-01T10:00:00Z")
    back = StoryFlagged.from_json(flagged.to_json())
    assert back.languages == ["en", "fr"]
    assert back.first_seen.isoformat() == "2026-11-01T10:00:00+00:00"
    assert back.occurred_at.tzinfo is not None and back.schema_version == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"article_id": 7}', "article_id: expected str, got int"),
        (b'{"article_id": "a", "title": ["x"]}', "title: expected str, got list"),
        (b'{"story_id": "s", "languages": "en"}', "languages: expected list"),
        (b'{"story_id": "s", "first_seen": "yesterday-ish"}', "unable to parse date"),
        (b"[1, 2, 3]", "expected a JSON object"),
    ],
)
def test_malformed_records_are_refused_with_a_reason(raw, reason):
    """Wrong types are refused, never silently turned into strings."""
    cls = StoryFlagged if b"story_id" in raw else ArticleIngested
    with pytest.raises(ValueError, match=reason):
        cls.from_json(raw)


def test_every_topic_of_the_catalog_carries_a_record_with_a_pinned_namespace():
    """Each catalog entry names a record whose namespace is pinned and whose key field exists."""
    names = [t.name for t in catalog.TOPICS]
    assert len(names) == len(set(names)) and "rejected" in names
    for topic in catalog.TOPICS:
        assert issubclass(topic.record, Record)
        assert topic.record._options.namespace.startswith("rrm.")
        assert topic.key in topic.record._options.fields or topic.name == "rejected"
        assert set(topic.record.key_fields) <= set(topic.record._options.fields)
