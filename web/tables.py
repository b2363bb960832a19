"""Tables the web package owns: console accounts and their server-side sessions, login attempts and throttle
counters and re-drives (used signed links: `links.tables`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class WebUser(Base):
    """A console account: a duty officer, an operator or an admin. Members and editors never have one."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One login attempt, counted per account and per address to rate-limit guessing (kept across restarts)."""

    __tablename__ = "web_login_attempts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(index=True)


class WebSession(Base):
    """A console session kept on the server: the cookie carries only its random id, so signing out, a password
    change or an admin ends it for good (a copied cookie opens nothing afterwards)."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[str] = mapped_column(String(40), default="")


class LoginThrottle(Base):
    """Failed-login counter for one key: `pair:<email>|<address>`, `addr:<address>` or `acct:<email>`.

    Each attempt is checked against `not_before` and recorded in one transaction that holds the row's lock, so
    concurrent guesses cannot get more password checks than the limit."""

    __tablename__ = "web_login_throttle"

    key: Mapped[str] = mapped_column(String(340), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
