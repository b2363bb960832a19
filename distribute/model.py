"""Pure distribution logic: reading an editors CSV, choosing recipients, batching, embargo times, unsubscribe
tokens, and what a delivery event means. Values in, values out; clock and secrets passed in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from db.csv_import import BadRow, CsvRefused, Row, RowRefused, read_csv  # noqa: F401 - callers catch model.CsvRefused

# Distribution status
DRAFT = "draft"
SCHEDULED = "scheduled"  # waiting for its handover time (and for its translations)
SENDING = "sending"  # the ledger is being worked through
HANDED_OVER = "handed_over"  # every request is with the provider, scheduled for the release time
RELEASED = "released"  # the release time has passed and every message left
CANCELLED = "cancelled"
STATUS_LABELS = {DRAFT: "draft", SCHEDULED: "scheduled", SENDING: "sending", HANDED_OVER: "handed to SendGrid, "
                 "embargoed until release", RELEASED: "released", CANCELLED: "cancelled"}

#: SendGrid accepts `send_at` at most 72 hours ahead.
SENDGRID_MAX_AHEAD = timedelta(hours=72)
#: SendGrid does not promise that a scheduled send cancelled less than 10 minutes ahead is stopped.
SENDGRID_CANCEL_MARGIN = timedelta(minutes=10)

#: Events that put an address on the do-not-contact list for good.
SUPPRESSING_EVENTS = {"bounce": "bounce", "spamreport": "spam report", "unsubscribe": "unsubscribe",
                      "group_unsubscribe": "unsubscribe", "dropped": "dropped"}
COUNTED_EVENTS = ("processed", "delivered", "deferred", "open", "click", "bounce", "dropped", "spamreport",
                  "unsubscribe")

_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
CSV_COLUMNS = ("email", "name", "outlet", "language", "region", "beat", "opt_in_source", "country")
REQUIRED_COLUMNS = ("email", "language", "opt_in_source")


def normalize_email(value: str) -> str:
    """Addresses are compared in lower case, without surrounding spaces."""
    return value.strip().lower()


def valid_email(value: str) -> bool:
    """A plausible single address (no display name, no list)."""
    return bool(_EMAIL.match(value)) and len(value) <= 320


@dataclass(frozen=True)
class EditorRow:
    """One valid row of an editors CSV."""

    line: int
    email: str
    name: str
    outlet: str
    language: str
    region: str
    beat: str
    opt_in_source: str
    country: str = ""


@dataclass
class ParsedCsv:
    """Good rows to import and bad rows to report (`db.csv_import.BadRow`: line, reason, raw)."""

    rows: list[EditorRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


class DistributeError(ValueError):
    """A request that cannot be done; the message says why in words an officer understands."""


class RecordRefused(ValueError):
    """A record from the bus that makes no sense; the agent sends it to `rejected` with this reason."""


def parse_editors_csv(data: bytes | str, max_rows: int = 100_000) -> ParsedCsv:
    """Read an editors CSV (`db.csv_import`: header row; `email`, `language`, `opt_in_source` required); each bad
    row has a reason. A file that cannot be read at all raises `CsvRefused`."""
    seen: set[str] = set()

    def editor(row: Row) -> EditorRow:
        email = normalize_email(row.get("email"))
        lang = row.get("language").lower()
        if not email:
            raise RowRefused("no email address", "email")
        if not valid_email(email):
            raise RowRefused(f"not an email address: {row.get('email')!r}", "email")
        if email in seen:
            raise RowRefused(f"{email} appears twice in the file", "email")
        if not _LANG.match(lang):
            raise RowRefused(f"language must be a code such as en, ar or zh, not {row.get('language')!r}",
                             "language")
        if not row.get("opt_in_source"):
            raise RowRefused("no opt-in source: say where this editor agreed to receive op-eds", "opt_in_source")
        seen.add(email)
        return EditorRow(row.line, email, row.get("name"), row.get("outlet"), lang, row.get("region"),
                         row.get("beat"), row.get("opt_in_source"), row.get("country"))

    read = read_csv(data, editor, required=REQUIRED_COLUMNS, max_rows=max_rows, columns_hint=CSV_COLUMNS)
    return ParsedCsv(rows=read.values, bad=read.bad)


@dataclass(frozen=True)
class Criteria:
    """What a segment selects; an empty field means 'any'."""

    languages: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    beats: tuple[str, ...] = ()
    list_ids: tuple[int, ...] = ()

    @classmethod
    def from_dict(cls, data: dict | None) -> Criteria:
        """From the JSON stored with a segment."""
        data = data or {}
        return cls(tuple(data.get("languages") or ()), tuple(data.get("regions") or ()),
                   tuple(data.get("beats") or ()), tuple(int(i) for i in data.get("list_ids") or ()))

    def to_dict(self) -> dict:
        """The JSON stored with a segment."""
        return {"languages": list(self.languages), "regions": list(self.regions), "beats": list(self.beats),
                "list_ids": list(self.list_ids)}

    def matches(self, language: str, region: str, beat: str, lists: Iterable[int]) -> bool:
        """Whether an editor with these attributes is in the segment."""
        fold = lambda values: {v.strip().lower() for v in values}  # noqa: E731 - a one-line helper used only here
        return ((not self.languages or language.lower() in fold(self.languages))
                and (not self.regions or region.lower() in fold(self.regions))
                and (not self.beats or beat.lower() in fold(self.beats))
                and (not self.list_ids or bool(set(self.list_ids) & set(lists))))


def batches(items: Sequence, size: int) -> Iterator[Sequence]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def handover_time(release_at: datetime, *, scheduled_by_provider: bool) -> datetime:
    """When to hand a distribution over: SendGrid holds it until `send_at` (72 h at most); others send on time."""
    if scheduled_by_provider:
        return release_at - SENDGRID_MAX_AHEAD + timedelta(minutes=5)
    return release_at


def can_still_cancel(release_at: datetime, now: datetime, margin: timedelta = SENDGRID_CANCEL_MARGIN) -> bool:
    """Whether a batch scheduled for `release_at` can still be reliably cancelled."""
    return release_at - now > margin


_TOKEN_SALT = b"rrm.distribute.unsubscribe.v1"


@lru_cache(maxsize=16)
def _key(salt: bytes, secret: str) -> bytes:
    """The HMAC key of one kind of token, derived once per (purpose, secret key): 10,000 tokens a release."""
    return hashlib.sha256(salt + secret.encode("utf-8")).digest()


def _mac(salt: bytes, secret: str, payload: str) -> str:
    return hmac.digest(_key(salt, secret), payload.encode("ascii", "replace"), "sha256").hex()[:32]


def _token_mac(secret: str, payload: str) -> str:
    return _mac(_TOKEN_SALT, secret, payload)


def unsubscribe_token(secret: str, email: str, distribution_id: str) -> str:
    """A signed token naming an address and the distribution it came with (HMAC-SHA256; it never expires: the law
    wants unsubscribe links to keep working). Plain HMAC rather than itsdangerous: 10,000 of them per release."""
    raw = f"{normalize_email(email)}\n{distribution_id}".encode()
    payload = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return f"{payload}.{_token_mac(secret, payload)}"


def read_unsubscribe_token(secret: str, token: str) -> tuple[str, str] | None:
    """(email, distribution id) from a token, or None when it was not signed with our key."""
    payload, _, mac = token.partition(".")
    if not payload or not mac or not payload.isascii() or not hmac.compare_digest(mac, _token_mac(secret, payload)):
        return None
    try:
        email, _, distribution_id = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().partition(
            "\n")
    except (ValueError, UnicodeDecodeError):
        return None
    return (email, distribution_id) if email else None


# Distribution modes (the two kinds of embargo)
SCHEDULED_RELEASE = "scheduled"  # editors receive it at the release time and may publish at once
ADVANCE_COPY = "advance"  # editors receive it now, "EMBARGOED UNTIL <release time>" in subject and body
MODES = {SCHEDULED_RELEASE: "scheduled release (editors receive it at the release time)",
         ADVANCE_COPY: "advance copy under embargo (editors receive it now, publish from the release time)"}

# Placements: what an outlet said about an op-ed
WILL_RUN = "will_run"
RAN = "ran"
PLACEMENT_LABELS = {WILL_RUN: "will run it", RAN: "ran it"}

#: How the authors let a translation go out under their names (`TranslationSignedOff.how`).
SIGNOFF_HOWS = ("authors", "no_objection", "officer_recorded")


@dataclass(frozen=True)
class Author:
    """One name of a byline."""

    name: str
    title: str = ""
    affiliation: str = ""
    member_id: str = ""

    @property
    def line(self) -> str:
        """`Name, Title, Affiliation` (what is known)."""
        return ", ".join(p for p in (self.name, self.title, self.affiliation) if p)


def authors_of(raw: Iterable | None) -> list[Author]:
    """The byline from a record's `authors`: dicts {name, title, affiliation, member_id}, or plain names."""
    out = []
    for entry in raw or ():
        if isinstance(entry, dict):
            name = str(entry.get("name") or "").strip()
            if name:
                out.append(Author(name, str(entry.get("title") or "").strip(),
                                  str(entry.get("affiliation") or "").strip(), str(entry.get("member_id") or "")))
        elif isinstance(entry, str) and entry.strip():
            out.append(Author(entry.strip()))
    return out


