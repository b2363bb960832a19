"""The table of used signed links. Its migration is `web_0001` in the web branch (the table kept its name)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class UsedLink(Base):
    """A signed single-use link that has been used (by the SHA-256 of its token)."""

    __tablename__ = "web_used_links"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime]
