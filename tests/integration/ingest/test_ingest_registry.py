"""The feed registry on SQLite and PostgreSQL: loading a TOML file, console changes surviving a restart, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.engine import transaction
from ingest.handlers import FeedError, FeedSpec, add_feed, read_feed_file, register_feeds, remove_feed, update_feed
from ingest.queries import list_feeds

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

FILE = """
[defaults]
interval_s = 120

[[feed]]
url = "https://news.example.org/world.xml"
name = "World"
lang = "en-GB"

[[feed]]
url = "ftp://files.example.org/feed"

[[feed]]
url = "https://news.example.org/fr.xml"
lang = "fr"
colour = "blue"

[[feed]]
url = "https://news.example.org/ar.xml"
lang = "ar"
interval_s = 5

[[feed]]
url = "{demo}/feeds/a.xml"
"""


def test_feed_file_registers_good_entries_and_names_bad_ones(sessions, tmp_path):
    """Good entries are registered with the defaults; each bad one gives a line naming the file and the entry."""
    path = tmp_path / "feeds.toml"
    path.write_text(FILE)
    specs, errors = read_feed_file(path, {"demo": "http://127.0.0.1:9999"})
    with transaction(sessions) as session:
        report = register_feeds(session, specs, NOW)
    assert report.summary() == "2 added, 0 updated, 0 unchanged, 0 refused"
    assert errors == [f"{path}: feed 2: 'ftp://files.example.org/feed' is not an http(s) URL",
                      f"{path}: feed 3: unknown field(s) colour",
                      f"{path}: feed 4: interval must be between 10 s and 86400 s"]
    feeds = {f.url: f for f in list_feeds(sessions)}
    assert (feeds["https://news.example.org/world.xml"].lang, feeds["https://news.example.org/world.xml"].interval_s,
            feeds["https://news.example.org/world.xml"].health) == ("en", 120, "new")
    assert "http://127.0.0.1:9999/feeds/a.xml" in feeds


def test_console_changes_survive_reloading_the_file_unless_asked(sessions, tmp_path):
    """Loading the file again keeps what the console changed; `update` overwrites it."""
    spec = FeedSpec(url="https://news.example.org/world.xml", name="World", interval_s=300)
    with transaction(sessions) as session:
        register_feeds(session, [spec], NOW)
    feed_id = list_feeds(sessions)[0].id
    with transaction(sessions) as session:
        update_feed(session, feed_id, FeedSpec(url=spec.url, name="World (edited)", interval_s=60), NOW)
    with transaction(sessions) as session:
        assert register_feeds(session, [spec], NOW).unchanged == [spec.url]
    assert list_feeds(sessions)[0].name == "World (edited)"
    with transaction(sessions) as session:
        assert register_feeds(session, [spec], NOW, update=True).updated == [spec.url]
    assert (list_feeds(sessions)[0].name, list_feeds(sessions)[0].interval_s) == ("World", 300)


def test_console_refuses_duplicates_and_unknown_feeds(sessions):
    """Adding a registered URL, or changing a feed that does not exist, is refused with a sentence."""
    with transaction(sessions) as session:
        add_feed(session, FeedSpec(url="https://news.example.org/world.xml"), NOW)
    with pytest.raises(FeedError, match="already registered"), transaction(sessions) as session:
        add_feed(session, FeedSpec(url="https://news.example.org/world.xml"), NOW)
    with pytest.raises(FeedError, match="there is no feed 999"), transaction(sessions) as session:
        remove_feed(session, 999)
    assert len(list_feeds(sessions)) == 1
