"""Flows on a virtual clock: who enters which flow, when, and what each journey does.

:func:`simulate` is a pure function of the workspace model, the people's starting data and a
list of timed inputs. One agenda (a heap) holds every future instant at which something can
happen: an input arriving, a wait ending, a ``wait_until`` running out, a date trigger firing,
and the instants at which segment membership changes with no new data (a ``within`` window
expiring — asked of :func:`cioctl.semantics.segments.next_time_change`). Same-instant order
is docs/semantics.md section 1: inputs in file order, then membership changes, date triggers
and journey work ordered by (flow key, person, journey number). Segment membership itself
comes from :mod:`cioctl.semantics.segments`; this module never decides it.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cioctl.model.flows import DateTrigger, EventTrigger, Flow, SegmentTrigger
from cioctl.model.workspace import Workspace
from cioctl.semantics.flows_dates import after, next_fire
from cioctl.semantics.flows_index import SegmentIndex
from cioctl.semantics.flows_journey import Journey, JourneyRunner, SimulationError
from cioctl.semantics.flows_program import compile_flow
from cioctl.semantics.flows_trace import TraceEntry, iso
from cioctl.semantics.people import (
    AttributeChange,
    JsonValue,
    ManualMembership,
    PersonHistory,
    TimedEvent,
)
from cioctl.semantics.segments import SegmentWorld, next_time_change

LATE_CUTOFF = timedelta(hours=72)
"""A backdated event triggers event-triggered flows only within 72 h (docs/semantics.md §4)."""
MAX_SPAN = timedelta(days=400)
"""The longest a scenario runs: ``until`` defaults to 'until nothing is scheduled', capped."""

INPUT, MEMBERSHIP, DATE, JOURNEY = range(4)
PROFILE_AGE = "profile-age"
"""A changed name meaning: a backdated event moved the profile-age origin (every windowed
segment may change)."""


@dataclass(frozen=True)
class Input:
    """One timeline entry, applied at ``at`` (an event's arrival)."""

    at: datetime
    person: str
    event: TimedEvent | None = None
    attributes: Mapping[str, JsonValue] | None = None
    manual: ManualMembership | None = None


@dataclass(frozen=True)
class Outcome:
    """Everything a run produced."""

    trace: tuple[TraceEntry, ...]
    people: Mapping[str, PersonHistory]
    arms_reached: frozenset[tuple[str, str]]   # (flow key, arm)
    end: datetime


@dataclass
class _State:
    """The mutable state of one run (never shared between runs)."""

    people: dict[str, PersonHistory] = field(default_factory=dict)
    members: dict[str, frozenset[str]] = field(default_factory=dict)
    agenda: list[tuple[object, ...]] = field(default_factory=list)
    recheck_at: dict[str, datetime] = field(default_factory=dict)
    recheck_keys: dict[str, frozenset[str]] = field(default_factory=dict)
    date_at: dict[tuple[str, str], datetime] = field(default_factory=dict)
    seq: int = 0


class Simulation(JourneyRunner):
    """One run; use :func:`simulate`."""

    def __init__(self, workspace: Workspace, world: SegmentWorld, *, explain: bool) -> None:
        running = [f for f in workspace.flows if f.state == "running"]
        super().__init__(workspace, world, {f.key: compile_flow(f) for f in running},
                         explain=explain)
        self.state = _State()
        self.index = SegmentIndex(world)
        self.event_flows: dict[str, list[Flow]] = {}
        self.segment_flows: dict[str, list[Flow]] = {}
        self.date_flows: list[Flow] = []
        for flow in sorted(running, key=lambda f: f.key):
            trigger = flow.trigger
            if isinstance(trigger, EventTrigger):
                self.event_flows.setdefault(trigger.event, []).append(flow)
            elif isinstance(trigger, SegmentTrigger):
                self.segment_flows.setdefault(trigger.segment, []).append(flow)
            elif isinstance(trigger, DateTrigger):
                self.date_flows.append(flow)
        self.goal_flows = {f.goal.event for f in running if f.goal is not None}
        self.limit: datetime | None = None

    # --- the agenda -------------------------------------------------------------------------

    def push(self, at: datetime, phase: int, order: tuple[object, ...], item: object) -> None:
        if self.limit is not None and at > self.limit:
            return
        self.state.seq += 1
        heapq.heappush(self.state.agenda, (at, phase, order, self.state.seq, item))

    def run(self, start: datetime, until: datetime | None, people: Sequence[PersonHistory],
            inputs: Sequence[Input]) -> Outcome:
        self.limit = until if until is not None else start + MAX_SPAN
        now = start
        for person in people:
            self.state.people[person.id] = person
            self.state.members[person.id] = frozenset()
        for number, entry in enumerate(inputs):
            self.push(entry.at, INPUT, (number,), entry)
        for person in people:  # members at start join at start (semantics §5.1)
            self.settle(person.id, start, "data")
            self.schedule_dates(person.id, start)
        while self.state.agenda:
            at, _phase, _order, _seq, item = heapq.heappop(self.state.agenda)
            assert isinstance(at, datetime)
            now = at
            self.dispatch(at, item)
        return Outcome(tuple(self.trace), dict(self.state.people), frozenset(self.reached),
                       until if until is not None else now)

    def dispatch(self, at: datetime, item: object) -> None:
        if isinstance(item, Input):
            self.apply_input(at, item)
        elif isinstance(item, tuple) and isinstance(item[0], Journey):
            self.resume(item, at)
        elif isinstance(item, tuple) and item[0] == "recheck":
            if self.state.recheck_at.get(str(item[1])) == at:
                del self.state.recheck_at[str(item[1])]
                self.settle(str(item[1]), at, "time")
        elif isinstance(item, tuple) and item[0] == "date":
            self.fire_date(str(item[1]), str(item[2]), at)

    # --- people -----------------------------------------------------------------------------

    def history(self, person: str) -> PersonHistory:
        return self.state.people[person]

    def set_history(self, person: PersonHistory) -> None:
        self.state.people[person.id] = person

    def apply_input(self, at: datetime, item: Input) -> None:
        new = item.person not in self.state.people
        if new:  # a person not listed exists from their first timeline entry (semantics §1)
            self.state.people[item.person] = PersonHistory(id=item.person, added_at=at)
            self.state.members[item.person] = frozenset()
        person = self.history(item.person)
        changed: set[str] = set()
        if item.event is not None:
            changed.add(f"e:{item.event.name}")
            if item.event.timestamp < person.data_starts(at):
                changed.add(PROFILE_AGE)
            self.apply_event(person, item.event, at)
        elif item.attributes is not None:
            changed |= {f"a:{name}" for name in item.attributes}
            for name, value in item.attributes.items():
                person = person.with_change(AttributeChange(at=at, name=name, value=value))
            self.set_history(person)
            self.note(at, item.person, "identify",
                      detail=tuple((k, _show(v)) for k, v in item.attributes.items()))
        elif item.manual is not None:
            changed.add(f"m:{item.manual.segment}")
            self.set_history(person.with_manual(item.manual))
            self.note(at, item.person, "manual_segment",
                      detail=(("segment", item.manual.segment),
                              ("member", str(item.manual.member).lower())))
        self.settle(item.person, at, "data", None if new else frozenset(changed))
        if item.attributes is not None:
            self.schedule_dates(item.person, at)

    def apply_event(self, person: PersonHistory, event: TimedEvent, at: datetime) -> None:
        self.set_history(person.with_event(event))
        detail: tuple[tuple[str, str], ...] = (("name", event.name),)
        if event.timestamp != at:
            detail += (("timestamp", iso(event.timestamp)),
                       ("late", _duration(at - event.timestamp)))
        self.note(at, person.id, "event", detail=detail)
        if event.name in self.goal_flows:
            self.goal_reached(person.id, event, at)
        for flow in self.event_flows.get(event.name, ()):
            if at - event.timestamp > LATE_CUTOFF:
                self.note(at, person.id, "not_entered", flow.key, detail=(
                    ("reason", "event older than 72h when it arrived"),))
            elif self.trigger_matches(flow, person.id, event, at):
                self.try_enter(flow, person.id, at, dict(event.data))

    def settle(self, person_id: str, at: datetime, cause: str,
               changed: frozenset[str] | None = None) -> None:
        """Membership after new data (``changed``: what changed, None for everything) or time
        passing: entered/left, segment triggers, ``wait_until`` re-checks, and the next
        instant time alone can change anything."""
        self.cascade(person_id, at)
        person = self.history(person_id)
        keys: Collection[str]
        if cause == "time":
            keys = self.state.recheck_keys.pop(person_id, frozenset())
        elif changed is None:
            keys = self.index.keys
        else:
            keys = self.index.affected(changed)
            if PROFILE_AGE in changed:
                keys |= set(self.index.windowed)
        before = self.state.members.get(person_id, frozenset())
        now = frozenset((before - set(keys)) | self.index.members(person, at, keys))
        self.state.members[person_id] = now
        for key in sorted(now - before):
            self.note(at, person_id, "segment_entered", detail=(("segment", key),))
        for key in sorted(before - now):
            reason = "a window expired" if cause == "time" else "data changed"
            self.note(at, person_id, "segment_left", detail=(("segment", key), ("why", reason)))
        for key in sorted(now - before):
            for flow in self.segment_flows.get(key, ()):
                self.try_enter(flow, person_id, at, None)
        self.recheck_waits(person_id, at)
        self.schedule_recheck(person_id, at)

    def schedule_recheck(self, person_id: str, at: datetime) -> None:
        person = self.history(person_id)
        segments = self.index.next_time(person, at)
        times = [next_time_change(c, person, at, self.world) for c in self.wait_conditions(
            person_id)]
        times.append(segments[0] if segments else None)
        upcoming = min((t for t in times if t is not None), default=None)
        if upcoming is None:
            return
        keys = segments[1] if segments and segments[0] == upcoming else frozenset()
        pending = self.state.recheck_at.get(person_id)
        if pending is not None and at < pending <= upcoming:
            if pending == upcoming:
                self.state.recheck_keys[person_id] = self.state.recheck_keys.get(
                    person_id, frozenset()) | keys
            return
        self.state.recheck_at[person_id] = upcoming
        self.state.recheck_keys[person_id] = keys
        self.push(upcoming, MEMBERSHIP, (person_id,), ("recheck", person_id))

    # --- date triggers ----------------------------------------------------------------------

    def schedule_dates(self, person_id: str, at: datetime, *, fired: bool = False) -> None:
        attributes = self.history(person_id).attributes_at(at)
        for flow in self.date_flows:
            assert isinstance(flow.trigger, DateTrigger)
            fire = next_fire(flow.trigger, attributes, after(at) if fired else at)
            key = (flow.key, person_id)
            if fire is None:
                self.state.date_at.pop(key, None)
            elif self.state.date_at.get(key) != fire:
                self.state.date_at[key] = fire
                self.push(fire, DATE, (flow.key, person_id), ("date", flow.key, person_id))

    def fire_date(self, flow_key: str, person_id: str, at: datetime) -> None:
        if self.state.date_at.get((flow_key, person_id)) != at:
            return  # rescheduled since: the attribute changed
        del self.state.date_at[(flow_key, person_id)]
        flow = self.programs[flow_key].flow
        self.try_enter(flow, person_id, at, None)
        assert isinstance(flow.trigger, DateTrigger)
        if flow.trigger.repeat != "once":
            attributes = self.history(person_id).attributes_at(at)
            fire = next_fire(flow.trigger, attributes, after(at))
            if fire is not None:
                self.state.date_at[(flow_key, person_id)] = fire
                self.push(fire, DATE, (flow_key, person_id), ("date", flow_key, person_id))


def _show(value: object) -> str:
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(
        value)


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def simulate(workspace: Workspace, start: datetime, until: datetime | None,
             people: Sequence[PersonHistory], inputs: Sequence[Input], *,
             world: SegmentWorld | None = None, explain: bool = False) -> Outcome:
    """Run ``people`` and ``inputs`` through the workspace's segments and flows."""
    world = world if world is not None else SegmentWorld.from_model(workspace)
    try:
        return Simulation(workspace, world, explain=explain).run(start, until, people, inputs)
    except RecursionError:  # cascades nest calls; a deep one is the same loop as MAX_CASCADE
        raise SimulationError(
            "flows update attributes that start each other in a loop (too many cascaded "
            "changes at one instant)",
            hint="break the loop: a flow's update_attribute should not re-trigger it") from None
