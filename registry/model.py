"""The Alliance's registries as pure values: what each entry holds, validated strictly (pydantic), and the rules of
a registry command (create, update, retire). No I/O here: values in, values out.

The vocabularies come from the Implementation Plan (shared/mission/): the four fields of action (youth, education,
media, migration), the two project categories, the four roles of the Alliance in a project, the five selection
criteria, and the Clearinghouse's seven subjects.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

# --- the plan's vocabularies -----------------------------------------------------------------------------------

THEMES: dict[str, str] = {"youth": "Youth", "education": "Education", "media": "Media", "migration": "Migration"}
CATEGORIES: dict[str, str] = {"collaborative_pilot": "Collaborative pilot project", "aoc_project": "AoC project"}
ROLES: dict[str, str] = {
    "auspices": "Providing auspices",
    "catalyst": "Serving as catalyst",
    "facilitating": "Facilitating implementation",
    "managing": "Managing implementation",
}
CRITERIA: dict[str, str] = {
    "feasible": "Feasibility",
    "credible_partners": "Credible implementing partners with strong track records",
    "replicable": "Highly relevant to, and possibly replicable in, other regions or globally",
    "diverse_communities": "Partners or beneficiaries from a diversity of national, religious and cultural communities",
    "balanced": "Balanced: attention in the short run, results in the long run; social, cultural, economic aspects",
}
SUBJECTS: dict[str, str] = {
    "dialogue": "Cross-cultural and inter-faith dialogue and cooperation",
    "regional_fora": "Regional fora for interfaith and intercultural dialogue and cooperation",
    "media_literacy": "Media literacy programmes",
    "journalist_training": "Training programs for journalists in cross-cultural news coverage",
    "immigrant_empowerment": "Programmes that educate and empower Muslim immigrants in the U.S. and Europe",
    "religion_curricula": "Curricula for teaching about religions in schools, and curricula for religious schools",
    "human_rights_education": "Human rights education across cultures and religious traditions",
}
ACTIONS = ("create", "update", "retire")

Theme = Literal["youth", "education", "media", "migration"]
Subject = Literal["dialogue", "regional_fora", "media_literacy", "journalist_training", "immigrant_empowerment",
                  "religion_curricula", "human_rights_education"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254,
                                         pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=r"^$|^https?://\S+$")]
Lang = Annotated[str, BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
                 StringConstraints(pattern=r"^[a-z]{2}$")]
Country = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
ENTITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


class Entry(BaseModel):
    """Base of every registry entry: unknown fields and wrong types are refused, never guessed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    def label(self) -> str:
        """How the entry is named in lists and events."""
        return str(getattr(self, "name", "") or getattr(self, "title", ""))


# --- Group of Friends ------------------------------------------------------------------------------------------

class FriendMember(Entry):
    """A member of the Group of Friends: a State, a UN agency or another international organization."""

    name: Name
    kind: Literal["state", "un_agency", "organization"]
    country: Country = ""
    focal_point: Short = ""
    focal_point_email: Email = ""
    joined_on: date | None = None
    meetings: list[Name] = Field(default_factory=list, description="Meetings attended (names or event ids).")


# --- Ambassadors and the network of personalities --------------------------------------------------------------

class Ambassador(Entry):
    """An AoC Ambassador (appointed by the Secretary-General) or a personality of the network."""

    name: Name
    role: Literal["ambassador", "personality"] = "ambassador"
    appointed_on: date | None = None
    term_ends: date | None = None
    member_id: Short = Field("", description="The member's id in mobilize/'s network, to draw activity from the bus.")
    email: Email = ""
    languages: list[Lang] = Field(default_factory=list)
    countries: list[Country] = Field(default_factory=list)
    notes: Long = ""

    @model_validator(mode="after")
    def _term_after_appointment(self) -> Ambassador:
        if self.appointed_on and self.term_ends and self.term_ends < self.appointed_on:
            raise ValueError("term_ends is before appointed_on")
        return self


# --- Partners and projects -------------------------------------------------------------------------------------

class Partner(Entry):
    """A partner of the Alliance: a State, an agency, an organization, a foundation, a company, a school."""

    name: Name
    kind: Literal["state", "un_agency", "international_organization", "regional_organization", "civil_society",
                  "foundation", "private_sector", "academic", "media"]
    country: Country = ""
    website: Url = ""
    contact_name: Short = ""
    contact_email: Email = ""


