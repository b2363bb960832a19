"""Records of ingest/: articles read from news feeds."""

from __future__ import annotations

from datetime import datetime

from .base import Record


class ArticleIngested(Record, namespace="rrm.ArticleIngested"):
    """A new article, normalized and de-duplicated. Near-duplicates are published with `near_duplicate_of` set."""

    key_fields = ("article_id",)

    article_id: str = ""
    url: str = ""
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    lang: str = ""
    source: str = ""
    outlet: str = ""
    feed_id: str = ""
    country: str = ""
    guid: str = ""
    near_duplicate_of: str = ""
