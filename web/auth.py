"""Console accounts: roles, argon2 password hashes, rate-limited login, sessions and the page guards.

Sessions live on the server (`web_sessions`): the signed cookie (Starlette's SessionMiddleware) carries only a
random session id, the CSRF token and flash messages. Signing out, a password change or an admin ends the row, so a
cookie copied before opens nothing afterwards. Failed logins slow the next ones (`LoginPolicy`), never lock the owner
out.

Guard a page with a dependency:

    @router.get("/stories")
    def stories(request: Request, user: User = Depends(require_role("duty_officer", "admin"))): ...

`require_user` sends anonymous visitors to /login (and back afterwards); `require_role` also answers 403 with a clear
page to a user whose role does not fit.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from .roles import RESTRICTED_ROLES, ROLE_LABELS, ROLES
from .tables import LoginAttempt, LoginThrottle, WebSession, WebUser

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

    def __init__(self, message: str, limited: bool = False, retry_after: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.limited = limited
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


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
    end_sessions(session, user.id, "password changed")
    return user


@dataclass(frozen=True)
class LoginPolicy:
    """How failed logins slow the next ones (from RRM_WEB__LOGIN_*): growing delays, never a lock-out of the owner.

    Three counters: one per (account, address), one per address, one per account. Past its free failures, each
    next try from a counter must wait `base_delay_s * 2**(failures - free)` (capped). The per-account counter is a
    soft limit: capped at `account_max_delay_s`, and skipped for an address that signed in to that account before,
    so strangers guessing from elsewhere never keep the owner out."""

    window_s: float = 900
    free_per_pair: int = 3
    free_per_address: int = 20
    free_per_account: int = 10
    base_delay_s: float = 1.0
    max_delay_s: float = 900
    account_max_delay_s: float = 30
    known_address_days: float = 90

    @classmethod
    def from_settings(cls, web) -> LoginPolicy:
        """The policy of `settings.web`."""
        return cls(window_s=web.login_window_s, free_per_pair=web.login_free_failures_per_pair,
                   free_per_address=web.login_free_failures_per_address,
                   free_per_account=web.login_free_failures_per_account, base_delay_s=web.login_base_delay_s,
                   max_delay_s=web.login_max_delay_s, account_max_delay_s=web.login_account_max_delay_s)


def _delay(failures: int, free: int, base: float, cap: float) -> float:
    """Seconds the next try waits after `failures` failures, `free` of them without delay."""
    if failures < free:
        return 0.0
    return min(cap, base * 2 ** min(failures - free, 30))


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _lock_rows(session: Session, keys: list[str]) -> dict[str, LoginThrottle]:
    """The throttle rows of `keys`, created if missing and locked until the transaction ends (SQLite: the insert
    takes the database's write lock; PostgreSQL: SELECT ... FOR UPDATE)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(LoginThrottle).values([{"key": k, "failures": 0} for k in keys])
                    .on_conflict_do_nothing(index_elements=["key"]))
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))
                           .with_for_update().execution_options(populate_existing=True)).all()
    return {row.key: row for row in rows}


def _reserve(sessions: sessionmaker[Session], email: str, ip: str, policy: LoginPolicy, now: datetime) -> None:
    """Check every counter and, if none says wait, count this attempt as a failure: one transaction, rows locked,
    so that concurrent guesses queue here and each sees the ones before it. Raises LoginRefused(limited=True)."""
    pair, addr, acct = f"pair:{email}|{ip}", f"addr:{ip}", f"acct:{email}"
    with sessions() as session, session.begin():
        rows = _lock_rows(session, [pair, addr, acct])
        since = now - timedelta(seconds=policy.window_s)
        for row in rows.values():  # failures older than the window count for nothing
            if row.last_failure_at is not None and _aware(row.last_failure_at) < since:
                row.failures, row.not_before = 0, None
        known = (rows[pair].last_success_at is not None
                 and _aware(rows[pair].last_success_at) > now - timedelta(days=policy.known_address_days))
        checked = [rows[pair], rows[addr]] + ([] if known else [rows[acct]])
        waits = [(_aware(r.not_before) - now).total_seconds() for r in checked
                 if r.not_before is not None and _aware(r.not_before) > now]
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            unit = "second" if seconds == 1 else "seconds"
            raise LoginRefused(f"Too many failed attempts. Wait {seconds} {unit} and try again.", limited=True,
                               retry_after=seconds)
        limits = {pair: (policy.free_per_pair, policy.max_delay_s),
                  addr: (policy.free_per_address, policy.max_delay_s),
                  acct: (policy.free_per_account, policy.account_max_delay_s)}
        for key, (free, cap) in limits.items():
            row = rows[key]
            row.failures += 1
            row.last_failure_at = now
            wait = _delay(row.failures, free, policy.base_delay_s, cap)
            row.not_before = now + timedelta(seconds=wait) if wait else None


def _settle(session: Session, email: str, ip: str, policy: LoginPolicy, now: datetime) -> None:
    """A right password: forget this account's failures and the one just counted for the address."""
    rows = _lock_rows(session, [f"pair:{email}|{ip}", f"addr:{ip}", f"acct:{email}"])
    for key in (f"pair:{email}|{ip}", f"acct:{email}"):
        rows[key].failures, rows[key].not_before = 0, None
    rows[f"pair:{email}|{ip}"].last_success_at = now
    addr = rows[f"addr:{ip}"]
    addr.failures = max(0, addr.failures - 1)
    if addr.failures < policy.free_per_address:
        addr.not_before = None


