"""The evaluation core behind segments.py: one person at one instant (a ``Snapshot``), the
Kleene connectives and every leaf, as docs/semantics.md sections 2-4 state them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from cioctl.errors import CioctlError
from cioctl.model.base import duration_seconds
from cioctl.model.conditions import (
    AllOf,
    AnyOf,
    AttributeCondition,
    Condition,
    EventCondition,
    Not,
    PropertyFilter,
    SegmentCondition,
)
from cioctl.model.segments import Segment
from cioctl.model.types import Operator, ValueType
from cioctl.model.workspace import Workspace
from cioctl.semantics.people import JsonValue, PersonHistory, TimedEvent, Truth
from cioctl.semantics.values import compare, infer_type


class SemanticsError(CioctlError):
    """A condition the engine cannot evaluate (an unknown or cyclic segment reference): the
    validated model never has one, so meeting it means the caller skipped validation."""


@dataclass(frozen=True)
class SegmentWorld:
    """What membership needs from the workspace: the segments and the declared types."""

    segments: Mapping[str, Segment]
    attribute_types: Mapping[str, str]
    """Declared attribute name → type (``cioctl.model.types.ValueType`` values)."""
    property_types: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Declared event name → property name → type (extension: ``where`` filters compare by the
    declared property type, like attributes)."""

    @classmethod
    def from_model(cls, model: Workspace) -> SegmentWorld:
        """The world of a validated workspace."""
        return cls(
            segments={s.key: s for s in model.segments},
            attribute_types={a.name: a.type.value for a in model.attributes},
            property_types={e.name: {p: spec.type.value for p, spec in e.properties.items()}
                            for e in model.events},
        )

    def attribute_type(self, name: str, value: JsonValue) -> ValueType:
        """The declared type of an attribute, else the one its condition's value implies."""
        return _declared(self.attribute_types.get(name), value)

    def property_type(self, event: str, name: str, value: JsonValue) -> ValueType:
        """The declared type of an event property, else the one the filter's value implies."""
        return _declared(self.property_types.get(event, {}).get(name), value)

    def segment(self, key: str) -> Segment:
        """The segment ``key``, or a SemanticsError naming it."""
        found = self.segments.get(key)
        if found is None:
            raise SemanticsError(f"unknown segment '{key}'",
                                 hint="validate the workspace first (cioctl validate)")
        return found


def _declared(declared: str | None, value: JsonValue) -> ValueType:
    try:
        return ValueType(declared) if declared is not None else infer_type(value)
    except ValueError:  # a type name the model does not know: read it like an undeclared one
        return infer_type(value)


# --- Kleene connectives -------------------------------------------------------------------

def kleene_all(values: Iterable[Truth]) -> Truth:
    """Kleene AND: FALSE wins, then UNKNOWN (lazy: stops at the first FALSE)."""
    result = Truth.TRUE
    for value in values:
        if value is Truth.FALSE:
            return Truth.FALSE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def kleene_any(values: Iterable[Truth]) -> Truth:
    """Kleene OR: TRUE wins, then UNKNOWN (lazy: stops at the first TRUE)."""
    result = Truth.FALSE
    for value in values:
        if value is Truth.TRUE:
            return Truth.TRUE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


# --- one evaluation instant ---------------------------------------------------------------

@dataclass
class Snapshot:
    """One person at one instant, with what every leaf reads computed once."""

    person: PersonHistory
    at: datetime
    world: SegmentWorld
    visiting: list[str] = field(default_factory=list)
    """The segment references being evaluated, innermost last (a cycle guard)."""
    _counted: dict[int, list[TimedEvent]] = field(default_factory=dict)

    @cached_property
    def attributes(self) -> dict[str, JsonValue]:
        """The attributes in effect at ``at``."""
        return self.person.attributes_at(self.at)

    @cached_property
    def known_events(self) -> tuple[TimedEvent, ...]:
        """Events received by ``at`` whose own time is not after ``at`` (section 4)."""
        return tuple(e for e in self.person.events_known_at(self.at) if e.timestamp <= self.at)

    @cached_property
    def data_start(self) -> datetime:
        """The profile-age origin as known at ``at``."""
        return self.person.data_starts(self.at)

    def window_start(self, leaf: EventCondition) -> datetime | None:
        """``T - W`` for a windowed leaf (events count iff ``T - W < t ≤ T``), else None."""
        if leaf.within is None:
            return None
        return self.at - timedelta(seconds=duration_seconds(leaf.within))

    def counted(self, leaf: EventCondition) -> list[TimedEvent]:
        """The events a leaf counts: its name, inside its window, every ``where`` TRUE (kept
        per leaf: ``exactly`` reads the count twice)."""
        found = self._counted.get(id(leaf))
        if found is None:
            start = self.window_start(leaf)
            found = [e for e in self.known_events if e.name == leaf.event
                     and (start is None or e.timestamp > start)
                     and passes(leaf, e, self.world)]
            self._counted[id(leaf)] = found
        return found