class Criteria(BaseModel):
    """The plan's five selection criteria, each met or not."""

    model_config = ConfigDict(extra="forbid")

    feasible: bool = False
    credible_partners: bool = False
    replicable: bool = False
    diverse_communities: bool = False
    balanced: bool = False

    def met(self) -> int:
        """How many criteria are met."""
        return sum(1 for name in CRITERIA if getattr(self, name))


class Project(Entry):
    """A collaborative pilot project or an AoC project, with the Alliance's role and the selection checklist."""

    title: Name
    category: Literal["collaborative_pilot", "aoc_project"]
    theme: Theme
    role: Literal["auspices", "catalyst", "facilitating", "managing"]
    criteria: Criteria = Field(default_factory=Criteria)
    partners: list[Name] = Field(default_factory=list)
    partner_ids: list[Annotated[str, StringConstraints(pattern=ENTITY_ID.pattern)]] = Field(
        default_factory=list, description="Ids of the partners' entries in the partners registry (links, not names).")
    beneficiaries: list[Name] = Field(default_factory=list)
    status: Literal["proposed", "approved", "active", "completed", "suspended"] = "proposed"
    region: Short = ""
    started_on: date | None = None
    summary: Long = ""
    budget: Decimal | None = Field(None, ge=0, le=Decimal("1000000000000"), max_digits=16, decimal_places=2,
                                   description="The project's budget (what donors see as the pipeline).")
    funds_secured: Decimal | None = Field(None, ge=0, le=Decimal("1000000000000"), max_digits=16, decimal_places=2,
                                          description="Funds pledged or received so far; budget minus this is the gap.")
    currency: Annotated[str, BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
                        StringConstraints(pattern=r"^$|^[A-Z]{3}$")] = ""


# --- Clearinghouse ---------------------------------------------------------------------------------------------

class ResourceText(BaseModel):
    """A resource's title and summary in one language."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Name
    summary: Long = ""
    body: Annotated[str, StringConstraints(max_length=200_000)] = ""


class Resource(Entry):
    """A good practice, resource or project write-up in the Clearinghouse, in one or more languages."""

    kind: Literal["good_practice", "resource", "project", "oped"] = "good_practice"
    theme: Theme
    subjects: list[Subject] = Field(default_factory=list)
    organization: Short = ""
    contact: Short = ""
    url: Url = ""
    region: Short = Field("", description="Where it happens (a region of the world or 'Global'): a search facet.")
    year: int | None = Field(None, ge=1990, le=2100, description="The year it started or was published.")
    partners: list[Annotated[str, StringConstraints(pattern=ENTITY_ID.pattern)]] = Field(
        default_factory=list, description="Ids of the partners' entries in the partners registry (links, not names).")
    texts: dict[Lang, ResourceText] = Field(min_length=1)

    def label(self) -> str:
        """The English title if there is one, else the first."""
        text = self.texts.get("en") or next(iter(self.texts.values()))
        return text.title


# --- Fora and events -------------------------------------------------------------------------------------------

class Event(Entry):
    """The Annual Forum, the Youth Forum, a regional meeting, a Group of Friends meeting."""

    name: Name
    kind: Literal["annual_forum", "youth_forum", "regional_meeting", "friends_meeting", "other"]
    starts_on: date
    ends_on: date | None = None
    host: Short = ""
    city: Short = ""
    country: Country = ""
    themes: list[Theme] = Field(default_factory=list)
    participants: list[Name] = Field(default_factory=list)
    outcomes: Long = ""

    @model_validator(mode="after")
    def _ends_after_start(self) -> Event:
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


# --- Funds -----------------------------------------------------------------------------------------------------

FUND_KINDS = {
    "voluntary_trust_fund": ("contribution", "pledge"),
    "youth_solidarity_fund": ("application", "grant"),
}


class FundEntry(Entry):
    """A contribution or pledge to the Voluntary Trust Fund, or an application or grant of the Youth Solidarity Fund."""

    fund: Literal["voluntary_trust_fund", "youth_solidarity_fund"]
    kind: Literal["contribution", "pledge", "application", "grant"]
    party: Name = Field(description="The donor (contributions, pledges) or the applicant (applications, grants).")
    amount: Decimal = Field(gt=0, le=Decimal("1000000000000"), max_digits=16, decimal_places=2)
    currency: Annotated[str, BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
                        StringConstraints(pattern=r"^[A-Z]{3}$")]
    on: date
    decision: Literal["pending", "approved", "declined", "received"] = "pending"
    initiative: Short = ""
    notes: Long = ""

    @model_validator(mode="after")
    def _kind_fits_fund(self) -> FundEntry:
        if self.kind not in FUND_KINDS[self.fund]:
            raise ValueError(f"a {self.fund} entry is one of {', '.join(FUND_KINDS[self.fund])}, not {self.kind}")
        return self

    def label(self) -> str:
        """Party, kind and amount."""
        return f"{self.party}: {self.kind} {self.amount:,.2f} {self.currency}"

    @field_validator("amount", mode="before")
    @classmethod
    def _amount_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("amount must be a number")
        if isinstance(value, str):
            return value.replace(",", "").replace(" ", "")
        return value


# --- the registries --------------------------------------------------------------------------------------------

MODELS: dict[str, type[Entry]] = {
    "friends": FriendMember,
    "ambassadors": Ambassador,
    "partners": Partner,
    "projects": Project,
    "clearinghouse": Resource,
    "events": Event,
    "funds": FundEntry,
}
LABELS: dict[str, str] = {
    "friends": "Group of Friends",
    "ambassadors": "Ambassadors and personalities",
    "partners": "Partners",
    "projects": "Projects",
    "clearinghouse": "Clearinghouse",
    "events": "Fora and events",
    "funds": "Funds",
}


class RegistryError(ValueError):
    """A registry command that cannot be applied; the message says why, for the operator reading `rejected`."""


def describe_errors(error: ValidationError) -> list[tuple[str, str]]:
    """Pydantic's errors as (field, reason) pairs a person can read."""
    out = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "(entry)"
        reason = item["msg"].removeprefix("Value error, ")
        out.append((field, reason))
    return out


