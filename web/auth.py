"""Console accounts: roles, argon2 password hashes, rate-limited login, sessions and the page guards.

Sessions are signed cookies (Starlette's SessionMiddleware, itsdangerous underneath) holding the user's id, a
fingerprint of their password hash (so that changing a password ends every other session) and the CSRF token.

Guard a page with a dependency:

    @router.get("/stories")
    def stories(request: Request, user: User = Depends(require_role("duty_officer", "admin"))): ...

`require_user` sends anonymous visitors to /login (and back afterwards); `require_role` also answers 403 with a clear
page to a user whose role does not fit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from .tables import LoginAttempt, WebUser

ROLES = ("duty_officer", "operator", "admin")
_hasher = PasswordHasher()
#: Verified against when the account does not exist, so that timing does not tell which emails have accounts.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    """The logged-in console user, as pages see it."""

    id: int
    email: str
    name: str
    role: str

    @property
    def display(self) -> str:
        """Name if known, else email."""
        return self.name or self.email


class AccountError(ValueError):
    """A console account cannot be created or changed as asked."""


class LoginRequired(Exception):
    """Raised by `require_user` for anonymous visitors; answered with a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class LoginRefused(Exception):
    """Wrong email or password, or too many failures: `message` is safe to show."""

    def __init__(self, message: str, limited: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.limited = limited


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively, without surrounding spaces."""
    return email.strip().lower()


def add_user(session: Session, email: str, password: str, role: str, name: str = "",
             now: datetime | None = None) -> WebUser:
    """Create an account (raises AccountError on a bad role, a short password or an email already taken)."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an email address")
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    if session.scalar(select(WebUser).where(WebUser.email == email)) is not None:
        raise AccountError(f"an account for {email} already exists")
    user = WebUser(email=email, name=name, role=role, password_hash=hash_password(password), active=True,
                   created_at=now or datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, email: str, password: str) -> WebUser:
    """Change an account's password (every other session of that account ends)."""
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    user = session.scalar(select(WebUser).where(WebUser.email == normalize_email(email)))
    if user is None:
        raise AccountError(f"no account for {email}")
    user.password_hash = hash_password(password)
    return user


def _failures(session: Session, column, value: str, since: datetime) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(LoginAttempt)
                          .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)) or 0


def authenticate(sessions: sessionmaker[Session], email: str, password: str, ip: str, *, window_s: int,
                 max_per_account: int, max_per_ip: int, now: datetime | None = None) -> User:
    """The user for these credentials, or LoginRefused. Failures are counted per account and per address, in the
    database, so a restart does not reset them; over the limit, even the right password is refused."""
    now = now or datetime.now(UTC)
    email = normalize_email(email)[:254]
    ip = (ip or "unknown")[:64]
    since = now - timedelta(seconds=window_s)
    with sessions() as session, session.begin():
        if (_failures(session, LoginAttempt.email, email, since) >= max_per_account
                or _failures(session, LoginAttempt.ip, ip, since) >= max_per_ip):
            raise LoginRefused(f"Too many failed attempts. Try again in {window_s // 60} minutes.", limited=True)
    with sessions() as session, session.begin():
        account = session.scalar(select(WebUser).where(WebUser.email == email))
        ok = False
        try:
            ok = _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            ok = False
        ok = ok and account is not None and account.active
        session.add(LoginAttempt(email=email, ip=ip, succeeded=ok, at=now))
        if ok:  # attempts older than a few windows count for nothing: forget them
            session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(seconds=window_s * 4)))
        if not ok:
            failed = True
        else:
            failed = False
            if _hasher.check_needs_rehash(account.password_hash):
                account.password_hash = hash_password(password)
            account.last_login_at = now
            user = User(account.id, account.email, account.name, account.role)
    if failed:
        raise LoginRefused("Wrong email or password.")
    return user


def login_session(request: Request, user: User) -> None:
    """Start a session for `user` (a fresh session: nothing from before the login survives)."""
    from .csrf import rotate_csrf_token

    sessions = request.app.state.sessions
    with sessions() as session:
        account = session.get(WebUser, user.id)
        fingerprint = _fingerprint(account.password_hash)
    request.session.clear()
    request.session.update({"uid": user.id, "pw": fingerprint})
    rotate_csrf_token(request)


def logout_session(request: Request) -> None:
    """End the session."""
    from .csrf import rotate_csrf_token

    request.session.clear()
    rotate_csrf_token(request)


def optional_user(request: Request) -> User | None:
    """The logged-in user, or None (looked up once per request)."""
    if "rrm_user" in request.scope.get("state", {}):
        return request.scope["state"]["rrm_user"]
    user = None
    if "session" in request.scope:
        uid = request.session.get("uid")
        if isinstance(uid, int):
            with request.app.state.sessions() as session:
                account = session.get(WebUser, uid)
                if (account is not None and account.active
                        and request.session.get("pw") == _fingerprint(account.password_hash)):
                    user = User(account.id, account.email, account.name, account.role)
    request.scope.setdefault("state", {})["rrm_user"] = user
    return user


def require_user(request: Request) -> User:
    """Dependency: the logged-in user; anonymous visitors are sent to /login."""
    user = optional_user(request)
    if user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return user


def require_role(*roles: str):
    """Dependency factory: the logged-in user if their role is one of `roles`, else a 403 page."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def dependency(request: Request) -> User:
        user = require_user(request)
        if user.role not in roles:
            from .templating import ROLE_LABELS

            allowed = ", ".join(ROLE_LABELS[r].lower() + "s" for r in roles)
            raise HTTPException(403, detail=f"This page is for {allowed}. You are signed in as "
                                            f"{ROLE_LABELS[user.role].lower()}.")
        return user

    dependency.required_roles = roles  # type: ignore[attr-defined]
    return dependency
