"""Console roles and how they are named on pages (used by auth, templating and the account pages)."""

from __future__ import annotations

#: Every console role, from least to most powers.
ROLES = ("duty_officer", "operator", "admin")

#: A role as people read it.
ROLE_LABELS = {"duty_officer": "Duty officer", "operator": "Operator", "admin": "Admin"}
