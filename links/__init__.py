"""Signed, expiring, single-use links for people without accounts (network members, editors).

Below every stage and the web: mobilize, translate and distribute make links, the web checks and consumes them.
The service lives in `links.signed`, the table of used links in `links.tables` (its migration stays in the web
branch, `web_0001`, so existing databases upgrade unchanged).
"""

from .signed import (
    LinkError,
    LinkExpired,
    LinkForged,
    LinkUsed,
    LinkWrongPurpose,
    SignedLinks,
    make_links,
)

__all__ = ["LinkError", "LinkExpired", "LinkForged", "LinkUsed", "LinkWrongPurpose", "SignedLinks", "make_links"]
