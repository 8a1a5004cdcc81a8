"""Invariants of the flow engine (issue 12 item 6), over random timelines through the example
workspace: a run is deterministic, and shifting the whole scenario in time shifts its trace and
nothing else."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.model.workspace import Workspace
from cioctl.semantics.flows import Input, Outcome, simulate
from cioctl.semantics.flows_trace import iso
from cioctl.semantics.people import PersonHistory, TimedEvent
from cioctl.semantics.segments import SegmentWorld, is_member

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PEOPLE = ("p1", "p2")
EVENTS = {
    "signed_up": {"method": "email"},
    "subscription_cancelled": {"reason": "too_expensive", "plan": "pro"},
    "subscription_started": {"plan": "pro", "amount": 12},
    "first_project_created": {},
    "logged_in": {},
    "signed_up_github": {"method": "github"},
}
IDENTIFY = st.sampled_from([
    {"email_verified": True}, {"email_verified": False}, {"plan": "free"},
    {"first_name": "Zoe"}, {"first_name": None}, {"plan": "pro"}, {"marketing_opt_in": True},
])
MINUTE = 60


@st.composite
def timelines(draw: st.DrawFn) -> list[tuple[int, str, str | dict[str, object], int]]:
    """(minute, person, event name or identify mapping, lateness in minutes)."""
    count = draw(st.integers(0, 8))
    return [(draw(st.integers(0, 20 * 24 * 60)), draw(st.sampled_from(PEOPLE)),
             draw(st.one_of(st.sampled_from(sorted(EVENTS)), IDENTIFY)),
             draw(st.sampled_from([0, 0, 30, 60 * 80])))
            for _ in range(count)]


def run(example: Workspace, world: SegmentWorld, timeline: list[tuple[int, str, object, int]],
        shift: timedelta = timedelta(0)) -> Outcome:
    start = START + shift
    people = [PersonHistory(id=p, added_at=start) for p in PEOPLE]
    inputs = []
    for minute, person, what, late in sorted(timeline, key=lambda t: t[0] + t[3]):
        at = start + timedelta(minutes=minute)
        if isinstance(what, str):
            name = what.removesuffix("_github")
            event = TimedEvent(name=name, data=EVENTS[what], timestamp=at,
                               arrived=at + timedelta(minutes=late))
            inputs.append(Input(at=event.arrived, person=person, event=event))
        else:
            inputs.append(Input(at=at, person=person, attributes=what))  # type: ignore[arg-type]
    return simulate(example, start, start + timedelta(days=30), people, inputs, world=world)


ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def relative(outcome: Outcome, start: datetime) -> list[tuple[object, ...]]:
    """The trace with every instant as seconds since start."""
    def value(text: str) -> str:
        if ISO.match(text):
            moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return f"+{int((moment - start).total_seconds())}s"
        return text

    return [((e.at - start).total_seconds(), e.person, e.kind, e.flow, e.step, e.journey,
             tuple((k, value(v)) for k, v in e.detail)) for e in outcome.trace]


@settings(max_examples=25, deadline=None)
@given(timeline=timelines())
def test_a_run_is_deterministic(example: Workspace, world: SegmentWorld,
                                timeline: list[tuple[int, str, object, int]]) -> None:
    first, second = run(example, world, timeline), run(example, world, timeline)
    assert [e.to_json() for e in first.trace] == [e.to_json() for e in second.trace]
    assert first.arms_reached == second.arms_reached


@settings(max_examples=25, deadline=None)
@given(timeline=timelines(), days=st.integers(-300, 300), seconds=st.integers(0, 86399))
def test_shifting_the_scenario_in_time_shifts_the_trace(
        example: Workspace, world: SegmentWorld, timeline: list[tuple[int, str, object, int]],
        days: int, seconds: int) -> None:
    # No date-attribute values are set here, so nothing depends on the calendar; rendered text
    # is not compared (a template may print the date).
    shift = timedelta(days=days, seconds=seconds)
    plain, shifted = run(example, world, timeline), run(example, world, timeline, shift)
    assert relative(plain, START) == relative(shifted, START + shift)
    assert iso(shifted.end) == iso(plain.end + shift)


@settings(max_examples=25, deadline=None)
@given(timeline=timelines(), probes=st.lists(st.integers(0, 30 * 24 * 3600), max_size=6))
def test_traced_membership_is_the_segment_engines(
        example: Workspace, world: SegmentWorld, timeline: list[tuple[int, str, object, int]],
        probes: list[int]) -> None:
    # The engine asks only about segments an input can change, and only at the instants time
    # can change one (flows_index); the entered/left trace must still be exactly is_member.
    outcome = run(example, world, timeline)
    for second in probes:
        at = START + timedelta(seconds=second)
        for person in PEOPLE:
            traced: set[str] = set()
            for entry in outcome.trace:
                if entry.person == person and entry.at <= at and entry.kind in (
                        "segment_entered", "segment_left"):
                    segment = entry.get("segment") or ""
                    (traced.add if entry.kind == "segment_entered" else traced.discard)(segment)
            history = outcome.people[person]
            assert traced == {k for k in world.segments if is_member(k, history, at, world)}
