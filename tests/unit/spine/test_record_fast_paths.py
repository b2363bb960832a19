"""The records' fast paths (`deterministic_id`, `to_json`, `from_data`) give exactly what faust's own code gives."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from faust.serializers import codecs as faust_codecs

from bus.catalog import TOPICS
from bus.records.base import RRM_NAMESPACE, Record, deterministic_id


def _sample(cls: type[Record]) -> dict:
    """A JSON object for `cls` with a value of the right type in every field."""
    data = {}
    for name, field in cls._options.descriptors.items():
        kind = str(field.type)
        if "datetime" in kind:
            data[name] = "2026-11-30T14:05:06.123456+01:00"
        elif "bool" in kind:
            data[name] = True
        elif "int" in kind:
            data[name] = 3
        elif "float" in kind:
            data[name] = 0.75
        elif "list" in kind:
            data[name] = ["a", "ü"]
        elif "dict" in kind:
            data[name] = {"k": "v"}
        else:
            data[name] = f"{name} — مسجد"
    data["message_id"] = ""
    return data


RECORDS = sorted({spec.record for spec in TOPICS if spec.record is not None}, key=lambda c: c.__name__)


def test_deterministic_id_is_uuid5_of_the_natural_key():
    """Every id a record was ever given stays the same: the fast form equals uuid5 for any parts."""
    for parts in (("a",), ("article", "https://x.example/é", 3), ("", ""), ("مسجد", None, 1.5)):
        assert deterministic_id(*parts) == str(uuid.uuid5(RRM_NAMESPACE, "\x1f".join(str(p) for p in parts)))


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_a_record_decodes_and_encodes_as_faust_does(cls):
    """Decoding builds the record faust's constructor builds; encoding writes the bytes faust's json codec writes."""
    data = _sample(cls)
    try:
        theirs = cls(**{k: v for k, v in data.items() if k in cls._options.descriptors}, __strict__=False)
    except Exception as exc:  # the sample breaks a rule of the record: ours must refuse it too
        with pytest.raises(type(exc)):
            cls.from_data(data)
        return
    ours = cls.from_data(data)
    assert ours.asdict() == theirs.asdict()
    assert ours.to_json() == faust_codecs.dumps("json", theirs.to_representation())
    again = cls.from_json(ours.to_json())
    assert again.asdict() == ours.asdict()


def test_utc_times_are_written_with_z_and_others_keep_their_offset():
    """A UTC time travels as ...Z (faust's form), another offset as it is; both read back to the same instant."""
    cls = RECORDS[0]
    utc = cls.from_data({**_sample(cls), "occurred_at": "2026-11-30T14:00:00+00:00"})
    assert json.loads(utc.to_json())["occurred_at"] == "2026-11-30T14:00:00Z"
    other = cls.from_data({**_sample(cls), "occurred_at": "2026-11-30T15:00:00+01:00"})
    assert json.loads(other.to_json())["occurred_at"] == "2026-11-30T15:00:00+01:00"
    assert cls.from_json(other.to_json()).occurred_at == datetime(2026, 11, 30, 15, tzinfo=timezone(timedelta(hours=1)))
    assert cls.from_json(utc.to_json()).occurred_at == datetime(2026, 11, 30, 14, tzinfo=UTC)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_make_builds_what_the_constructor_builds(cls):
    """`Record.make(**fields)` (the scorer's per-article record) equals `cls(**fields)`, datetimes given as objects."""
    fields = {k: v for k, v in _sample(cls).items() if k in cls._options.descriptors}
    fields = {k: (datetime(2026, 11, 30, 14, 5, 6, 123456, tzinfo=UTC) if isinstance(v, str) and k in (
        "published", "occurred_at") else v) for k, v in fields.items()}
    try:
        theirs = cls(**fields)
    except Exception as exc:
        with pytest.raises(type(exc)):
            cls.make(**fields)
        return
    ours = cls.make(**fields)
    assert ours.asdict() == theirs.asdict()
    assert ours.to_json() == theirs.to_json()


@pytest.mark.parametrize("text", [
    "2026-11-30T14:05:06Z", "2026-11-30T14:05:06.123456Z", "2026-11-30T14:05:06.000001Z", "2026-02-28T23:59:59Z",
    "2026-11-30T14:05:06.1234Z", "2026-11-30T14:05:06+00:00", "2026-11-30T14:05:06.5+02:00", "2026-11-30",
    "2026-11-30 14:05:06Z", "2026-11-30T14:05Z",
])
def test_times_decode_as_fausts_parser_reads_them(text):
    """The standard-library path for the bus's own UTC times gives faust's value; other forms still go to faust."""
    cls = RECORDS[0]
    data = {**_sample(cls), "occurred_at": text}
    theirs = cls(**{k: v for k, v in data.items() if k in cls._options.descriptors}, __strict__=False).occurred_at
    ours = cls.from_data(data).occurred_at
    assert ours == theirs and ours.tzinfo == theirs.tzinfo


def test_an_impossible_utc_time_is_refused():
    """A time of the bus's own form that names no real instant is an error, as faust's parser makes it."""
    cls = RECORDS[0]
    with pytest.raises(ValueError):
        cls.from_data({**_sample(cls), "occurred_at": "2026-02-30T10:00:00Z"})
