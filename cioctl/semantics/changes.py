"""When a condition's truth changes with no new input: windows expiring, the profile-age rule
starting to apply (docs/semantics.md section 3.4), and — for a history that already holds later
data — later arrivals, attribute changes and manual entries.

Every input is a step that turns on at a closed left end (an event counts on
``[max(t, arrival), t + W)``, a change applies from its instant, the profile-age FALSE holds
from ``data_start + W``), so a truth is constant between consecutive such instants. Each event
leaf's own change instants are found by a sweep over its events alone; the whole condition can
only change at those, at attribute changes or at manual entries, and is evaluated only there.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cioctl.model.base import duration_seconds
from cioctl.model.conditions import (
    AllOf,
    AnyOf,
    AttributeCondition,
    Condition,
    EventCondition,
    Not,
)
from cioctl.semantics.evaluate import SegmentWorld, count_truth, passes
from cioctl.semantics.people import PersonHistory, Truth

_EARLIEST = datetime.min.replace(tzinfo=UTC)


def next_change(target: Condition | str, person: PersonHistory, after: datetime,
                world: SegmentWorld, value: Callable[[datetime], object]) -> datetime | None:
    """The first candidate instant > ``after`` at which ``value`` differs from ``value(after)``."""
    before = value(after)
    for instant in candidates(target, person, after, world):
        if value(instant) != before:
            return instant
    return None


@dataclass
class _Footprint:
    """What a condition reads, through segment references."""

    attributes: bool = False
    event_leaves: list[EventCondition] = field(default_factory=list)
    manual: set[str] = field(default_factory=set)
    segments: set[str] = field(default_factory=set)

    def add(self, condition: Condition, world: SegmentWorld) -> None:
        if isinstance(condition, AllOf | AnyOf):
            for child in condition.all if isinstance(condition, AllOf) else condition.any:
                self.add(child, world)
        elif isinstance(condition, Not):
            self.add(condition.not_, world)
        elif isinstance(condition, AttributeCondition):
            self.attributes = True
        elif isinstance(condition, EventCondition):
            self.event_leaves.append(condition)
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


def candidates(target: Condition | str, person: PersonHistory, after: datetime,
               world: SegmentWorld) -> list[datetime]:
    """Every instant > ``after`` at which the truth of ``target`` can change, in order."""
    reads = _Footprint()
    if isinstance(target, str):
        reads.add_segment(target, world)
    else:
        reads.add(target, world)
    # Attribute leaves may name nested paths (a.b): any change can matter, and they are few.
    found = {c.at for c in person.changes} if reads.attributes else set()
    found |= {m.at for m in person.manual if m.segment in reads.manual}
    steps = data_start_steps(person)
    for leaf in reads.event_leaves:
        found |= leaf_changes(leaf, person, after, world, steps)
    return sorted(t for t in found if t > after)


def data_start_steps(person: PersonHistory) -> list[tuple[datetime, datetime]]:
    """``(from, data_start)``: the profile-age origin from each instant on; it moves earlier
    only when an event with an earlier timestamp arrives."""
    steps = [(_EARLIEST, person.added_at)]
    for event in person.events:  # in arrival order
        if event.timestamp < steps[-1][1]:
            steps.append((event.arrived, event.timestamp))
    return steps


def leaf_changes(leaf: EventCondition, person: PersonHistory, after: datetime,
                 world: SegmentWorld, steps: list[tuple[datetime, datetime]]) -> set[datetime]:
    """The instants > ``after`` at which one event leaf's truth changes."""
    window = None if leaf.within is None else timedelta(seconds=duration_seconds(leaf.within))
    intervals = []
    for event in person.events:
        if event.name == leaf.event and passes(leaf, event, world):
            start = max(event.timestamp, event.arrived)
            end = None if window is None else event.timestamp + window
            if end is None or start < end:
                intervals.append((start, end))
    points = {s for s, _ in intervals} | {e for _, e in intervals if e is not None}
    if window is not None:
        points |= {frm for frm, _ in steps[1:]} | {start + window for _, start in steps}
    froms = [frm for frm, _ in steps]

    def truth_at(at: datetime) -> Truth:
        count = sum(1 for s, e in intervals if s <= at and (e is None or at < e))
        data_start = steps[bisect.bisect_right(froms, at) - 1][1]
        covered = window is None or data_start <= at - window
        return count_truth(leaf.count_rule, count, covered)

    changes: set[datetime] = set()
    previous = truth_at(after)
    for point in sorted(p for p in points if p > after):
        current = truth_at(point)
        if current is not previous:
            changes.add(point)
        previous = current
    return changes
