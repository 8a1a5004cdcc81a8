"""Builders for the semantics tests: conditions and segments from plain data, people at
instants relative to one origin."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

from cioctl.model.conditions import Condition
from cioctl.model.segments import Segment
from cioctl.semantics.people import (
    AttributeChange,
    JsonValue,
    ManualMembership,
    PersonHistory,
    TimedEvent,
)
from cioctl.semantics.segments import SegmentWorld

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)

ATTRIBUTE_TYPES = {
    "plan": "string", "age": "number", "count": "integer", "verified": "boolean",
    "trial_ends_at": "timestamp", "tags": "array", "profile": "object",
}
PROPERTY_TYPES = {"purchase": {"amount": "number", "sku": "string"},
                  "feature_used": {"feature": "string"}}


def t(days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
    """An instant relative to T0."""
    return T0 + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def cond(data: Mapping[str, Any]) -> Condition:
    """A validated condition from its YAML form."""
    return CONDITION.validate_python(dict(data))


def world(segments: Mapping[str, Mapping[str, Any] | None] | None = None) -> SegmentWorld:
    """Segments by key (a condition, or None for a manual segment) with the test types."""
    built = {
        key: Segment.model_validate({"name": key, "key": key, "conditions": c} if c is not None
                                    else {"name": key, "key": key, "manual": True})
        for key, c in (segments or {}).items()
    }
    return SegmentWorld(built, ATTRIBUTE_TYPES, PROPERTY_TYPES)


def person(attributes: Mapping[str, JsonValue] | None = None,
           events: list[tuple[str, datetime] | tuple[str, datetime, Mapping[str, JsonValue]]
                        | TimedEvent] | None = None,
           added_at: datetime = T0, manual: list[ManualMembership] | None = None
           ) -> PersonHistory:
    """A person added at ``added_at`` with ``attributes`` set then and the given events."""
    timed: list[TimedEvent] = []
    for e in events or []:
        if isinstance(e, TimedEvent):
            timed.append(e)
        else:
            timed.append(TimedEvent(e[0], e[2] if len(e) == 3 else {}, e[1]))  # type: ignore[misc]
    changes = tuple(AttributeChange(added_at, k, v) for k, v in (attributes or {}).items())
    return PersonHistory("p", added_at, changes, tuple(timed), tuple(manual or ()))