def validate_entry(registry: str, data: Any) -> Entry:
    """The entry of `registry` built from `data`; raises RegistryError naming each bad field."""
    model = MODELS.get(registry)
    if model is None:
        raise RegistryError(f"unknown registry {registry!r}: one of {', '.join(MODELS)}")
    if not isinstance(data, dict):
        raise RegistryError(f"{registry}: data must be an object, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        reasons = "; ".join(f"{field}: {reason}" for field, reason in describe_errors(exc))
        raise RegistryError(f"{registry}: {reasons}") from exc


def check_envelope(registry: str, action: str, entity_id: str, request_id: str) -> None:
    """The command's own fields: a known registry and action, a usable entity id, a request id."""
    if registry not in MODELS:
        raise RegistryError(f"unknown registry {registry!r}: one of {', '.join(MODELS)}")
    if action not in ACTIONS:
        raise RegistryError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    if not ENTITY_ID.match(entity_id or ""):
        raise RegistryError(f"entity_id {entity_id!r} is not 1-64 letters, digits or . _ : -")
    if not request_id or len(request_id) > 200:
        raise RegistryError("request_id is missing (or longer than 200 characters)")


def merged(current: dict, changes: dict | None) -> dict:
    """An update: the changed fields over the current ones (a field set to null goes back to its default)."""
    out = dict(current)
    for key, value in (changes or {}).items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def stored(entry: Entry) -> dict:
    """The entry as JSON-ready data (dates as ISO strings, amounts as strings)."""
    return entry.model_dump(mode="json")


# --- search ----------------------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def normalize(text: str) -> str:
    """Text for search: accents and Arabic vowel marks dropped, case folded, punctuation as space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", _PUNCT.sub(" ", bare.casefold())).strip()


def search_terms(query: str) -> list[str]:
    """The normalized words of a query (at most 8; every one must match)."""
    return [t for t in normalize(query).split(" ") if t][:8]


def summary_of(body: str, limit: int = 400) -> str:
    """The first words of a text, without markup, cut at a word boundary."""
    plain = _SPACE.sub(" ", re.sub(r"<[^>]+>", " ", body or "")).strip()
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0] + "…"
