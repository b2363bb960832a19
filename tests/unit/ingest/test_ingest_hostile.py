"""Random and hostile bytes thrown at the feed parser and the normalizer: an answer or a reason, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.model import FeedInfo, FeedUnreadable, clean_text, normalize_entry, read_feed
from ingest.urls import canonical_url

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FEED = FeedInfo(feed_id="1", url="https://e.org/rss")

HOSTILE = [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    b'<rss version="2.0"><channel><item><title>&lol4;</title></item></channel></rss>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>'
    b"<item><title>&x;</title><link>https://e.org/x</link></item></channel></rss>",
    b'<rss version="2.0"><channel>' + b"<item><title>x</title>" * 2000 + b"</channel></rss>",
    b'<rss version="2.0"><channel><item><title>' + b"<b>" * 5000 + b"deep</title></item></channel></rss>",
    b"\xef\xbb\xbf\xff\xfe<rss>\x00\x00</rss>",
    b'<?xml version="1.0" encoding="klingon"?><rss version="2.0"><channel><item><title>k</title></item>'
    b"</channel></rss>",
    b'<rss version="2.0"><channel><item><title>a</title><link>javascript:alert(1)</link>'
    b"<pubDate>Fri, 99 Foo 99999 99:99:99 +9999</pubDate></item></channel></rss>",
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
    b"<script>alert(1)</script>T</div></title><link href=\"http://[::1\"/></entry></feed>",
]


def test_known_hostile_documents_give_articles_or_a_reason():
    """Entity bombs, external entities, deep nesting, bad encodings and broken URLs never crash the reader."""
    for body in HOSTILE:
        try:
            read = read_feed(body, FEED, NOW)
        except FeedUnreadable as exc:
            assert str(exc)
            continue
        for article in read.articles:
            assert "root:" not in article.title and "<script" not in article.title
            assert len(article.title) <= 501


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_give_articles_or_a_reason(body):
    """Any bytes at all: a list of articles, or FeedUnreadable with a reason."""
    try:
        read = read_feed(body, FEED, NOW)
    except FeedUnreadable as exc:
        assert str(exc)
        return
    assert all(a.article_id for a in read.articles)


FRAGMENT = st.sampled_from(["<item>", "</item>", "<title>", "</title>", "<link>", "</link>", "<pubDate>",
                            "</pubDate>", "<description>", "</description>", "<![CDATA[", "]]>", "&amp;", "&#0;",
                            "&#xD800;", "&bogus;", "<script>", "https://e.org/a?utm_source=x", "Mon, 32 Jan 2026",
                            "\u202e", "\x00", "<", ">", "\"", "'"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(FRAGMENT, st.text(max_size=30)), max_size=60))
def test_feed_shaped_garbage_gives_articles_or_a_reason(parts):
    """Fragments of RSS shuffled with random text: a list of articles or a reason, never a crash."""
    body = ('<rss version="2.0"><channel>' + "".join(parts) + "</channel></rss>").encode("utf-8", "surrogatepass")
    try:
        read = read_feed(body, FEED, NOW)
    except FeedUnreadable:
        return
    for article in read.articles:
        assert article.title and "\x00" not in article.title + article.summary


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "summary", "link", "id", "published", "updated", "language",
                                        "description", "content"]),
                       st.one_of(st.text(max_size=200), st.none(), st.integers(), st.lists(st.text(max_size=20))),
                       max_size=8))
def test_normalizer_takes_any_entry(entry):
    """Any dictionary an odd parser could hand over: an Article or ItemRejected, with clean text."""
    from ingest.model import ItemRejected

    try:
        article = normalize_entry(entry, FEED, NOW)
    except ItemRejected as exc:
        assert str(exc)
        return
    assert article.published.tzinfo is not None
    assert article.url == "" or article.url.startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_canonical_url_and_clean_text_take_any_text(text):
    """Any text: a web URL or nothing; text without tags or control characters."""
    url = canonical_url(text)
    assert url == "" or url.startswith(("http://", "https://"))
    assert canonical_url(url) == url
    cleaned = clean_text(text)
    assert "\x00" not in cleaned and cleaned == cleaned.strip()
