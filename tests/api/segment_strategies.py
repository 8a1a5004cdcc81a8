"""Hypothesis strategies: segment conditions over the test symbol table, and people."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from cioctl.model.types import OPERATORS_BY_TYPE, VALUELESS_OPERATORS, Operator, ValueType
from tests.api.segment_codec_support import ATTRIBUTES, PROPERTIES, SEGMENT_IDS, Person

V = ValueType
_STRINGS = st.one_of(st.sampled_from(["pro", "Pro", "free", "a", "b", ""]), st.text(max_size=3))
_FLOATS = st.one_of(st.sampled_from([0.5, 0.7, 1e20, 1e-7, -0.0]),
                    st.floats(allow_nan=False, allow_infinity=False))
_INTS = st.integers(-1, 3)  # narrow, so people often hold exactly the compared value
_STAMPS = st.sampled_from([0, 1700000000, 1700000001, "2023-11-14T22:13:20Z",
                           "2023-11-14T22:13:20"])
VALUES: dict[ValueType, st.SearchStrategy[Any]] = {
    V.STRING: _STRINGS, V.NUMBER: st.one_of(_INTS, _FLOATS), V.INTEGER: _INTS,
    V.BOOLEAN: st.booleans(), V.TIMESTAMP: _STAMPS, V.ARRAY: _STRINGS,
}
_HELD = {  # values people hold; overlapping the condition values so comparisons bite
    V.STRING: _STRINGS, V.NUMBER: st.one_of(_INTS, st.sampled_from([0.5, 0.7, 1e20, 1e-7])),
    V.INTEGER: _INTS, V.BOOLEAN: st.booleans(),
    V.TIMESTAMP: st.sampled_from([0, 1699999999, 1700000000, 1700000001]),
    V.ARRAY: st.lists(_STRINGS, max_size=3), V.OBJECT: st.just({}),
}
# No "0s": the model refuses empty windows (main); the codec refusal is tested directly.
DURATIONS = st.sampled_from(["90s", "1h", "24h", "7d", "1w", "30d"])


@st.composite
def comparison(draw: st.DrawFn, key: str, name: str, value_type: ValueType) -> dict[str, Any]:
    """``{key: name, operator, value}`` fitting the declared type."""
    operator = draw(st.sampled_from(sorted(OPERATORS_BY_TYPE[value_type])))
    node: dict[str, Any] = {key: name, "operator": operator.value}
    if operator in (Operator.IN, Operator.NOT_IN):
        node["value"] = draw(st.lists(VALUES[value_type], max_size=3))
    elif operator not in VALUELESS_OPERATORS:
        node["value"] = draw(VALUES[value_type])
    return node


_ATTRIBUTE = st.sampled_from(sorted(ATTRIBUTES)).flatmap(
    lambda n: comparison("attribute", n, ATTRIBUTES[n]))


@st.composite
def event(draw: st.DrawFn) -> dict[str, Any]:
    """An event condition with an optional count, window and filters."""
    name = draw(st.sampled_from(sorted(PROPERTIES)))
    node: dict[str, Any] = {"event": name}
    count = draw(st.sampled_from([None, "at_least", "at_most", "exactly"]))
    if count:
        node[count] = draw(st.integers(0, 4))
    if draw(st.booleans()):
        node["within"] = draw(DURATIONS)
    props = PROPERTIES[name]
    if props:
        node["where"] = draw(st.lists(st.sampled_from(sorted(props)).flatmap(
            lambda p: comparison("property", p, props[p])), max_size=2))
    return node


LEAVES = st.one_of(_ATTRIBUTE, st.sampled_from(sorted(SEGMENT_IDS)).map(lambda k: {"segment": k}),
                   event())
CONDITIONS = st.recursive(LEAVES, lambda children: st.one_of(
    st.lists(children, min_size=1, max_size=3).map(lambda c: {"all": c}),
    st.lists(children, min_size=1, max_size=3).map(lambda c: {"any": c}),
    children.map(lambda c: {"not": c})), max_leaves=6)

_AGES = st.sampled_from([0, 60, 3600, 86400 * 3, 86400 * 10, 86400 * 40])


_EVENT_ROWS = st.one_of(*[
    st.tuples(st.just(name), _AGES,
              st.fixed_dictionaries({}, optional={p: _HELD[t] for p, t in props.items()}))
    for name, props in sorted(PROPERTIES.items())
])
PEOPLE = st.builds(
    Person,
    attributes=st.fixed_dictionaries({}, optional={n: _HELD[t] for n, t in ATTRIBUTES.items()}),
    segments=st.fixed_dictionaries({k: st.booleans() for k in SEGMENT_IDS}),
    events=st.lists(_EVENT_ROWS, max_size=4),
    data_age=st.sampled_from([0, 100, 86400 * 8, 86400 * 40]),
)
"""A person with some attributes missing, some events and a profile age."""
