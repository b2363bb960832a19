"""Normalization of feed items: URLs, text, dates, languages, ids, near-duplicates and poll timing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from ingest.dedupe import NearDuplicateIndex
from ingest.fingerprint import fingerprint
from ingest.model import (
    FeedInfo,
    FeedUnreadable,
    ItemRejected,
    clean_text,
    detect_language,
    guid_key,
    language_code,
    normalize_entry,
    parse_date_text,
    published_at,
    read_feed,
)
from ingest.polling import next_poll_delay, parse_retry_after
from ingest.urls import canonical_url, site_of

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FEED = FeedInfo(feed_id="7", url="https://news.example.org/rss", name="Example News", lang="", outlet="Example")


def rss(items: str, channel: str = "<language>en-gb</language>") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example</title>'
            f"<link>https://news.example.org/</link>{channel}{items}</channel></rss>").encode()


# ---------------------------------------------------------------------------------------------------- URLs


def test_canonical_url_drops_tracking_parameters_and_fragment():
    """utm_*, fbclid, gclid, mc_cid, ocid and cmpid go; the article's own parameters stay, sorted."""
    url = ("HTTPS://WWW.Example.COM:443/world/story?id=42&utm_source=rss&utm_medium=feed&fbclid=abc&gclid=x"
           "&mc_cid=1&ocid=feed&cmpid=rss&page=2#comments")
    assert canonical_url(url) == "https://www.example.com/world/story?id=42&page=2"


def test_canonical_url_lowercases_host_keeps_path_case_and_drops_default_port():
    """The host is case-insensitive, the path is not."""
    assert canonical_url("http://News.Example.ORG:80/Politics/Story.HTML") == "http://news.example.org/Politics/Story.HTML"
    assert canonical_url("http://example.org:8080/a") == "http://example.org:8080/a"


def test_canonical_url_gives_one_form_for_equivalent_encodings():
    """A space written raw or percent-encoded is the same article."""
    assert canonical_url("https://e.org/a b?q=c d") == canonical_url("https://e.org/a%20b?q=c%20d")


def test_canonical_url_refuses_what_is_not_a_web_url():
    """javascript:, mailto: and garbage give no URL."""
    for bad in ("javascript:alert(1)", "mailto:x@example.org", "not a url", "", "http://", "ftp://e.org/x"):
        assert canonical_url(bad) == ""


def test_canonical_url_resolves_relative_links_against_the_feed():
    """A relative link is made absolute with the feed's address."""
    assert canonical_url("/world/1?utm_campaign=x", "https://news.example.org/rss") == "https://news.example.org/world/1"


def test_site_of_strips_www():
    """The source of an article is its site without www."""
    assert site_of("https://www.lemonde.fr/international/article.html") == "lemonde.fr"


# ---------------------------------------------------------------------------------------------------- text


def test_clean_text_strips_tags_and_decodes_entities():
    """Markup goes, entities become characters, whitespace is folded."""
    assert clean_text("<p>Caf&eacute; <b>society</b>&nbsp;&amp;\n\n  <i>friends</i></p>") == "Café society & friends"


def test_clean_text_drops_script_and_style_content():
    """What is inside script and style is never text."""
    text = clean_text("<style>p{color:red}</style>Hello<script>alert('x')</script> world<!-- hidden -->")
    assert text == "Hello world"


def test_clean_text_reads_doubly_escaped_html():
    """Feeds that escape their HTML twice still give plain text."""
    assert clean_text("&lt;p&gt;Protest in &lt;b&gt;Norrhavn&lt;/b&gt;&lt;/p&gt;") == "Protest in Norrhavn"


def test_clean_text_keeps_a_lone_less_than_sign():
    """Text that merely contains < is not a tag."""
    assert clean_text("Inflation < 2% & falling") == "Inflation < 2% & falling"


def test_clean_text_cuts_long_text_at_a_word():
    """Long summaries are cut at a word boundary with an ellipsis."""
    text = clean_text("word " * 1000, limit=100)
    assert len(text) <= 101 and text.endswith("…") and "wor…" not in text


# ---------------------------------------------------------------------------------------------------- dates


def test_rfc822_date_with_offset_is_read_in_utc():
    """An RFC 822 date with +0200 becomes UTC."""
    read = read_feed(rss("<item><title>A</title><link>https://e.org/a</link>"
                         "<pubDate>Tue, 24 Nov 2026 10:05:00 +0200</pubDate></item>"), FEED, NOW)
    assert read.articles[0].published == datetime(2026, 11, 24, 8, 5, tzinfo=UTC)


def test_iso_date_in_atom_is_read_in_utc():
    """An Atom date with an offset becomes UTC."""
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>A</title>'
            b'<link href="https://e.org/a"/><id>urn:a</id><updated>2026-11-24T10:05:00-05:00</updated></entry></feed>')
    assert read_feed(atom, FEED, NOW).articles[0].published == datetime(2026, 11, 24, 15, 5, tzinfo=UTC)


