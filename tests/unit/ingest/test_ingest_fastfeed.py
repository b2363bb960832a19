"""The fast XML reader gives the same articles as feedparser on well-formed feeds, and steps aside otherwise."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import feedparser
import pytest

from ingest.fastfeed import parse_fast
from ingest.model import FeedInfo, ItemRejected, normalize_entry

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Le Courrier</title><link>https://c.example.fr/</link>
<language>fr-FR</language>
<item><title>Autodafé à Norrhavn &amp; réactions</title><link>https://c.example.fr/a?utm_source=rss</link>
<description><![CDATA[<p>Un homme a <b>brûlé</b> un Coran.</p>]]></description>
<pubDate>Fri, 27 Nov 2026 16:05:00 +0100</pubDate><guid isPermaLink="false">c-1</guid></item>
<item><title>Seulement du contenu</title><guid>https://c.example.fr/b</guid>
<content:encoded>&lt;p&gt;Texte &amp;eacute;chapp&amp;eacute;&lt;/p&gt;</content:encoded>
<dc:date>2026-11-27T10:00:00Z</dc:date></item>
<item><title>Vidéo</title><link>https://c.example.fr/v</link>
<media:group><media:description>La description de la vidéo.</media:description></media:group>
<pubDate>Fri, 27 Nov 2026 09:00:00 EST</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><title>Bote</title><link href="https://b.example.de/"/>
<entry><title type="html">Koranverbrennung &lt;em&gt;in&lt;/em&gt; Norrhavn</title>
<link rel="self" href="https://b.example.de/self/1"/><link rel="alternate" href="https://b.example.de/1"/>
<id>urn:b:1</id><updated>2026-11-27T17:00:00+01:00</updated><summary>Empörung.</summary></entry>
<entry xml:lang="en"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">English <b>entry</b></div></title>
<link href="https://b.example.de/2"/><id>urn:b:2</id><published>2026-11-27T18:00:00Z</published>
<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
</feed>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://r.example.org/"><title>R</title>
<link>https://r.example.org/</link></channel>
<item rdf:about="https://r.example.org/1"><title>Harbour storm</title><link>https://r.example.org/1</link>
<description>Ferries cancelled.</description><dc:date>2026-11-27T08:00:00+00:00</dc:date>
<dc:language>en</dc:language></item>
</rdf:RDF>"""


def articles(parsed) -> list:
    out = []
    for entry in parsed["entries"]:
        try:
            a = normalize_entry(entry, FeedInfo("1"), NOW, channel=parsed["feed"])
        except ItemRejected:
            out.append(None)
            continue
        out.append((a.article_id, a.url, a.title, a.summary, a.published, a.lang, a.guid))
    return out


@pytest.mark.parametrize("doc", [RSS2, ATOM, RDF], ids=["rss2", "atom", "rdf"])
def test_fast_reader_agrees_with_feedparser(doc):
    """Same ids, URLs, titles, summaries, dates, languages and GUIDs as feedparser gives."""
    body = doc.encode("utf-8")
    fast = parse_fast(body)
    slow = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)
    assert fast is not None
    assert articles(fast) == articles(slow) and len(fast["entries"]) == len(slow.entries)


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel></channel></rss>',
    b'<rss version="2.0"><channel><title>t</title><item><title>caf&eacute;</title></item></channel></rss>',
    b'<rss version="2.0"><channel><title>broken</channel></rss>',
    b'<html><body>page</body></html>',
    b'<rss version="2.0"><channel><title>t</title></channel><item><title>outside</title></item></rss>',
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title></channel></rss>'
    .encode("cp1252"),
])
def test_fast_reader_leaves_odd_documents_to_feedparser(body):
    """DOCTYPEs, HTML entities, broken XML, web pages, items outside the channel and wrong encodings: None."""
    assert parse_fast(body) is None


def test_http_charset_that_contradicts_the_document_goes_to_feedparser():
    """A server saying ISO-8859-1 about a UTF-8 document: feedparser decides."""
    assert parse_fast(RSS2.encode(), "application/rss+xml; charset=iso-8859-1") is None
    assert parse_fast(RSS2.encode(), "application/rss+xml; charset=UTF-8") is not None