def author_dicts(raw: Iterable | None) -> list[dict]:
    """`authors_of` as JSON to store or publish."""
    return [{"name": a.name, "title": a.title, "affiliation": a.affiliation, "member_id": a.member_id}
            for a in authors_of(raw)]


def names_line(authors: Sequence[Author]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    names = [a.name for a in authors]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def subject_line(title: str, release_at: datetime, mode: str) -> str:
    """The subject: the title, with the embargo in front for an advance copy."""
    if mode == ADVANCE_COPY:
        return f"EMBARGOED UNTIL {release_at:%d %B %Y %H:%M} UTC: {title}"
    return title


_URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d{1,5})?(?:[/?#][^\s<>\"']*)?$")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")


def valid_placement_url(url: str) -> str:
    """The URL where an op-ed ran, checked: http(s), a host name with a dot, no spaces; raises DistributeError."""
    url = (url or "").strip()
    if len(url) > 2000 or not _URL.match(url):
        raise DistributeError("give the full address of the article, starting with https://")
    return url


def placement_from_reply(text: str, own_hosts: Iterable[str] = ()) -> tuple[str, str] | None:
    """(status, url) read from an editor's reply: a link to the article means it ran; "will run" / "we'll
    publish" means it will; None when the reply says neither (it is kept for an officer to read)."""
    quoted = re.split(r"\n(?:>|On .{5,200} wrote:)", text or "", maxsplit=1)[0]  # the editor's own words only
    own = {h.lower() for h in own_hosts}
    for match in _URL_IN_TEXT.finditer(quoted):
        url = match.group(0).rstrip(".,;:!?")
        host = url.split("/")[2].split(":")[0].lower()
        if host in own:
            continue
        try:
            return RAN, valid_placement_url(url)
        except DistributeError:
            continue
    if re.search(r"\b(will|we'll|we will|going to|plan to|shall)\s+(run|publish|print|carry|use)\b", quoted, re.I):
        return WILL_RUN, ""
    return None


_PLACEMENT_SALT = b"rrm.distribute.placement.v1"


def placement_token(secret: str, send_id: int, expires: datetime) -> str:
    """A signed token naming one ledger row (one editor's email), valid until `expires` and reusable (an editor says
    "we will run it", then where it ran). Plain HMAC-SHA256 like the unsubscribe token: 10,000 per release in
    milliseconds (itsdangerous took about 0.5 ms each)."""
    payload = f"{int(send_id):x}.{int(expires.timestamp()):x}"
    return f"{payload}.{_mac(_PLACEMENT_SALT, secret, payload)}"


def read_placement_token(secret: str, token: str, now: datetime) -> int:
    """The ledger row id of a placement token; raises DistributeError (a sentence for the editor) when it is not
    ours or has expired."""
    send_hex, _, rest = (token or "").partition(".")
    expires_hex, _, mac = rest.partition(".")
    payload = f"{send_hex}.{expires_hex}"
    good = _mac(_PLACEMENT_SALT, secret, payload)
    if not mac or not hmac.compare_digest(mac.encode("ascii", "replace"), good.encode("ascii")):
        raise DistributeError("This link is not valid: it was not made by the secretariat or it was altered.")
    try:
        send_id, expires = int(send_hex, 16), int(expires_hex, 16)
    except ValueError as exc:
        raise DistributeError("This link is not valid.") from exc
    if now.timestamp() > expires:
        raise DistributeError("This link has expired: reply to the email to tell us where the op-ed ran.")
    return send_id