def test_italian_month_names_are_read():
    """`lun, 24 set 2018` (Italian, as Il Messaggero writes it) is 24 September 2018."""
    read = read_feed(rss("<item><title>Roma</title><link>https://e.it/a</link>"
                         "<pubDate>lun, 24 set 2018 10:05:00 +0200</pubDate></item>", "<language>it</language>"),
                     FEED, NOW)
    assert read.articles[0].published == datetime(2018, 9, 24, 8, 5, tzinfo=UTC)
    assert read.articles[0].published_known


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("mer, 15 nov 2023 09:00:00 +0100", "fr", datetime(2023, 11, 15, 8, 0, tzinfo=UTC)),
    ("15 de noviembre de 2023 09:00", "es", datetime(2023, 11, 15, 9, 0, tzinfo=UTC)),
    ("15. November 2023 09:00", "de", datetime(2023, 11, 15, 9, 0, tzinfo=UTC)),
])
def test_localized_dates_are_read(text, lang, expected):
    """French, Spanish and German month names are read."""
    assert parse_date_text(text, lang) == expected


def test_missing_or_absurd_date_falls_back_to_first_seen():
    """No date, a date in 2090 or in 1970 is not believed: the article is dated when first seen."""
    for raw in ("", "Sat, 01 Jan 2090 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "yesterday-ish ??"):
        when, known = published_at({"published": raw} if raw else {}, NOW)
        assert when == NOW and not known


# ---------------------------------------------------------------------------------------------------- language


def test_language_tags_are_reduced_to_their_primary_subtag():
    """en-US, fr_FR and AR become en, fr, ar; garbage gives nothing."""
    assert [language_code(t) for t in ("en-US", "fr_FR", "AR", "12", "", None)] == ["en", "fr", "ar", "", "", ""]


def test_language_comes_from_the_item_then_the_registry_then_the_channel():
    """An item's xml:lang beats the channel's language."""
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>T</title>'
            b'<entry xml:lang="fr"><title>Bonjour</title><link href="https://e.org/a"/><id>urn:a</id></entry>'
            b'<entry><title>Hello</title><link href="https://e.org/b"/><id>urn:b</id></entry></feed>')
    assert [a.lang for a in read_feed(atom, FEED, NOW).articles] == ["fr", "en"]


def test_language_is_detected_when_nobody_declares_it():
    """An undeclared Arabic or Turkish item is recognized by its text."""
    read = read_feed(rss("<item><title>إدانات واسعة لإحراق نسخة من المصحف أمام مسجد في المدينة</title>"
                         "<link>https://e.org/ar</link></item>"
                         "<item><title>Dışişleri Bakanlığı büyükelçiyi bakanlığa çağırdı ve sert tepki gösterdi"
                         "</title><link>https://e.org/tr</link></item>", channel=""), FEED, NOW)
    assert [a.lang for a in read.articles] == ["ar", "tr"]


def test_short_text_is_not_guessed():
    """Three letters are not enough to tell a language."""
    assert detect_language("OK!") == ""


# ---------------------------------------------------------------------------------------------------- items and ids


def test_item_becomes_a_clean_article_with_source_and_outlet():
    """Title, summary, canonical URL, source site, outlet and country come out clean."""
    feed = FeedInfo(feed_id="7", url="https://news.example.org/rss", outlet="Example News", country="FR")
    entry = {"title": "<b>Storm</b> &amp; floods", "summary": "<p>Rivers rose&hellip;</p>",
             "link": "https://www.news.example.org/a?utm_source=rss", "id": "https://www.news.example.org/a"}
    article = normalize_entry(entry, feed, NOW)
    assert (article.title, article.summary, article.url) == ("Storm & floods", "Rivers rose…",
                                                             "https://www.news.example.org/a")
    assert (article.source, article.outlet, article.country) == ("news.example.org", "Example News", "FR")


def test_article_id_is_the_same_for_the_same_url_in_two_feeds():
    """The id comes from the canonical URL: tracking parameters or another feed change nothing."""
    one = normalize_entry({"title": "A", "link": "https://e.org/a?utm_source=x"}, FeedInfo("1"), NOW)
    two = normalize_entry({"title": "A (updated)", "link": "https://E.org/a#top"}, FeedInfo("2"), NOW)
    assert one.article_id == two.article_id


def test_numeric_guids_are_scoped_to_their_feed_but_url_guids_are_global():
    """`1234` in two feeds are two articles; a URL GUID is one article everywhere."""
    assert guid_key("1234", "1") != guid_key("1234", "2")
    assert guid_key("https://e.org/a", "1") == guid_key("https://e.org/a", "2")


def test_item_without_title_or_summary_is_rejected_with_a_reason():
    """An empty item cannot become an article and says why."""
    with pytest.raises(ItemRejected, match="neither a title nor a summary"):
        normalize_entry({"link": "https://e.org/a"}, FEED, NOW)


