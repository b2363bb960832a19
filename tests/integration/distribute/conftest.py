"""Fixtures for distribute/'s integration tests: a seeded store, composers and senders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bus.records import TranslationReady
from distribute import model
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution, record_translation
from distribute.release import Composer
from tests.support.transactions import in_transaction

SECRET = "test-secret-for-unsubscribe-links"  # noqa: S105 - a test signing key


def editors_csv(count: int, languages=("en",), start: int = 0) -> str:
    """A CSV of `count` fictional editors spread over `languages`."""
    lines = ["email,name,outlet,language,region,beat,opt_in_source"]
    for i in range(start, start + count):
        lang = languages[i % len(languages)]
        lines.append(f"editor{i}@outlet{i % 50}.example.org,Editor {i},Outlet {i % 50},{lang},region{i % 3},"
                     f"opinion,signed up at the 2026 forum")
    return "\n".join(lines) + "\n"


def approve(sessions, oped_id: str, lang: str, title: str | None = None, body: str | None = None) -> None:
    """An approved language version arrives from translate/."""
    in_transaction(sessions, record_translation,
                   TranslationReady(oped_id=oped_id, lang=lang, title=title or f"Title [{lang}]",
                                    body=body or f"Body in {lang}.", translator="test"))


@pytest.fixture
def csv_of():
    """`csv_of(count, languages)`: a CSV of fictional editors."""
    return editors_csv


@pytest.fixture
def composer() -> Composer:
    """Builds emails with unsubscribe links on a test base URL."""
    return Composer(secret=SECRET, base_url="https://rrm.example.org")


@pytest.fixture
def seeded(sessions):
    """A factory: N editors in some languages, approved versions, one segment of everyone, one distribution."""

    def make(count: int, languages=("en",), release_in=timedelta(hours=1), backend="sendgrid", now=None):
        now = now or datetime.now(UTC)
        in_transaction(sessions, import_editors, editors_csv(count, languages))
        for lang in languages:
            approve(sessions, "oped-1", lang)
        segment = in_transaction(sessions, create_segment, f"everyone-{now.timestamp()}", model.Criteria())
        return in_transaction(sessions, create_distribution,
                              oped_id="oped-1", languages=list(languages), segment_ids=[segment],
                              release_at=now + release_in, created_by="officer", backend=backend, now=now)

    return make
