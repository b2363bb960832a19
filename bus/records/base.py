"""The base of every record on the bus: JSON, validated, with a deterministic `message_id`."""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

import faust
from faust.models.fields import DatetimeField, FieldDescriptor, StringField
from faust.serializers import codecs as faust_codecs
from faust.utils import iso8601 as faust_iso8601
from faust.utils import json as faust_json

#: Namespace of every `message_id`: uuid5(RRM_NAMESPACE, "<record namespace>:<natural key>").
RRM_NAMESPACE = uuid.UUID("6f2b9a8e-3c1d-5e4f-9a7b-2d8c0e1f4a6b")

#: The longest text (an op-ed's or a translation's body) a record may carry, in characters. Far above any op-ed
#: (1,500 words is about 10,000 characters), and small enough that a record stays well below the bus's message size
#: limit whatever the script (at most 4 bytes a character in UTF-8). Drafts and translations refuse more.
MAX_TEXT_CHARS = 60_000


_PLAIN_TYPES: dict[Any, type | tuple[type, ...]] = {
    str: str,
    int: int,
    float: (int, float),
    bool: bool,
    list: list,
    dict: dict,
    datetime: datetime,
}


class Utf8Json(faust_codecs.json):
    """faust's JSON codec, writing text as UTF-8 instead of `\\uXXXX` escapes.

    An Arabic letter takes 2 bytes instead of 6, so a long op-ed stays far below the broker's message size limit.
    Registered as "json": every record and every faust topic of this engine serializes with it; reading is unchanged.
    """

    def _dumps(self, s: Any) -> bytes:
        out = faust_json.dumps(s, ensure_ascii=False)  # bytes where faust writes with orjson, else str
        return out if isinstance(out, bytes) else out.encode("utf-8")


faust_codecs.register("json", Utf8Json())


