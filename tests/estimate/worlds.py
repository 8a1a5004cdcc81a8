"""Small people/events worlds for the estimate tests: the same data as reference-engine
histories and as DuckDB/Spark tables (text columns, so the canonical parsing is exercised)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cioctl.model.segments import Segment
from cioctl.model.sources import DataSources
from cioctl.semantics.people import AttributeChange, JsonValue, PersonHistory, TimedEvent
from cioctl.semantics.segments import SegmentWorld
from cioctl.sql.canonical import events_view, people_view
from cioctl.sql.engines import Runner
from cioctl.sql.sources import ColumnKind, FileFormat, SourceFiles

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
ATTRIBUTE_TYPES = {"s": "string", "n": "number", "b": "boolean", "t": "timestamp", "a": "array"}
PROPERTY_TYPES = {"e1": {"k": "string"}}
PEOPLE_KINDS = {"id": ColumnKind.TEXT, "cio_added_at": ColumnKind.TIMESTAMP,
                **dict.fromkeys(ATTRIBUTE_TYPES, ColumnKind.TEXT)}
EVENT_KINDS = {"person_id": ColumnKind.TEXT, "name": ColumnKind.TEXT,
               "timestamp": ColumnKind.TIMESTAMP, "data": ColumnKind.TEXT}
SOURCE = SourceFiles("people", "generated", FileFormat.PARQUET, ())
EVENT_SOURCE = SourceFiles("events", "generated", FileFormat.PARQUET, ())


@dataclass(frozen=True)
class Person:
    """One generated person: attribute texts (None = absent), added offset, events."""

    id: str
    added_days: float
    attributes: Mapping[str, str | None]
    events: Sequence[tuple[str, float, Mapping[str, JsonValue]]]  # name, day offset, data


def at(days: float) -> datetime:
    return AS_OF + timedelta(days=days)


def _json_value(name: str, text: str) -> JsonValue:
    return json.loads(text) if ATTRIBUTE_TYPES[name] == "array" else text


def history(person: Person) -> PersonHistory:
    """The reference engine's view of a generated person."""
    early = at(-400)
    changes = tuple(AttributeChange(early, k, _json_value(k, v))
                    for k, v in person.attributes.items() if v is not None)
    events = tuple(TimedEvent(name, dict(data), at(day), at(day))
                   for name, day, data in person.events)
    return PersonHistory(person.id, at(person.added_days), changes, events)


def world(segments: Sequence[Segment]) -> SegmentWorld:
    return SegmentWorld({s.key: s for s in segments}, ATTRIBUTE_TYPES, PROPERTY_TYPES)


def people_rows(people: Sequence[Person]) -> list[tuple[Any, ...]]:
    return [(p.id, at(p.added_days).replace(tzinfo=None),
             *(p.attributes.get(name) for name in ATTRIBUTE_TYPES)) for p in people]


def event_rows(people: Sequence[Person]) -> list[tuple[Any, ...]]:
    return [(p.id, name, at(day).replace(tzinfo=None), json.dumps(data))
            for p in people for name, day, data in p.events]


def create_views(runner: Runner, attributes: Mapping[str, str]) -> None:
    """The canonical views over ``raw_people``/``raw_events`` (tables the caller filled)."""
    config = DataSources()
    runner.create_view("people", people_view(SOURCE, PEOPLE_KINDS, config.people, attributes,
                                             runner.flavour, "raw_people"))
    runner.create_view("events", events_view(EVENT_SOURCE, EVENT_KINDS, config.events,
                                             runner.flavour, "raw_events"))
