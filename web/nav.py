"""Navigation entries a route module offers (`nav = [NavItem(...)]` in `web/routes/<stage>.py`).

Kept apart from `web/app.py` so route modules do not import the factory that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    """A navigation entry shown to users whose role is in `roles` (empty: every logged-in user)."""

    label: str
    path: str
    roles: tuple[str, ...] = ()
    order: int = 50