def authenticate(sessions: sessionmaker[Session], email: str, password: str, ip: str, *,
                 policy: LoginPolicy | None = None, now: datetime | None = None) -> User:
    """The user for these credentials, or LoginRefused. The attempt is checked against the throttle counters and
    counted in one atomic step before the (costly) password check; a right password then clears it."""
    policy = policy or LoginPolicy()
    now = now or datetime.now(UTC)
    email = normalize_email(email)[:254]
    ip = (ip or "unknown")[:64]
    _reserve(sessions, email, ip, policy, now)
    with sessions() as session:
        account = session.scalar(select(WebUser).where(WebUser.email == email))
        stored = account.password_hash if account else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and account is not None and account.active
    with sessions() as session, session.begin():
        session.add(LoginAttempt(email=email, ip=ip, succeeded=ok, at=now))
        if not ok:
            user = None
        else:
            _settle(session, email, ip, policy, now)
            session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(seconds=policy.window_s * 4)))
            # counters whose failures have aged out and that remember no sign-in count for nothing: forget them
            session.execute(delete(LoginThrottle).where(
                LoginThrottle.last_success_at.is_(None),
                LoginThrottle.last_failure_at < now - timedelta(seconds=policy.window_s)))
            account = session.get(WebUser, account.id)
            if _hasher.check_needs_rehash(account.password_hash):
                account.password_hash = hash_password(password)
            account.last_login_at = now
            user = User(account.id, account.email, account.name, account.role)
    if user is None:
        raise LoginRefused("Wrong email or password.")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def end_sessions(session: Session, user_id: int, why: str, now: datetime | None = None) -> int:
    """End every open session of a user (sign-out everywhere); returns how many were open."""
    result = session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                             .values(ended_at=now or datetime.now(UTC), ended_why=why[:40]))
    return result.rowcount or 0


def login_session(request: Request, user: User) -> None:
    """Start a session for `user`: a row on the server, its random id in the cookie (nothing else from before the
    login survives)."""
    from .csrf import rotate_csrf_token

    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    max_age = request.app.state.settings.web.session_max_age_s
    with request.app.state.sessions() as session, session.begin():
        session.add(WebSession(id_sha256=_digest(token), user_id=user.id, created_at=now,
                               expires_at=now + timedelta(seconds=max_age), ended_at=None, ended_why=""))
        session.execute(delete(WebSession).where(WebSession.expires_at < now - timedelta(days=1)))  # long dead
    request.session.clear()
    request.session["sid"] = token
    rotate_csrf_token(request)


def logout_session(request: Request) -> None:
    """End the session, on the server too: the cookie, even copied before, opens nothing afterwards."""
    from .csrf import rotate_csrf_token

    token = request.session.get("sid") if "session" in request.scope else None
    if isinstance(token, str):
        with request.app.state.sessions() as session, session.begin():
            session.execute(update(WebSession).where(WebSession.id_sha256 == _digest(token),
                                                     WebSession.ended_at.is_(None))
                            .values(ended_at=datetime.now(UTC), ended_why="signed out"))
    request.session.clear()
    rotate_csrf_token(request)


def optional_user(request: Request) -> User | None:
    """The logged-in user, or None (looked up once per request)."""
    if "rrm_user" in request.scope.get("state", {}):
        return request.scope["state"]["rrm_user"]
    user = None
    if "session" in request.scope:
        token = request.session.get("sid")
        if isinstance(token, str):
            with request.app.state.sessions() as session:
                row = session.get(WebSession, _digest(token))
                account = session.get(WebUser, row.user_id) if row is not None else None
                if (row is not None and row.ended_at is None and _aware(row.expires_at) > datetime.now(UTC)
                        and account is not None and account.active):
                    user = User(account.id, account.email, account.name, account.role)
    request.scope.setdefault("state", {})["rrm_user"] = user
    return user


def _signed_in(request: Request) -> User:
    """The logged-in user of any role; anonymous visitors are sent to /login."""
    user = optional_user(request)
    if user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return user


def require_user(request: Request) -> User:
    """Dependency: the logged-in user of a staff role; anonymous visitors are sent to /login, a donor (who sees only
    the pages that name the role) gets a 403 page pointing to the donors' page."""
    user = _signed_in(request)
    if user.role in RESTRICTED_ROLES:
        raise HTTPException(403, detail="This page is for the Secretariat's staff. As a donor you see the project "
                                        "pipeline and its funding gaps on the Donors page (/donors).")
    return user


def require_role(*roles: str):
    """Dependency factory: the logged-in user if their role is one of `roles`, else a 403 page."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def dependency(request: Request) -> User:
        user = _signed_in(request)
        if user.role not in roles:
            allowed = ", ".join(ROLE_LABELS[r].lower() + "s" for r in roles)
            raise HTTPException(403, detail=f"This page is for {allowed}. You are signed in as "
                                            f"{ROLE_LABELS[user.role].lower()}.")
        return user

    dependency.required_roles = roles  # type: ignore[attr-defined]
    return dependency
