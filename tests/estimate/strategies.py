"""Hypothesis strategies: small people, events and segment conditions over worlds.py's types."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from cioctl.model.segments import Segment
from cioctl.model.types import OPERATORS_BY_TYPE, VALUELESS_OPERATORS, Operator, ValueType
from tests.estimate.worlds import ATTRIBUTE_TYPES, Person

STORED = {  # stored texts per attribute, including unparsable ones (absent by section 1)
    "s": ["Pro", "pro", "free", "PROfessional", "", "5"],
    "n": ["5", "10", "7.5", "abc", "-1"],
    "b": ["true", "false", "TRUE", "yes"],
    "t": ["2026-05-30T00:00:00Z", "1780000000", "2026-05-31T12:00:00+02:00", "soon"],
    "a": ['["Slack", "jira"]', "[]", '["x"]', '["SLACK"]'],
}
VALUES = {
    "s": ["pro", "PRO", "free", "pr", "", "x"],
    "n": [5, 7.5, 10, -1, 0],
    "b": [True, False],
    "t": ["2026-05-30T00:00:00Z", 1780000000, "2026-05-31T10:00:00Z"],
    "a": ["slack", "x", "JIRA", "none"],
}
PROPERTY_VALUES: list[Any] = ["x", "X", 5, "5", True, None]
DAYS = [-5.0, -3.0, -2.0, -1.0, -0.5, 0.0, 1.0]
WINDOWS = [None, "1d", "3d", "2d"]


@st.composite
def people(draw: st.DrawFn) -> list[Person]:
    count = draw(st.integers(1, 5))
    found = []
    for index in range(count):
        attributes = {name: draw(st.sampled_from([None, *texts]))
                      for name, texts in STORED.items()}
        events = draw(st.lists(st.tuples(
            st.sampled_from(["e1", "e2"]), st.sampled_from(DAYS),
            st.dictionaries(st.just("k"), st.sampled_from(PROPERTY_VALUES), max_size=1)),
            max_size=5))
        found.append(Person(f"p{index}", draw(st.sampled_from([-10.0, -3.0, -1.0, 0.5, 2.0])),
                            attributes, events))
    return found


def _value(operator: Operator, pool: list[Any], draw: st.DrawFn) -> Any:
    if operator in VALUELESS_OPERATORS:
        return None
    if operator in (Operator.IN, Operator.NOT_IN):
        return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
    return draw(st.sampled_from(pool))


@st.composite
def attribute_leaf(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(ATTRIBUTE_TYPES)))
    operator = draw(st.sampled_from(sorted(OPERATORS_BY_TYPE[ValueType(ATTRIBUTE_TYPES[name])])))
    leaf: dict[str, Any] = {"attribute": name, "operator": operator.value}
    value = _value(operator, VALUES[name], draw)
    return leaf if value is None else {**leaf, "value": value}


@st.composite
def event_leaf(draw: st.DrawFn) -> dict[str, Any]:
    leaf: dict[str, Any] = {"event": draw(st.sampled_from(["e1", "e2"]))}
    rule = draw(st.sampled_from(["at_least", "at_most", "exactly", None]))
    if rule is not None:
        leaf[rule] = draw(st.integers(0, 3))
    window = draw(st.sampled_from(WINDOWS))
    if window is not None:
        leaf["within"] = window
    if draw(st.booleans()):
        operator = draw(st.sampled_from(["eq", "neq", "exists", "not_exists", "in",
                                         "contains", "starts_with"]))
        pool: list[Any] = ["x", "X", "5", 5, True] if leaf["event"] == "e2" else ["x", "5"]
        value = _value(Operator(operator), pool, draw)
        where = {"property": "k", "operator": operator}
        leaf["where"] = [where if value is None else {**where, "value": value}]
    return leaf


def conditions(refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    leaves = [attribute_leaf(), event_leaf()]
    if refs:
        leaves.append(st.sampled_from(refs).map(lambda key: {"segment": key}))
    return st.recursive(
        st.one_of(*leaves),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda c: {"all": c}),
            st.lists(inner, min_size=1, max_size=3).map(lambda c: {"any": c}),
            inner.map(lambda c: {"not": c})),
        max_leaves=6)


@st.composite
def segments(draw: st.DrawFn) -> list[Segment]:
    """Three data-driven segments (later ones may refer to earlier ones) and a manual one."""
    found = [Segment.model_validate({"name": "Hand picked", "manual": True})]
    for index in range(3):
        refs = [s.key for s in found]
        found.append(Segment.model_validate(
            {"name": f"Seg {index}", "conditions": draw(conditions(refs))}))
    return found
