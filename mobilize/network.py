"""The network's CSV format: parsing and validating rows, and importing a file with a report of bad rows.

Columns (header row required; order free): name, email, languages, regions, countries, cultural_background,
faith_background, topics, timezone, quiet_hours, max_per_month, active, title, affiliation (the last two are
printed in op-ed bylines, e.g. "Professor of Law", "University of Uppsala"). List columns separate values with `;`.
`quiet_hours` is `22-7` (local hours, start-end) or empty. Background columns are optional, self-declared, and used
only for pairing co-authors across communities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from db.csv_import import CsvRefused, read_csv

REQUIRED = ("name", "email")
COLUMNS = ("name", "email", "languages", "regions", "countries", "cultural_background", "faith_background",
           "topics", "timezone", "quiet_hours", "max_per_month", "active", "title", "affiliation")
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


class RowError(ValueError):
    """A row that cannot be imported; the message says which field and why."""


def _list(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[;|]", value or "") if v.strip()]


def parse_quiet_hours(value: str) -> tuple[int | None, int | None]:
    """`22-7` -> (22, 7); empty -> (None, None)."""
    value = (value or "").strip()
    if not value:
        return None, None
    match = re.fullmatch(r"(\d{1,2})\s*-\s*(\d{1,2})", value)
    if not match or not all(0 <= int(g) <= 23 for g in match.groups()):
        raise RowError(f"quiet_hours {value!r}: expected start-end hours such as 22-7")
    return int(match.group(1)), int(match.group(2))


def parse_row(row: dict[str, str]) -> dict:
    """A validated member dict from one CSV row (or form), or RowError."""
    get = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
    for name in REQUIRED:
        if not get.get(name):
            raise RowError(f"{name} is missing")
    email = get["email"].lower()
    if not EMAIL.match(email):
        raise RowError(f"email {get['email']!r} is not an email address")
    timezone = get.get("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise RowError(f"timezone {timezone!r} is unknown (use e.g. Europe/Paris, Asia/Karachi)") from None
    quiet_start, quiet_end = parse_quiet_hours(get.get("quiet_hours", ""))
    cap = get.get("max_per_month") or "4"
    if not cap.isdigit() or not 0 < int(cap) <= 60:
        raise RowError(f"max_per_month {cap!r}: expected a whole number from 1 to 60")
    active = (get.get("active") or "yes").lower()
    if active not in ("yes", "no", "true", "false", "1", "0"):
        raise RowError(f"active {active!r}: expected yes or no")
    languages = [v.lower() for v in _list(get.get("languages", ""))]
    if not languages:
        raise RowError("languages is missing (e.g. en;ar)")
    return {
        "name": get["name"][:200], "email": email, "languages": languages,
        "regions": [v.lower() for v in _list(get.get("regions", ""))],
        "countries": [v.upper() for v in _list(get.get("countries", ""))],
        "cultural_background": get.get("cultural_background", "")[:200],
        "faith_background": get.get("faith_background", "")[:200],
        "topics": [v.lower() for v in _list(get.get("topics", ""))], "timezone": timezone,
        "quiet_start": quiet_start, "quiet_end": quiet_end, "max_per_month": int(cap),
        "active": active in ("yes", "true", "1"),
        # a file without these columns leaves what the member already has
        **{k: " ".join(get[k].split())[:n] for k, n in (("title", 200), ("affiliation", 300)) if k in get},
    }


@dataclass
class ImportReport:
    """What an import did: rows created and updated, and each bad row with its line number and reason."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        text = f"{self.created} member(s) added, {self.updated} updated"
        return text + (f", {len(self.errors)} row(s) refused" if self.errors else "")


def import_csv(session: Session, deps, text: bytes | str) -> ImportReport:
    """Import members from a CSV file (`db.csv_import`); bad rows are reported (line, reason), good rows kept."""
    from .handlers import upsert_member

    report = ImportReport()
    try:
        read = read_csv(text, lambda row: parse_row(dict(row.cells)), required=REQUIRED, refused=(RowError,),
                        columns_hint=COLUMNS)
    except CsvRefused as exc:
        report.errors.append((1, str(exc)))
        return report
    report.errors.extend((bad.line, bad.reason) for bad in read.bad)
    seen: set[str] = set()
    for line, data in read.rows:
        if data["email"] in seen:
            report.errors.append((line, f"email {data['email']} appears twice in the file"))
            continue
        seen.add(data["email"])
        _, created = upsert_member(session, deps, data)
        if created:
            report.created += 1
        else:
            report.updated += 1
    report.errors.sort()
    return report
