"""Hypothesis strategies for the semantics property tests: conditions over a small vocabulary
and people whose every instant lies on a 6-hour grid (so are the windows), which makes every
instant at which a truth value can change a grid point — a brute-force scan of the grid is then
an independent oracle for next_time_change."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from cioctl.semantics.people import (
    AttributeChange,
    JsonValue,
    ManualMembership,
    PersonHistory,
    TimedEvent,
)
from cioctl.semantics.segments import SegmentWorld
from tests.semantics.helpers import T0, cond, world

STEP = timedelta(hours=6)
SPAN = 40  # grid steps either side of T0 (10 days)
WINDOWS = ("6h", "1d", "3d", "7d")
LONGEST = timedelta(days=7)

WORLD: SegmentWorld = world({
    "pro": {"attribute": "plan", "operator": "eq", "value": "pro"},
    "active": {"event": "login", "at_least": 2, "within": "3d"},
    "quiet": {"all": [{"not": {"segment": "active"}},
                      {"event": "purchase", "exactly": 0, "within": "7d"}]},
    "beta": None,
})

ATTRIBUTE_LEAVES: list[dict[str, Any]] = [
    {"attribute": "plan", "operator": "eq", "value": "pro"},
    {"attribute": "plan", "operator": "in", "value": ["pro", "free"]},
    {"attribute": "plan", "operator": "contains", "value": "r"},
    {"attribute": "plan", "operator": "starts_with", "value": "f"},
    {"attribute": "plan", "operator": "exists"},
    {"attribute": "age", "operator": "gt", "value": 30},
    {"attribute": "age", "operator": "lte", "value": 30},
    {"attribute": "age", "operator": "not_in", "value": [30, 31]},
    {"attribute": "age", "operator": "not_exists"},
    {"attribute": "verified", "operator": "eq", "value": True},
    {"attribute": "verified", "operator": "neq", "value": False},
]
ATTRIBUTE_VALUES: dict[str, list[JsonValue]] = {
    "plan": ["pro", "free", "PRO", "enterprise", None],
    "age": [30, "31", 29.5, "abc", None],
    "verified": [True, False, "false", "maybe", None],
}


def grid(low: int = -SPAN, high: int = SPAN) -> st.SearchStrategy[datetime]:
    """An instant on the 6-hour grid around T0."""
    return st.integers(low, high).map(lambda k: T0 + k * STEP)


_COUNTS = st.sampled_from(["at_least", "at_most", "exactly", None])
_N = st.integers(0, 3)
_AMOUNT_FILTER = [{"property": "amount", "operator": "gte", "value": 10}]


def _event_leaf(windows: tuple[str | None, ...]) -> st.SearchStrategy[dict[str, Any]]:
    def build(event: str, count: str | None, n: int, within: str | None,
              filtered: bool) -> dict[str, Any]:
        leaf: dict[str, Any] = {"event": event}
        if count is not None:
            leaf[count] = n
        if within is not None:
            leaf["within"] = within
        if event == "purchase" and filtered:
            leaf["where"] = _AMOUNT_FILTER
        return leaf
    return st.builds(build, st.sampled_from(["login", "purchase"]), _COUNTS, _N,
                     st.sampled_from(windows), st.booleans())


def leaves(windowed_only: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    windows: tuple[str | None, ...] = WINDOWS if windowed_only else (*WINDOWS, None)
    return st.one_of(
        st.sampled_from(ATTRIBUTE_LEAVES),
        _event_leaf(windows),
        st.sampled_from(["pro", "active", "quiet", "beta"]).map(lambda s: {"segment": s}),
    )


def condition_data(windowed_only: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        leaves(windowed_only),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all": cs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any": cs}),
            inner.map(lambda c: {"not": c}),
        ),
        max_leaves=6,
    )


CONDITIONS = condition_data().map(cond)
WINDOWED_CONDITIONS = condition_data(windowed_only=True).map(cond)


# Strategies are built once: building them inside every draw costs more than the engine.
GRID = grid()
_VALUES = {name: st.sampled_from(values) for name, values in ATTRIBUTE_VALUES.items()}
_CHANGE = st.tuples(GRID, st.sampled_from(sorted(ATTRIBUTE_VALUES))).flatmap(
    lambda pair: _VALUES[pair[1]].map(lambda v: AttributeChange(pair[0], pair[1], v)))
_MANUAL = st.builds(ManualMembership, GRID, st.just("beta"), st.booleans())
_DELAYS = st.sampled_from([0, 0, 0, 1, 4, 12, 40, -1])  # mostly on time, late, rarely early
_DATA: st.SearchStrategy[dict[str, JsonValue]] = st.sampled_from(
    [{}, {"amount": 5}, {"amount": 20}, {"amount": "x"}])
EVENTS = st.builds(
    lambda name, data, at, delay: TimedEvent(name, data, at, at + delay * STEP),
    st.sampled_from(["login", "purchase", "signup"]), _DATA, GRID, _DELAYS)


@st.composite
def people(draw: st.DrawFn) -> PersonHistory:
    added_at = draw(GRID)
    changes = [AttributeChange(added_at, name, draw(values)) for name, values in _VALUES.items()]
    changes += draw(st.lists(_CHANGE, max_size=3))
    manual = draw(st.lists(_MANUAL, max_size=2))
    timed = draw(st.lists(EVENTS, max_size=6))
    return PersonHistory("p", added_at, tuple(changes), tuple(timed), tuple(manual))


def shifted(person: PersonHistory, delta: timedelta) -> PersonHistory:
    """The same person with every instant moved by ``delta``."""
    return replace(
        person,
        added_at=person.added_at + delta,
        changes=tuple(replace(c, at=c.at + delta) for c in person.changes),
        events=tuple(replace(e, timestamp=e.timestamp + delta, arrived=e.arrived + delta)
                     for e in person.events),
        manual=tuple(replace(m, at=m.at + delta) for m in person.manual),
    )
PEOPLE = people()