def passes(leaf: EventCondition, occurrence: TimedEvent, world: SegmentWorld) -> bool:
    """Whether an event passes every ``where`` filter of a leaf: each compares one property
    with section 2's rule and only TRUE counts (section 3.2)."""
    return all(filter_truth(leaf.event, f, occurrence, world) is Truth.TRUE for f in leaf.where)


def filter_truth(event: str, where: PropertyFilter, occurrence: TimedEvent,
                 world: SegmentWorld) -> Truth:
    """One ``where`` filter on one event's properties."""
    value_type = world.property_type(event, where.property, where.value)
    return compare_at(occurrence.data, where.property, where.operator, where.value, value_type)


def path_values(data: Mapping[str, JsonValue], name: str) -> list[JsonValue]:
    """The values a name points to in nested JSON: the key itself when present, else JSON dot
    notation — ``a.b`` into objects, ``a[0]`` one item, ``a[]`` every item [doc, 25]. Empty when
    nothing is there."""
    if name in data:
        return [data[name]]
    values: list[JsonValue] = [dict(data)]
    for part in _PATH_PART.findall(name):
        values = [v for value in values for v in _step(value, part)]
    return values


_PATH_PART = re.compile(r"[^.\[\]]+|\[\d*\]")


def _step(value: JsonValue, part: str) -> list[JsonValue]:
    if part == "[]":
        return list(value) if isinstance(value, list) else []
    if part.startswith("["):
        index = int(part[1:-1])
        return [value[index]] if isinstance(value, list) and index < len(value) else []
    return [value[part]] if isinstance(value, dict) and part in value else []


def compare_at(data: Mapping[str, JsonValue], name: str, operator: Operator,
               expected: JsonValue, value_type: ValueType) -> Truth:
    """A leaf on a possibly nested name: Kleene OR over the values it points to (``a[]``
    matches when any item does), absent when it points to nothing."""
    found = path_values(data, name)
    if not found:
        return compare(None, operator, expected, value_type)
    return kleene_any(compare(v, operator, expected, value_type) for v in found)


def truth_in(condition: Condition, snap: Snapshot) -> Truth:
    """A condition's Kleene truth in a snapshot."""
    if isinstance(condition, AllOf):
        return kleene_all(truth_in(c, snap) for c in condition.all)
    if isinstance(condition, AnyOf):
        return kleene_any(truth_in(c, snap) for c in condition.any)
    if isinstance(condition, Not):
        return truth_in(condition.not_, snap).negate()
    if isinstance(condition, AttributeCondition):
        return attribute_truth(condition, snap)
    if isinstance(condition, SegmentCondition):
        return Truth.of(member_in(condition.segment, snap))
    return event_truth(condition, snap)


def attribute_truth(leaf: AttributeCondition, snap: Snapshot) -> Truth:
    """Section 2's table for one attribute leaf."""
    value_type = snap.world.attribute_type(leaf.attribute, leaf.value)
    return compare_at(snap.attributes, leaf.attribute, leaf.operator, leaf.value, value_type)


def event_truth(leaf: EventCondition, snap: Snapshot) -> Truth:
    """One event leaf in a snapshot."""
    start = snap.window_start(leaf)
    covered = start is None or snap.data_start <= start
    return count_truth(leaf.count_rule, len(snap.counted(leaf)), covered)


def count_truth(rule: tuple[str, int], count: int, covered: bool) -> Truth:
    """An event leaf from its count and whether the person's data covers its window.

    ``at_least n`` (section 3.2, the profile-age rule): TRUE when the count reaches n; FALSE
    when it does not and the data starts at or before ``T - W`` (``covered``, always so without
    a window); otherwise UNKNOWN. ``at_most n`` ≡ ``not at_least n+1``; ``exactly n`` ≡
    ``at_least n and not at_least n+1``."""
    name, n = rule

    def at_least(k: int) -> Truth:
        if k == 0 or count >= k:
            return Truth.TRUE
        return Truth.FALSE if covered else Truth.UNKNOWN

    if name == "at_least":
        return at_least(n)
    above = at_least(n + 1).negate()
    return above if name == "at_most" else kleene_all((at_least(n), above))


def member_in(key: str, snap: Snapshot) -> bool:
    """Membership of segment ``key`` in a snapshot: manual entries, or the condition TRUE
    (UNKNOWN collapses to not a member, section 2)."""
    segment = snap.world.segment(key)
    if segment.manual or segment.conditions is None:
        return snap.person.manual_member(key, snap.at)
    if key in snap.visiting:
        raise SemanticsError(f"segment '{key}' refers to itself through "
                             f"{' → '.join(snap.visiting)}",
                             hint="validate the workspace first (cioctl validate)")
    snap.visiting.append(key)
    try:
        return truth_in(segment.conditions, snap) is Truth.TRUE
    finally:
        snap.visiting.pop()