def _plain(annotation: Any) -> Any:
    """`list[str] | None` -> list; `str` -> str."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (types.UnionType, typing.Union) and len(args) == 1:
        annotation = args[0]
    return typing.get_origin(annotation) or annotation


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


_NAMESPACE_BYTES = RRM_NAMESPACE.bytes
#: How `Record._build` converts a field's value (see `Record._plan`).
_AS_IS, _STR_AS_IS, _CONVERT, _ISO_UTC = 0, 1, 2, 3
#: The UTC times this bus writes (`_json_default`): whole seconds or microseconds, and "Z". For exactly these,
#: `datetime.fromisoformat` gives what faust's pure-Python ISO parser gives, twenty times faster.
_UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?Z")


def deterministic_id(*parts: Any) -> str:
    """A stable id from a natural key: the same parts always give the same id.

    Exactly `str(uuid.uuid5(RRM_NAMESPACE, "\x1f".join(parts)))` (a unit test holds them equal), computed without
    building `UUID` objects: every record pays for it, and `uuid5` was an eighth of a hop's cost on the bus.
    """
    name = "\x1f".join(str(p) for p in parts).encode("utf-8")
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest())  # UUID v5 is SHA-1
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _json_default(value: Any) -> Any:
    """What faust's JSON encoder writes for the non-JSON values a record holds (datetimes), else faust's own."""
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return faust_json.on_default(value)


#: One encoder for every record (`json.dumps` with options builds a new one per call: a fifth of an encoding).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


class Record(
    faust.Record,
    abstract=True,
    include_metadata=False,
    validation=True,
    coerce=False,
    isodates=True,
    serializer="json",
):
    """A message on the bus.

    Subclasses pin `namespace` (so that moving a module never breaks consumers) and name their natural key in
    `key_fields`: `message_id` is derived from it, so that the same fact published twice has the same id and
    consumers can de-duplicate it.
    """

    key_fields: ClassVar[tuple[str, ...]] = ()

    message_id: str = ""
    occurred_at: datetime | None = None
    schema_version: int = 1

    def __post_init__(self) -> None:
        if self.occurred_at is None:
            self.occurred_at = utcnow()
        elif self.occurred_at.tzinfo is None:
            self.occurred_at = self.occurred_at.replace(tzinfo=UTC)
        if not self.message_id:
            if not self.key_fields:
                raise TypeError(f"{type(self).__name__} names no key_fields for its message_id")
            self.message_id = deterministic_id(
                self._options.namespace, *(getattr(self, f) for f in self.key_fields)
            )

    @classmethod
    def from_data(cls, data: Any, *, preferred_type: Any = None) -> Record:
        """Build a record from decoded JSON, refusing wrong shapes before faust coerces them into strings."""
        if not isinstance(data, dict):
            raise ValueError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
        for name, field, plain, expected in cls._checks():
            value = data.get(name)
            if value is None:
                continue
            wrong_bool = isinstance(value, bool) and plain is not bool
            if wrong_bool or not isinstance(value, expected):
                raise ValueError(f"{cls.__name__}.{name}: expected {_type_name(field.type)}, "
                                 f"got {type(value).__name__}")
        return cls._build(data)

    @classmethod
    def make(cls, **fields: Any) -> Record:
        """The record the constructor builds, built the fast way (`_build`): for the hot paths that build a record
        per message (scoring writes one per article of the news)."""
        return cls._build(fields)

    @classmethod
    def _build(cls, data: dict[str, Any]) -> Record:
        """What faust's generated `__init__(**data, __strict__=False)` does, without its per-field descriptor calls.

        Per field: a value that is present and not null is converted by the field (`to_python`: ISO dates parsed),
        else the field's default; a required field with no value is an error. Then `__post_init__` and faust's own
        validation, as faust does. Unknown keys are dropped. A unit test holds every record type equal to faust's
        construction; decoding was a quarter of a hop's cost on the bus.
        """
        options = cls._options
        defaults = options.defaults
        obj = cls.__new__(cls)
        values = obj.__dict__
        values["__evaluated_fields__"] = set()
        for name, field, kind in cls._plan():
            value = data.get(name)
            if value is not None:
                # a str into a plain string field, anything into a plain field: faust's to_python returns it as is
                if kind == _AS_IS or (kind == _STR_AS_IS and type(value) is str):
                    values[name] = value
                elif kind == _ISO_UTC and type(value) is str and _UTC_TIME.fullmatch(value):
                    values[name] = datetime.fromisoformat(value)
                else:
                    values[name] = field.to_python(value)
            elif name in defaults:
                values[name] = defaults[name]
            elif name in data:
                values[name] = field.to_python(None)
            else:
                raise TypeError(f"{cls.__name__}: missing required field {name!r}")
        obj.__post_init__()
        if options.validation:
            obj.validate_or_raise()
        return obj

    @classmethod
    def _plan(cls) -> list[tuple[str, Any, int]]:
        """(name, field, how its value is converted) per field, worked out once a class: `_AS_IS` for a field whose
        `to_python` is the identity (no conversion, no coercion), `_STR_AS_IS` for a string field that neither trims
        nor converts (a str stays as it is; anything else is coerced by faust), `_ISO_UTC` for a date field that
        faust parses with its ISO parser (a UTC time as this bus writes it is parsed by the standard library, any other
        string by faust), `_CONVERT` for the rest."""
        plan = cls.__dict__.get("_rrm_plan")
        if plan is None:
            plan = []
            for name, field in cls._options.descriptors.items():
                kind = _CONVERT
                if getattr(field, "_to_python", None) is None:
                    if type(field) is FieldDescriptor:
                        kind = _AS_IS
                    elif type(field) is StringField and not field.trim_whitespace:
                        kind = _STR_AS_IS
                    elif (type(field) is DatetimeField and cls._options.isodates
                          and field.date_parser is faust_iso8601.parse):
                        kind = _ISO_UTC
                plan.append((name, field, kind))
            cls._rrm_plan = plan
        return plan

    @classmethod
    def _checks(cls) -> list[tuple[str, Any, Any, type | tuple[type, ...]]]:
        """(name, field, plain type, accepted JSON types) of the fields `from_data` checks, worked out once a class."""
        checks = cls.__dict__.get("_rrm_checks")
        if checks is None:
            checks = []
            for name, field in cls._options.descriptors.items():
                plain = _plain(field.type)
                expected = (str,) if plain is datetime else _PLAIN_TYPES.get(plain)
                if expected is not None:
                    checks.append((name, field, plain, expected))
            cls._rrm_checks = checks
        return checks

    def to_json(self) -> bytes:
        """The record as JSON bytes, as it travels on the bus: the bytes faust's "json" codec writes (Utf8Json).

        Written straight from `asdict()` with the standard library (no nested records on this bus): a third of the
        cost of faust's codec chain, and a unit test holds the bytes equal to faust's for every record type.
        """
        return _ENCODER.encode(self.asdict()).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes | str) -> Record:
        """Decode and validate a record; raises on malformed input (`ValueError` for bytes that are no JSON)."""
        return cls.from_data(json.loads(raw))
