"""What one journey does, step by step (docs/semantics.md sections 5 to 8).

A journey runs from its current node until it has to wait (a ``wait``, a ``wait_until`` not yet
met) or ends (``exit``, the end of the steps, the default exit before a message, a goal). Every
gate — the entry filter, a branch, a ``wait_until``, the exit check — is decided by
:func:`cioctl.semantics.segments.condition_truth` and recorded with its truth value (and with
:func:`~cioctl.semantics.segments.explain`'s lines when asked).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cioctl.errors import CioctlError
from cioctl.model.base import duration_seconds
from cioctl.model.conditions import Condition, EventCondition
from cioctl.model.flows import EventTrigger, Flow, SegmentTrigger
from cioctl.model.steps import (
    BranchStep,
    ExitStep,
    UpdateAttributeStep,
    WaitStep,
    WaitUntilStep,
    message_of,
)
from cioctl.model.workspace import Workspace
from cioctl.semantics.flows_program import Node, Program
from cioctl.semantics.flows_trace import TraceEntry, iso
from cioctl.semantics.people import AttributeChange, PersonHistory, TimedEvent, Truth
from cioctl.semantics.render import RenderFailure, RenderScope, render_message, render_text
from cioctl.semantics.segments import SegmentWorld, condition_truth, explain, is_member

MAX_CASCADE = 100


class SimulationError(CioctlError):
    """A scenario the engine refuses to run on (a loop of flows updating attributes)."""

JOURNEY_PHASE = 3


@dataclass
class Journey:
    """One person's pass through one flow (mutable: the engine moves it along)."""

    id: int
    flow: str
    person: str
    number: int
    node: int | None
    event: dict[str, Any] | None
    token: int = 0
    waiting_until: bool = False
    last_sent: datetime | None = None

    def __lt__(self, other: Journey) -> bool:  # heap ties are broken before reaching this
        return self.id < other.id


