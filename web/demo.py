"""Demo console accounts, one per role, with fresh random passwords printed by `rrm up`."""

from __future__ import annotations

import secrets
import string

from sqlalchemy import select

from config.settings import Settings
from db.engine import make_engine, session_factory

from .auth import add_user, set_password
from .tables import WebUser

ALPHABET = string.ascii_letters + string.digits
DEMO_ACCOUNTS = (
    ("officer@demo", "duty_officer", "Demo Duty Officer"),
    ("operator@demo", "operator", "Demo Operator"),
    ("admin@demo", "admin", "Demo Admin"),
    ("donor@demo", "donor", "Demo Donor"),  # sees the project pipeline and funding gaps (/donors) only
)


def seed(settings: Settings) -> list[str]:
    """Create (or reset the password of) the demo accounts; returns the lines `rrm up` prints."""
    engine = make_engine(settings.database_url)
    lines = []
    try:
        sessions = session_factory(engine)
        for email, role, name in DEMO_ACCOUNTS:
            password = "".join(secrets.choice(ALPHABET) for _ in range(14))
            with sessions() as session, session.begin():
                if session.scalar(select(WebUser).where(WebUser.email == email)) is None:
                    add_user(session, email, password, role, name)
                else:
                    set_password(session, email, password)
            lines.append(f"console login ({role.replace('_', ' ')}): {email} / {password}")
    finally:
        engine.dispose()
    return lines
