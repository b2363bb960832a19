"""Fixtures for distribute/'s integration tests: a seeded store, composers and senders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bus.records import TranslationReady, TranslationSignedOff
from distribute import model
from distribute.audience import create_segment, import_editors
from distribute.distributions import create_distribution, record_signoff, record_translation
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


AUTHORS = [{"name": "Amina Haddad", "title": "Professor of Law", "affiliation": "University of Tunis",
            "member_id": "m-1"},
           {"name": "Jonas Berg", "title": "Editor", "affiliation": "Nordic Dialogue Forum", "member_id": "m-2"}]


def approve(sessions, oped_id: str, lang: str, title: str | None = None, body: str | None = None,
            source: str = "en", signed_off: bool = True) -> None:
    """An approved language version arrives from translate/ (and, for a translation, the authors' sign-off)."""
    in_transaction(sessions, record_translation,
                   TranslationReady(oped_id=oped_id, lang=lang, title=title or f"Title [{lang}]",
                                    body=body or f"<p>Body in {lang}.</p>", translator="test", source_lang=source,
                                    authors=AUTHORS, credit="" if lang == source else "Translated from English by "
                                    "Test Reviewer"))
    if lang != source and signed_off:
        in_transaction(sessions, record_signoff, TranslationSignedOff(oped_id=oped_id, lang=lang, how="authors",
                                                                      by="Amina Haddad, Jonas Berg"))


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

    def make(count: int, languages=("en",), release_in=timedelta(hours=1), backend="sendgrid", now=None,
             mode=model.SCHEDULED_RELEASE, approved=None, send_original=True):
        now = now or datetime.now(UTC)
        in_transaction(sessions, import_editors, editors_csv(count, languages))
        for lang in (languages if approved is None else approved):
            approve(sessions, "oped-1", lang)
        segment = in_transaction(sessions, create_segment, f"everyone-{now.timestamp()}", model.Criteria())
        return in_transaction(sessions, create_distribution,
                              oped_id="oped-1", languages=list(languages), segment_ids=[segment],
                              release_at=now + release_in, created_by="officer", backend=backend, now=now,
                              mode=mode, send_original=send_original)

    return make
