"""Segment membership of a person at an instant, exactly as docs/semantics.md sections 2-4 state
it: Kleene logic, counts built from ``at_least``, windows ``T - W < t ≤ T`` on the event
timestamp over events arrived by T, the profile-age rule, references collapsed to TRUE/FALSE.

Pure functions over the validated model: no I/O, no API, no clock but the one passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
from cioctl.model.types import ValueType
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
        """The events a leaf counts: its name, inside its window, every ``where`` TRUE."""
        start = self.window_start(leaf)
        return [e for e in self.known_events if e.name == leaf.event
                and (start is None or e.timestamp > start)
                and all(self.filter_truth(leaf.event, f, e) is Truth.TRUE for f in leaf.where)]

    def filter_truth(self, event: str, where: PropertyFilter, occurrence: TimedEvent) -> Truth:
        """One ``where`` filter on one event's properties (section 3.2)."""
        stored = property_value(occurrence.data, where.property)
        value_type = self.world.property_type(event, where.property, where.value)
        return compare(stored, where.operator, where.value, value_type)


def property_value(data: Mapping[str, JsonValue], name: str) -> JsonValue:
    """A property by name; a dotted name reaches into nested objects when no property has the
    whole name (**[assumed]**, like Liquid's ``event.a.b``)."""
    if name in data:
        return data[name]
    value: JsonValue = dict(data)
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


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
    return compare(snap.attributes.get(leaf.attribute), leaf.operator, leaf.value, value_type)


def at_least(leaf: EventCondition, n: int, snap: Snapshot) -> Truth:
    """``at_least n within W`` with the profile-age rule (section 3.2): TRUE when the count
    reaches n; FALSE when it does not and the person's data starts at or before ``T - W``;
    otherwise UNKNOWN. Without a window a short count is simply FALSE."""
    if n == 0 or len(snap.counted(leaf)) >= n:
        return Truth.TRUE
    start = snap.window_start(leaf)
    if start is None or snap.data_start <= start:
        return Truth.FALSE
    return Truth.UNKNOWN


def event_truth(leaf: EventCondition, snap: Snapshot) -> Truth:
    """Counts from ``at_least`` alone: ``at_most n`` ≡ ``not at_least n+1``; ``exactly n`` ≡
    ``at_least n and not at_least n+1`` (section 3.2)."""
    rule, n = leaf.count_rule
    if rule == "at_least":
        return at_least(leaf, n, snap)
    above = at_least(leaf, n + 1, snap).negate()
    if rule == "at_most":
        return above
    return kleene_all((at_least(leaf, n, snap), above))


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


# --- the public interface -----------------------------------------------------------------

def condition_truth(condition: Condition, person: PersonHistory, at: datetime,
                    world: SegmentWorld) -> Truth:
    """The Kleene truth of ``condition`` for ``person`` at ``at``."""
    return truth_in(condition, Snapshot(person, at, world))


def is_member(segment_key: str, person: PersonHistory, at: datetime,
              world: SegmentWorld) -> bool:
    """Whether ``person`` is in segment ``segment_key`` at ``at``."""
    return member_in(segment_key, Snapshot(person, at, world))


def next_time_change(condition_or_segment_key: Condition | str, person: PersonHistory,
                     after: datetime, world: SegmentWorld) -> datetime | None:
    """The earliest instant > ``after`` at which the truth (or membership) differs from its
    value at ``after``, with the person's history as given; None if it never does.

    Every input is a left-closed step in time (an event counts on ``[t, t + W)``, is known from
    its arrival, a change applies from its instant, the profile-age FALSE holds from
    ``data_start + W``), so the truth is constant between consecutive candidate instants and
    changes, if at all, exactly at one. Candidates are every such instant the condition can
    read (through segment references too); the first whose value differs is the answer. With
    a history that holds nothing after ``after`` the answer is a window expiring or the
    profile-age rule starting to apply (section 3.4)."""
    value = _value_function(condition_or_segment_key, person, world)
    before = value(after)
    for instant in _candidates(condition_or_segment_key, person, after, world):
        if value(instant) != before:
            return instant
    return None


def _value_function(target: Condition | str, person: PersonHistory,
                    world: SegmentWorld) -> Callable[[datetime], object]:
    if isinstance(target, str):
        return lambda at: is_member(target, person, at, world)
    return lambda at: condition_truth(target, person, at, world)


@dataclass
class _Footprint:
    """What a condition reads, through segment references."""

    attributes: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    windows: set[int] = field(default_factory=set)
    manual: set[str] = field(default_factory=set)
    segments: set[str] = field(default_factory=set)

    def add(self, condition: Condition, world: SegmentWorld) -> None:
        if isinstance(condition, AllOf | AnyOf):
            for child in condition.all if isinstance(condition, AllOf) else condition.any:
                self.add(child, world)
        elif isinstance(condition, Not):
            self.add(condition.not_, world)
        elif isinstance(condition, AttributeCondition):
            self.attributes.add(condition.attribute)
        elif isinstance(condition, EventCondition):
            self.events.add(condition.event)
            if condition.within is not None:
                self.windows.add(duration_seconds(condition.within))
        else:
            self.add_segment(condition.segment, world)

    def add_segment(self, key: str, world: SegmentWorld) -> None:
        if key in self.segments:
            return
        self.segments.add(key)
        segment = world.segment(key)
        if segment.manual or segment.conditions is None:
            self.manual.add(key)
        else:
            self.add(segment.conditions, world)


def _candidates(target: Condition | str, person: PersonHistory, after: datetime,
                world: SegmentWorld) -> list[datetime]:
    reads = _Footprint()
    if isinstance(target, str):
        reads.add_segment(target, world)
    else:
        reads.add(target, world)
    windows = [timedelta(seconds=w) for w in sorted(reads.windows)]
    found = {c.at for c in person.changes if c.name in reads.attributes}
    found |= {m.at for m in person.manual if m.segment in reads.manual}
    for event in person.events:
        if event.name in reads.events:
            found |= {event.arrived, event.timestamp}
        if windows:  # any event moves the profile-age origin, and so data_start + W
            found.add(event.arrived)
            found |= {event.timestamp + w for w in windows}
    found |= {person.added_at + w for w in windows}
    return sorted(t for t in found if t > after)


def explain(condition: Condition, person: PersonHistory, at: datetime,
            world: SegmentWorld) -> list[str]:
    """One line per leaf with the values that decided it (``plan eq 'pro' — plan is 'pro' →
    TRUE``), indented under its groups; the last line is the whole condition's truth."""
    # Imported here: explain.py builds on this module's evaluation functions.
    from cioctl.semantics.explain import explain_lines

    return explain_lines(condition, person, at, world)
