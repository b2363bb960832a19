"""The interfaces mobilize/ needs from outside: making signed links (links.SignedLinks provides them)."""

from __future__ import annotations

from typing import Protocol


class LinkMaker(Protocol):
    """Makes signed, expiring links for members (`links.SignedLinks`)."""

    def make_link(self, purpose: str, subject_id: str, max_age: int | None = None) -> str:
        """A token naming `subject_id` for `purpose`."""

    def url(self, path_template: str, token: str) -> str:
        """The absolute URL of a link page."""