class JourneyRunner:
    """Journeys of one simulation; the agenda and people live in the subclass."""

    def __init__(self, workspace: Workspace, world: SegmentWorld, programs: dict[str, Program],
                 *, explain: bool) -> None:
        self.workspace, self.world, self.programs = workspace, world, programs
        self.explaining = explain
        self.trace: list[TraceEntry] = []
        self.reached: set[tuple[str, str]] = set()
        self.journeys: dict[int, Journey] = {}
        self.entries: Counter[tuple[str, str]] = Counter()
        self.numbers: Counter[tuple[str, str]] = Counter()
        self.snippets = {s.name: s.value for s in workspace.snippets}
        self.collections = {c.name: list(c.data or []) for c in workspace.collections}
        self.cascades: Counter[tuple[str, datetime]] = Counter()

    # provided by the simulation
    def history(self, person: str) -> PersonHistory:
        raise NotImplementedError

    def set_history(self, person: PersonHistory) -> None:
        raise NotImplementedError

    def settle(self, person_id: str, at: datetime, cause: str,
               changed: frozenset[str] | None = None) -> None:
        raise NotImplementedError

    def push(self, at: datetime, phase: int, order: tuple[object, ...], item: object) -> None:
        raise NotImplementedError

    def schedule_dates(self, person_id: str, at: datetime, *, fired: bool = False) -> None:
        raise NotImplementedError

    def schedule_recheck(self, person_id: str, at: datetime) -> None:
        raise NotImplementedError

    # --- recording --------------------------------------------------------------------------

    def note(self, at: datetime, person: str, kind: str, flow: str | None = None,
             step: str | None = None, journey: Journey | None = None,
             detail: tuple[tuple[str, str], ...] = (), why: tuple[str, ...] = (),
             rendered: tuple[tuple[str, str], ...] = ()) -> None:
        self.trace.append(TraceEntry(at, person, kind, flow, step,
                                     journey.number if journey else None, detail, why, rendered))

    def gate(self, condition: Condition, person_id: str,
             at: datetime) -> tuple[Truth, tuple[str, ...]]:
        person = self.history(person_id)
        truth = condition_truth(condition, person, at, self.world)
        lines = tuple(explain(condition, person, at, self.world)) if self.explaining else ()
        return truth, lines

    def cascade(self, person_id: str, at: datetime) -> None:
        key = (person_id, at)
        self.cascades[key] += 1
        if self.cascades[key] > MAX_CASCADE:
            raise SimulationError(
                f"more than {MAX_CASCADE} cascaded changes for person '{person_id}' at the "
                "same instant: flows update attributes that start each other in a loop",
                hint="break the loop: a flow's update_attribute should not re-trigger it")

    # --- entering ---------------------------------------------------------------------------

    def trigger_matches(self, flow: Flow, person_id: str, event: TimedEvent,
                        at: datetime) -> bool:
        """The trigger's ``where`` filters on this one event (section 2's logic, by asking
        the segment engine about a person who has only this event)."""
        trigger = flow.trigger
        if not isinstance(trigger, EventTrigger) or not trigger.where:
            return True
        alone = PersonHistory(id=person_id, added_at=event.timestamp, events=(event,))
        probe = EventCondition(event=event.name, where=trigger.where)
        if condition_truth(probe, alone, at, self.world) is Truth.TRUE:
            return True
        self.note(at, person_id, "not_entered", flow.key,
                  detail=(("reason", "the event's properties fail the trigger's where"),))
        return False

    def try_enter(self, flow: Flow, person_id: str, at: datetime,
                  event: dict[str, Any] | None) -> None:
        key = (flow.key, person_id)
        if flow.frequency == "once" and self.entries[key]:
            self.note(at, person_id, "not_entered", flow.key,
                      detail=(("reason", "frequency once: entered before"),))
            return
        if flow.filter is not None:
            truth, why = self.gate(flow.filter, person_id, at)
            if truth is not Truth.TRUE:
                self.note(at, person_id, "not_entered", flow.key, why=why, detail=(
                    ("reason", "filter"), ("filter", truth.value)))
                return
        self.entries[key] += 1
        self.numbers[key] += 1
        journey = Journey(len(self.journeys) + 1, flow.key, person_id, self.numbers[key],
                          self.programs[flow.key].start, event)
        self.journeys[journey.id] = journey
        self.note(at, person_id, "entered", flow.key, journey=journey,
                  detail=(("trigger", _trigger_text(flow)),))
        self.advance(journey, at)

    # --- moving along -----------------------------------------------------------------------

    def end(self, journey: Journey, at: datetime, reason: str,
            detail: tuple[tuple[str, str], ...] = ()) -> None:
        self.journeys.pop(journey.id, None)
        journey.token += 1
        journey.node = None
        self.note(at, journey.person, "exited", journey.flow, journey=journey,
                  detail=(("reason", reason), *detail))

    def schedule(self, journey: Journey, at: datetime) -> None:
        journey.token += 1
        self.push(at, JOURNEY_PHASE, (journey.flow, journey.person, journey.number),
                  (journey, journey.token))

    def advance(self, journey: Journey, at: datetime) -> None:
        program = self.programs[journey.flow]
        while journey.node is not None and journey.id in self.journeys:
            node = program.nodes[journey.node]
            if not self.step(journey, node, at):
                return
        if journey.id in self.journeys:
            self.end(journey, at, "completed")

    def step(self, journey: Journey, node: Node, at: datetime) -> bool:
        """Carry out one node; False when the journey now waits or has ended."""
        step = node.step
        if isinstance(step, WaitStep):
            journey.node = node.next
            until = at + timedelta(seconds=duration_seconds(step.wait))
            self.note(at, journey.person, "wait", journey.flow, node.label, journey,
                      (("until", iso(until)),))
            self.schedule(journey, until)
            return False
        if isinstance(step, WaitUntilStep):
            return self.start_wait_until(journey, node, at)
        if isinstance(step, BranchStep):
            truth, why = self.gate(step.branch.if_, journey.person, at)
            arm = "then" if truth is Truth.TRUE else "else"
            self.reached.add((journey.flow, f"{node.path}:{arm}"))
            self.note(at, journey.person, "branch", journey.flow, node.label, journey,
                      (("took", arm), ("condition", truth.value)), why)
            target = node.then_ if arm == "then" else node.else_
            journey.node = target
            return True
        if isinstance(step, UpdateAttributeStep):
            journey.node = node.next
            self.update_attribute(journey, node, step, at)
            return True
        if isinstance(step, ExitStep):
            self.end(journey, at, "exit step")
            return False
        journey.node = node.next
        return self.send(journey, node, at)

    def resume(self, item: object, at: datetime) -> None:
        journey, token = item if isinstance(item, tuple) else (item, -1)
        if not isinstance(journey, Journey) or journey.token != token:
            return
        if journey.id not in self.journeys:
            return
        if journey.waiting_until:
            journey.waiting_until = False
            node = self.programs[journey.flow].nodes[journey.node or 0]
            self.note(at, journey.person, "wait_until", journey.flow, node.label, journey,
                      (("outcome", "max reached"),))
            journey.node = node.next
        self.advance(journey, at)

    # --- wait_until -------------------------------------------------------------------------

    def start_wait_until(self, journey: Journey, node: Node, at: datetime) -> bool:
        assert isinstance(node.step, WaitUntilStep)
        truth, why = self.gate(node.step.wait_until.condition, journey.person, at)
        if truth is Truth.TRUE:
            self.note(at, journey.person, "wait_until", journey.flow, node.label, journey,
                      (("outcome", "already met"),), why)
            journey.node = node.next
            return True
        journey.waiting_until = True
        limit = node.step.wait_until.max
        detail: tuple[tuple[str, str], ...] = (("outcome", "waiting"),
                                               ("condition", truth.value))
        self.note(at, journey.person, "wait_until", journey.flow, node.label, journey, detail,
                  why)
        journey.token += 1
        if limit is not None:
            self.schedule(journey, at + timedelta(seconds=duration_seconds(limit)))
        self.schedule_recheck(journey.person, at)  # the condition may turn TRUE with time alone
        return False

    def wait_conditions(self, person_id: str) -> list[Condition]:
        found = []
        for journey in self.journeys.values():
            if journey.person == person_id and journey.waiting_until and journey.node is not None:
                step = self.programs[journey.flow].nodes[journey.node].step
                assert isinstance(step, WaitUntilStep)
                found.append(step.wait_until.condition)
        return found

    def recheck_waits(self, person_id: str, at: datetime) -> None:
        waiting = sorted((j for j in self.journeys.values() if j.person == person_id
                          and j.waiting_until), key=lambda j: (j.flow, j.number))
        for journey in waiting:
            if not journey.waiting_until or journey.node is None:
                continue
            node = self.programs[journey.flow].nodes[journey.node]
            assert isinstance(node.step, WaitUntilStep)
            truth, why = self.gate(node.step.wait_until.condition, person_id, at)
            if truth is Truth.TRUE:
                journey.waiting_until = False
                journey.token += 1
                self.note(at, person_id, "wait_until", journey.flow, node.label, journey,
                          (("outcome", "condition met"),), why)
                journey.node = node.next
                self.advance(journey, at)

    # --- goals ------------------------------------------------------------------------------

    def goal_reached(self, person_id: str, event: TimedEvent, at: datetime) -> None:
        for journey in sorted(self.journeys.values(), key=lambda j: (j.flow, j.number)):
            goal = self.programs[journey.flow].flow.goal
            if journey.person != person_id or goal is None or goal.event != event.name:
                continue
            window = timedelta(seconds=duration_seconds(goal.within))
            sent = journey.last_sent
            converted = sent is not None and sent <= event.timestamp <= sent + window
            self.end(journey, at, "goal reached", (
                ("conversion", "yes" if converted else "no (no message sent within "
                 f"{goal.within} before it)"),))

    # --- messages and attribute updates -----------------------------------------------------

    def still_matches(self, journey: Journey, at: datetime) -> tuple[bool, tuple[str, ...]]:
        flow = self.programs[journey.flow].flow
        person = self.history(journey.person)
        trigger = flow.trigger
        if isinstance(trigger, SegmentTrigger) and not is_member(trigger.segment, person, at,
                                                                 self.world):
            return False, (f"not a member of '{trigger.segment}' any more",)
        if flow.filter is None:
            return True, ()
        truth, why = self.gate(flow.filter, journey.person, at)
        return truth is Truth.TRUE, why

    def scope(self, journey: Journey, at: datetime) -> RenderScope:
        flow = self.programs[journey.flow].flow
        kind = {"EventTrigger": "transactional", "SegmentTrigger": "behavioral"}.get(
            type(flow.trigger).__name__, "date")
        return RenderScope(
            customer={"id": journey.person, **self.history(journey.person).attributes_at(at)},
            now=at, event=journey.event, snippets=self.snippets, collections=self.collections,
            campaign={"id": flow.key, "name": flow.name, "type": kind})

    def send(self, journey: Journey, node: Node, at: datetime) -> bool:
        message = message_of(node.step)
        assert message is not None
        matches, why = self.still_matches(journey, at)
        if not matches:
            self.end(journey, at, "stopped matching before a message",
                     (("message", message.id),))
            return False
        kind = node.kind
        if message.sending != "automatic":
            self.note(at, journey.person, "held", journey.flow, message.id, journey,
                      (("channel", kind), ("sending", message.sending)), why)
            return True
        result = render_message(message, self.scope(journey, at))
        if isinstance(result, RenderFailure):
            self.note(at, journey.person, "failed", journey.flow, message.id, journey, (
                ("channel", kind), ("field", result.field), ("line", str(result.line)),
                ("reason", result.reason)), why)
            return True
        journey.last_sent = at
        self.note(at, journey.person, "sent", journey.flow, message.id, journey,
                  (("channel", kind),), why, tuple(sorted(result.items())))
        return True

    def update_attribute(self, journey: Journey, node: Node, step: UpdateAttributeStep,
                         at: datetime) -> None:
        value = step.update_attribute.value
        if isinstance(value, str) and "{" in value:
            try:
                value = render_text(value, self.scope(journey, at))
            except Exception as error:  # any Liquid failure skips the update, like a message
                self.note(at, journey.person, "failed", journey.flow, node.label, journey,
                          (("reason", str(error)),))
                return
        name = step.update_attribute.name
        person = self.history(journey.person)
        self.set_history(person.with_change(AttributeChange(at=at, name=name, value=value)))
        shown = "null" if value is None else str(value).lower() if isinstance(
            value, bool) else str(value)
        self.note(at, journey.person, "attribute_updated", journey.flow, node.label, journey,
                  ((name, shown),))
        self.settle(journey.person, at, "data", frozenset({f"a:{name}"}))
        self.schedule_dates(journey.person, at)


def _trigger_text(flow: Flow) -> str:
    trigger = flow.trigger
    if isinstance(trigger, EventTrigger):
        return f"event {trigger.event}"
    if isinstance(trigger, SegmentTrigger):
        return f"joined segment {trigger.segment}"
    return f"date {trigger.date_attribute}"
