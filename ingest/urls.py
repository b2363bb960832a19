"""ingest/'s URLs: one canonical string per article URL, and the site it comes from. Pure."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

#: Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid", "ocid",
    "cmpid", "cmp", "cid_source", "ito", "xtor", "_ga", "_gl", "ncid", "soc_src", "soc_trk", "src", "ref_src",
    "smid", "smtyp", "sr_share", "share", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3",
    "at_custom4", "rss", "feature", "partner", "spm", "wt_mc", "wt.mc_id", "ns_mchannel", "ns_source",
    "ns_campaign", "ns_linkname", "ns_fee", "__twitter_impression", "s_cid", "icid", "ir", "mbid", "ftag", "cmpId",
    "assetType", "intcmp", "int_cmp", "fromrss", "from_rss", "rssfeed", "outputtype",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "vero_", "oly_", "__hs", "_hs")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


_URL_JUNK = re.compile(r"[\x00-\x1f\x7f]")  # control characters (line breaks inside a wrapped link)


def canonical_url(url: str, base: str = "") -> str:
    """The article's URL as one string per article: http(s) only, host lowercased, default port, fragment and
    tracking parameters dropped, remaining parameters sorted. Returns "" for anything that is not a web URL."""
    if not url:
        return ""
    url = _URL_JUNK.sub("", url).strip().replace("\\", "/")
    if base and "://" not in url:
        from urllib.parse import urljoin

        url = urljoin(base, url)
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return ""
        host = (parts.hostname or "").rstrip(".")
        if not host:
            return ""
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            host = host.lower()
        port = parts.port
    except ValueError:
        return ""
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    params.sort()
    query = urlencode(params, quote_via=quote, safe="/:@!$'()*+,;-._~")
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(url: str) -> str:
    """The site an article comes from: its host without `www.` (e.g. `lemonde.fr`)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host