def test_item_with_only_a_summary_gets_a_title_from_it():
    """A summary alone names the article."""
    article = normalize_entry({"summary": "Floods in the valley after three days of rain."}, FEED, NOW)
    assert article.title.startswith("Floods in the valley") and article.article_id


def test_bad_items_are_rejected_and_the_others_read():
    """One empty item among good ones is refused with its position; the good ones come through."""
    read = read_feed(rss("<item><title>One</title><link>https://e.org/1</link></item><item></item>"
                         "<item><title>Three</title><link>https://e.org/3</link></item>"), FEED, NOW)
    assert [a.title for a in read.articles] == ["One", "Three"]
    assert [r.reason.split(":")[0] for r in read.rejected] == ["item 2"]


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "empty"),
    (b"<!DOCTYPE html><html><body>Not found</body></html>", "web page"),
    (b"\x00\x01\x02garbage", "no RSS or Atom feed"),
    (b'<rss version="2.0"><channel><title>x</title><item><title>unclosed', None),
])
def test_what_is_not_a_feed_is_unreadable_with_a_reason(body, reason):
    """Empty bodies, HTML pages and garbage are refused with a reason; a truncated feed gives what it has."""
    if reason is None:
        assert read_feed(body, FEED, NOW).note.startswith("feed is not well-formed")
        return
    with pytest.raises(FeedUnreadable, match=reason):
        read_feed(body, FEED, NOW)


# ---------------------------------------------------------------------------------------------------- near-duplicates

WIRE = ("Quran burning outside mosque in Vestmark's Norrhavn sparks anger across Muslim world",
        "The burning of a copy of the Quran outside a mosque in the port city of Norrhavn on Friday drew "
        "condemnation from governments and religious leaders. Police had allowed the rally.")


def test_same_wire_story_is_a_near_duplicate_of_its_first_copy():
    """A wire story re-published with a credit line matches the first copy."""
    index = NearDuplicateIndex(0.6)
    index.add("first", fingerprint(*WIRE), NOW)
    copy = fingerprint(WIRE[0], WIRE[1] + " (Continental Wire)")
    assert index.match(copy, NOW) == "first"


def test_different_stories_are_not_near_duplicates():
    """Another story on the same topic is not a copy."""
    index = NearDuplicateIndex(0.6)
    index.add("first", fingerprint(*WIRE), NOW)
    other = fingerprint("Norrhavn imam calls for calm as crowds gather outside mosque",
                        "Several hundred people gathered outside the mosque on Friday evening; the imam urged them "
                        "to go home peacefully.")
    assert index.match(other, NOW) == ""


def test_near_duplicates_are_forgotten_after_the_window():
    """A first copy older than the window is no longer matched."""
    index = NearDuplicateIndex(0.6, window=timedelta(hours=1))
    index.add("first", fingerprint(*WIRE), NOW)
    assert index.match(fingerprint(*WIRE), NOW + timedelta(hours=2)) == ""
    assert len(index) == 0


def test_too_short_texts_are_never_compared():
    """Two-word titles would match each other by chance: they get no fingerprint."""
    assert fingerprint("Live updates", "") is None


# ---------------------------------------------------------------------------------------------------- polling


def test_next_poll_keeps_the_interval_within_the_jitter():
    """After a success the feed is polled again after its interval, give or take 10 %."""
    rng = random.Random(1)  # noqa: S311 - jitter, not security
    delays = [next_poll_delay(600, 0, rng=rng) for _ in range(200)]
    assert min(delays) >= 540 and max(delays) <= 660 and len(set(delays)) > 100


def test_failures_back_off_exponentially_up_to_a_ceiling():
    """Each failure doubles the wait, never beyond the ceiling (plus jitter)."""
    waits = [next_poll_delay(60, n, jitter=0, max_backoff_s=3600) for n in range(0, 10)]
    assert waits[:6] == [60, 120, 240, 480, 960, 1920] and waits[-1] == 3600


def test_retry_after_is_honoured():
    """A server's Retry-After (seconds or a date) is waited for."""
    assert next_poll_delay(60, 1, jitter=0, retry_after_s=900) == 900
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after("Sat, 28 Nov 2026 12:10:00 GMT", NOW) == 600
    assert parse_retry_after("soon", NOW) is None


def test_feed_without_declared_encoding_is_decoded_by_guessing():
    """A Shift-JIS feed that declares no encoding still gives readable Japanese (chardet through feedparser)."""
    title = "ゲーム三昧な正月を過ごした記録"
    summary = "正月休みはずっとゲームをしていた。新しいシリーズも始まったので、しばらく忙しくなりそうだ。"
    body = (f"<rss><channel><title>日記</title><item><title>{title}</title><description>{summary}</description>"
            f"<link>https://e.example.jp/1</link></item></channel></rss>").encode("shift_jis")
    [article] = read_feed(body, FEED, NOW).articles
    assert (article.title, article.lang) == (title, "ja")
