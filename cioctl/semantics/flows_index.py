"""Which segments an input can change, and when time alone can change one — for speed only.

Membership itself is always :func:`cioctl.semantics.segments.member_in`'s answer; this module
only decides *which* segments to ask about and *when*, so a run over 1,000 segments does not
re-evaluate all of them on every input:

- a segment reads a set of attributes, events and manual segments (through references); an
  input can only change segments that read what it changed (or every windowed segment when a
  backdated event moves the profile-age origin);
- time alone changes only segments with a ``within`` window, and only at an event's timestamp
  plus a window or the profile-age origin plus a window (docs/semantics.md section 3.4);
- a person who has none of a segment's data gets the answer of an empty person with the same
  profile age, which is computed once per (segment, age) and shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cioctl.model.base import duration_seconds
from cioctl.model.conditions import AllOf, AnyOf, AttributeCondition, Condition, EventCondition, Not
from cioctl.semantics.evaluate import SegmentWorld, Snapshot, member_in
from cioctl.semantics.people import PersonHistory


@dataclass
class Reads:
    """What one segment reads, through its references."""

    attributes: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    manual: set[str] = field(default_factory=set)
    windows: set[int] = field(default_factory=set)


def _collect(condition: Condition, world: SegmentWorld, reads: Reads, seen: set[str]) -> None:
    if isinstance(condition, AllOf | AnyOf):
        for child in condition.all if isinstance(condition, AllOf) else condition.any:
            _collect(child, world, reads, seen)
    elif isinstance(condition, Not):
        _collect(condition.not_, world, reads, seen)
    elif isinstance(condition, AttributeCondition):
        reads.attributes.add(condition.attribute)
    elif isinstance(condition, EventCondition):
        reads.events.add(condition.event)
        if condition.within is not None:
            reads.windows.add(duration_seconds(condition.within))
    else:
        _segment(condition.segment, world, reads, seen)


def _segment(key: str, world: SegmentWorld, reads: Reads, seen: set[str]) -> None:
    if key in seen:
        return
    seen.add(key)
    segment = world.segments[key]
    if segment.conditions is None:
        reads.manual.add(key)
    else:
        _collect(segment.conditions, world, reads, seen)


class SegmentIndex:
    """The reads of every segment, inverted, and the shared empty-person answers."""

    def __init__(self, world: SegmentWorld) -> None:
        self.world = world
        self.keys = tuple(sorted(world.segments))
        self.reads: dict[str, Reads] = {}
        self.names: dict[str, frozenset[str]] = {}
        self.by_name: dict[str, set[str]] = {}
        for key in self.keys:
            reads = Reads()
            _segment(key, world, reads, set())
            self.reads[key] = reads
            names = ({f"a:{n}" for n in reads.attributes} | {f"e:{n}" for n in reads.events}
                     | {f"m:{n}" for n in reads.manual})
            self.names[key] = frozenset(names)
            for name in names:
                self.by_name.setdefault(name, set()).add(key)
        self.windowed = tuple(k for k in self.keys if self.reads[k].windows)
        self.windows = sorted({w for r in self.reads.values() for w in r.windows})
        self.window_events = {e for k in self.windowed for e in self.reads[k].events}
        # Which segments can flip at "an event's timestamp + W" and at "data start + W".
        self.by_event_window: dict[tuple[str, int], set[str]] = {}
        self.by_window: dict[int, set[str]] = {}
        for key in self.windowed:
            for window in self.reads[key].windows:
                self.by_window.setdefault(window, set()).add(key)
                for event in self.reads[key].events:
                    self.by_event_window.setdefault((event, window), set()).add(key)
        self.event_windows = {e: sorted(w for (n, w) in self.by_event_window if n == e)
                              for e in self.window_events}
        self._empty: dict[tuple[str, timedelta], bool] = {}

    def affected(self, names: Iterable[str]) -> set[str]:
        """Segments that read any of ``names`` (``a:plan``, ``e:signed_up``, ``m:beta``)."""
        found: set[str] = set()
        for name in names:
            found |= self.by_name.get(name, set())
        return found

    def members(self, person: PersonHistory, at: datetime, keys: Iterable[str]) -> set[str]:
        """The segments among ``keys`` that ``person`` is a member of at ``at``."""
        snap = Snapshot(person, at, self.world)
        has = ({f"a:{c.name}" for c in person.changes} | {f"e:{e.name}" for e in person.events}
               | {f"m:{m.segment}" for m in person.manual})
        start = person.data_starts(at)
        found: set[str] = set()
        for key in keys:
            if has & self.names[key]:
                member = member_in(key, snap)
            else:
                member = self._empty_member(key, start, at)
            if member:
                found.add(key)
        return found

    def _empty_member(self, key: str, start: datetime, at: datetime) -> bool:
        age = at - start
        cached = self._empty.get((key, age))
        if cached is None:
            empty = PersonHistory(id="", added_at=start)
            cached = self._empty[(key, age)] = member_in(key, Snapshot(empty, at, self.world))
        return cached

    def next_time(self, person: PersonHistory,
                  after: datetime) -> tuple[datetime, frozenset[str]] | None:
        """The earliest instant after ``after`` at which a windowed segment can change, and
        the segments that can change then."""
        if not self.windows:
            return None
        found: dict[datetime, set[str]] = {}
        start = person.data_starts(after)
        for window in self.windows:
            instant = start + timedelta(seconds=window)
            if instant > after:
                found.setdefault(instant, set()).update(self.by_window[window])
        for event in person.events:
            for window in self.event_windows.get(event.name, ()):
                instant = event.timestamp + timedelta(seconds=window)
                if instant > after:
                    found.setdefault(instant, set()).update(
                        self.by_event_window[(event.name, window)])
        if not found:
            return None
        first = min(found)
        return first, frozenset(found[first])
