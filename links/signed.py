"""Signed, expiring, single-use links for people without accounts (network members, editors).

    links = SignedLinks(settings.secret_key, sessions)          # or request.app.state.links in a route
    token = links.make_link("invitation", invitation_id, max_age=3 * 24 * 3600)
    url = links.url("/invitations/{token}", token)                # absolute, on settings.web.base_url
    ...
    invitation_id = links.peek_link(token, "invitation")          # GET: check it, show the form
    invitation_id = links.consume_link(token, "invitation")       # POST: use it once

`consume_link` takes an optional SQLAlchemy `session`: pass yours to mark the link used in the same transaction as
the change it causes (then a failure rolls back both). Every failure is a `LinkError` subclass whose message is safe
to show: `LinkForged`, `LinkExpired`, `LinkUsed`, `LinkWrongPurpose`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .tables import UsedLink

SALT = "rrm.links.v1"


class LinkError(ValueError):
    """A link that cannot be used; the message is meant for the person who clicked it."""

    status_code = 400


class LinkForged(LinkError):
    """The token was not made by us, or was altered."""

    status_code = 400


class LinkExpired(LinkError):
    """The token is older than its lifetime."""

    status_code = 410


class LinkUsed(LinkError):
    """The token has been used already."""

    status_code = 410


class LinkWrongPurpose(LinkError):
    """The token was made for something else (an editor's link used on a member's page)."""

    status_code = 400


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SignedLinks:
    """Makes and checks signed links with `secret_key`; remembers used ones in `web_used_links`."""

    def __init__(self, secret_key: str, sessions: sessionmaker[Session] | None = None, base_url: str = "",
                 default_max_age: int = 7 * 24 * 3600) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self._sessions = sessions
        self._base_url = base_url.rstrip("/")
        self._default_max_age = default_max_age

    def make_link(self, purpose: str, subject_id: str, max_age: int | None = None) -> str:
        """A URL-safe token naming `subject_id` for `purpose`, valid `max_age` seconds, usable once."""
        if not purpose or not str(subject_id):
            raise ValueError("a link needs a purpose and a subject")
        return self._serializer.dumps({"p": purpose, "s": str(subject_id), "a": int(max_age or self._default_max_age)})

    def url(self, path_template: str, token: str) -> str:
        """The absolute URL of a link page, e.g. `url("/invitations/{token}", token)`."""
        return self._base_url + path_template.format(token=token)

    def peek_link(self, token: str, purpose: str, session: Session | None = None) -> str:
        """The subject of a valid, unused link, without using it (for the GET that shows the form)."""
        subject = self._verify(token, purpose)
        if self._used(token, session):
            raise LinkUsed("This link has already been used. Each link works once; ask the secretariat for a new one.")
        return subject

    def subject_of(self, token: str, purpose: str) -> str:
        """The subject of a genuine, unexpired link of this purpose, used or not (a second click on an invitation
        that was already answered can then lead the member on instead of to an error)."""
        return self._verify(token, purpose)

    def consume_link(self, token: str, purpose: str, session: Session | None = None) -> str:
        """The subject of a valid link, which is used up by this call (in `session`'s transaction if given)."""
        subject = self._verify(token, purpose)
        row = UsedLink(token_sha256=_digest(token), purpose=purpose, subject_id=subject, used_at=datetime.now(UTC))
        if session is not None:
            if self._used(token, session):
                raise LinkUsed("This link has already been used. Each link works once; ask the secretariat for a "
                               "new one.")
            try:  # a concurrent use of the same link fails here; the caller's transaction is then void
                session.add(row)
                session.flush()
            except IntegrityError as exc:
                raise LinkUsed("This link has already been used.") from exc
            return subject
        if self._sessions is None:
            raise RuntimeError("SignedLinks needs a session factory (or a session) to consume links")
        try:
            with self._sessions() as own, own.begin():
                own.add(row)
        except IntegrityError as exc:
            raise LinkUsed("This link has already been used. Each link works once; ask the secretariat for a new "
                           "one.") from exc
        return subject

    def _verify(self, token: str, purpose: str) -> str:
        try:
            payload, signed_at = self._serializer.loads(token, return_timestamp=True)
        except SignatureExpired as exc:  # only raised when max_age is given; kept for safety
            raise LinkExpired("This link has expired. Ask the secretariat for a new one.") from exc
        except BadSignature as exc:
            raise LinkForged("This link is not valid. Check that it was copied whole.") from exc
        if not isinstance(payload, dict) or {"p", "s", "a"} - payload.keys():
            raise LinkForged("This link is not valid. Check that it was copied whole.")
        if payload["p"] != purpose:
            raise LinkWrongPurpose("This link is not meant for this page.")
        age = (datetime.now(UTC) - signed_at).total_seconds()
        if age > int(payload["a"]):
            raise LinkExpired("This link has expired. Ask the secretariat for a new one.")
        return str(payload["s"])

    def _used(self, token: str, session: Session | None) -> bool:
        if session is not None:
            return session.get(UsedLink, _digest(token)) is not None
        if self._sessions is None:
            return False
        with self._sessions() as own:
            return own.get(UsedLink, _digest(token)) is not None


def make_links(settings, sessions: sessionmaker[Session] | None = None) -> SignedLinks:
    """The `SignedLinks` of these settings (key, base URL, default lifetime)."""
    return SignedLinks(settings.secret_key, sessions, settings.web.base_url, settings.web.link_max_age_s)
