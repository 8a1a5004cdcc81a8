"""Property tests of the segment engine (issue 12 item 6, segment part): determinism,
time-shift invariance, events outside every window, Kleene negation, next_time_change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.model.conditions import AllOf, AnyOf, Condition, Not
from cioctl.semantics.people import AttributeChange, PersonHistory, TimedEvent, Truth
from cioctl.semantics.segments import condition_truth, explain, is_member, next_time_change
from tests.semantics.helpers import T0
from tests.semantics.strategies import (
    CONDITIONS,
    GRID,
    LONGEST,
    PEOPLE,
    SPAN,
    STEP,
    WINDOWED_CONDITIONS,
    WORLD,
    shifted,
)

EXAMPLES = settings(max_examples=100, deadline=None)  # ~0.7 s per property
SEGMENT_KEYS = st.sampled_from(sorted(WORLD.segments))


@EXAMPLES
@given(CONDITIONS, PEOPLE, GRID)
def test_determinism(condition: Condition, person: PersonHistory, at: datetime) -> None:
    rebuilt = PersonHistory(person.id, person.added_at, tuple(reversed(person.changes)),
                            person.events, tuple(reversed(person.manual)))
    first = (condition_truth(condition, person, at, WORLD),
             next_time_change(condition, person, at, WORLD), explain(condition, person, at, WORLD))
    again = (condition_truth(condition, person, at, WORLD),
             next_time_change(condition, person, at, WORLD), explain(condition, person, at, WORLD))
    assert first == again
    assert first[2][-1] == f"condition → {first[0].name}"  # explain agrees with the truth
    # Input order within one instant is kept; across instants it does not matter.
    same_instants = len({c.at for c in person.changes}) == len(person.changes)
    if same_instants:
        assert condition_truth(condition, rebuilt, at, WORLD) is first[0]


@EXAMPLES
@given(CONDITIONS, PEOPLE, GRID,
       st.timedeltas(min_value=timedelta(days=-3000), max_value=timedelta(days=3000)))
def test_time_shift_invariance(condition: Condition, person: PersonHistory, at: datetime,
                               delta: timedelta) -> None:
    moved = shifted(person, delta)
    assert condition_truth(condition, moved, at + delta, WORLD) is \
        condition_truth(condition, person, at, WORLD)
    change = next_time_change(condition, person, at, WORLD)
    assert next_time_change(condition, moved, at + delta, WORLD) == \
        (None if change is None else change + delta)
    key = "quiet"
    assert is_member(key, moved, at + delta, WORLD) == is_member(key, person, at, WORLD)


@st.composite
def outside_every_window(draw: st.DrawFn, person: PersonHistory, at: datetime) -> TimedEvent:
    """An event no window at ``at`` can count and that does not move the profile-age origin:
    older than the longest window but not older than the data start, or not arrived yet, or
    timestamped after ``at``."""
    start = person.data_starts(at)
    name = draw(st.sampled_from(["login", "purchase", "signup"]))
    kinds = ["late", "future"]
    if start <= at - LONGEST:
        kinds.append("old")
    kind = draw(st.sampled_from(kinds))
    if kind == "old":
        steps = (at - LONGEST - start) // STEP
        timestamp = start + draw(st.integers(0, steps)) * STEP
        return TimedEvent(name, {"amount": 20}, timestamp, draw(st.sampled_from([timestamp, at])))
    if kind == "late":  # not known at `at`, whatever its timestamp
        return TimedEvent(name, {"amount": 20}, draw(GRID), at + STEP)
    timestamp = max(at + STEP, start)
    return TimedEvent(name, {"amount": 20}, timestamp, draw(st.sampled_from([at, timestamp])))


@EXAMPLES
@given(WINDOWED_CONDITIONS, PEOPLE, GRID, st.data())
def test_an_event_outside_every_window_changes_nothing(
        condition: Condition, person: PersonHistory, at: datetime, data: st.DataObject) -> None:
    extra = data.draw(outside_every_window(person, at))
    more = person.with_event(extra)
    assert more.data_starts(at) == person.data_starts(at)
    assert condition_truth(condition, more, at, WORLD) is \
        condition_truth(condition, person, at, WORLD)
    for key in WORLD.segments:  # every event leaf of the test world is windowed
        assert is_member(key, more, at, WORLD) == is_member(key, person, at, WORLD)


@EXAMPLES
@given(CONDITIONS, CONDITIONS, PEOPLE, GRID)
def test_not_is_the_kleene_complement(condition: Condition, other: Condition,
                                      person: PersonHistory, at: datetime) -> None:
    negated = Not.model_validate({"not": condition})
    truth = condition_truth(condition, person, at, WORLD)
    assert condition_truth(negated, person, at, WORLD) is truth.negate()
    # ... so De Morgan holds (section 2: consumers may push `not` to the leaves)
    both = AllOf.model_validate({"all": [condition, other]})
    either_not = AnyOf.model_validate({"any": [{"not": condition}, {"not": other}]})
    assert condition_truth(Not.model_validate({"not": both}), person, at, WORLD) is \
        condition_truth(either_not, person, at, WORLD)


@EXAMPLES
@given(CONDITIONS, PEOPLE, GRID, st.sampled_from(["pro", "free", "PRO"]),
       st.sampled_from([30, "31", 29.5]), st.sampled_from([True, False, "false"]))
def test_definite_when_every_attribute_is_known_and_the_data_covers_every_window(
        condition: Condition, person: PersonHistory, at: datetime, plan: str, age: float | str,
        verified: bool | str) -> None:
    """Section 2: for such people `not` is the two-valued complement of membership."""
    known = replace(person, added_at=min(person.added_at, at - LONGEST))
    for name, value in (("plan", plan), ("age", age), ("verified", verified)):
        known = known.with_change(AttributeChange(at, name, value))
    assert condition_truth(condition, known, at, WORLD) is not Truth.UNKNOWN


def _brute_next_change(value: object, probe: Callable[[datetime], object], after: datetime,
                       horizon: datetime) -> datetime | None:
    """The first grid point after ``after`` whose value differs (every breakpoint is on the
    grid, see strategies.py)."""
    point = T0 + ((after - T0) // STEP + 1) * STEP
    while point <= horizon:
        if probe(point) != value:
            return point
        point += STEP
    return None


@EXAMPLES
@given(st.one_of(CONDITIONS, SEGMENT_KEYS), PEOPLE, GRID,
       st.sampled_from([timedelta(0), timedelta(hours=3)]))
def test_next_time_change_is_the_first_change(target: Condition | str, person: PersonHistory,
                                              start: datetime, offset: timedelta) -> None:
    after = start + offset  # on the grid and between grid points

    def probe(at: datetime) -> object:
        if isinstance(target, str):
            return is_member(target, person, at, WORLD)
        return condition_truth(target, person, at, WORLD)

    horizon = T0 + (SPAN + 41) * STEP + LONGEST  # past every instant + window + delay
    expected = _brute_next_change(probe(after), probe, after, horizon)
    found = next_time_change(target, person, after, WORLD)
    assert found == expected
    if found is not None:  # constant up to the boundary, different at it
        assert probe(found - timedelta(microseconds=1)) == probe(after)
        assert probe(found) != probe(after)
    else:
        assert probe(horizon + timedelta(days=400)) == probe(after)
