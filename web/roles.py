"""Console roles and how they are named on pages (used by auth, templating and the account pages)."""

from __future__ import annotations

#: Every console role, from least to most powers. A donor sees the project pipeline and funding gaps (/donors) and
#: nothing else: `require_user` refuses donors, only `require_role("donor", ...)` lets them in.
ROLES = ("donor", "duty_officer", "operator", "admin")

#: A role as people read it.
ROLE_LABELS = {"donor": "Donor", "duty_officer": "Duty officer", "operator": "Operator", "admin": "Admin"}

#: Roles that see only the pages that name them (`require_user` alone does not let them in).
RESTRICTED_ROLES = ("donor",)
