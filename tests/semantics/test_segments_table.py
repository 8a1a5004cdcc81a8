"""Hand-checked membership cases: every operator, counts, windows, negation, references and
missing attributes, each against docs/semantics.md sections 2-4."""

from __future__ import annotations

from typing import Any

import pytest

from cioctl.model.types import Operator
from cioctl.semantics.people import JsonValue, ManualMembership, TimedEvent, Truth
from cioctl.semantics.segments import SemanticsError, condition_truth, is_member
from tests.semantics.helpers import T0, cond, person, t, world

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
ABSENT = object()

# (attribute, operator, condition value, stored value or ABSENT, expected)
ATTRIBUTE_CASES: list[tuple[str, str, Any, Any, Truth]] = [
    ("plan", "eq", "pro", "pro", T),
    ("plan", "eq", "pro", "PRO", T),  # string equality is case-insensitive
    ("plan", "eq", "pro", "free", F),
    ("plan", "eq", "pro", ABSENT, U),
    ("plan", "neq", "pro", "free", T),
    ("plan", "neq", "pro", "Pro", F),
    ("plan", "neq", "pro", ABSENT, U),  # neq behaves like not eq (section 2)
    ("plan", "in", ["pro", "enterprise"], "Enterprise", T),
    ("plan", "in", ["pro", "enterprise"], "free", F),
    ("plan", "in", ["pro", "enterprise"], ABSENT, U),
    ("plan", "not_in", ["pro", "enterprise"], "free", T),
    ("plan", "not_in", ["pro", "enterprise"], "pro", F),
    ("plan", "not_in", ["pro", "enterprise"], ABSENT, U),
    ("plan", "contains", "RO", "pro", T),
    ("plan", "contains", "x", "pro", F),
    ("plan", "contains", "x", ABSENT, U),
    ("plan", "not_contains", "x", "pro", T),
    ("plan", "not_contains", "R", "pro", F),
    ("plan", "not_contains", "x", ABSENT, U),
    ("plan", "starts_with", "P", "pro", T),
    ("plan", "starts_with", "r", "pro", F),
    ("plan", "starts_with", "p", ABSENT, U),
    ("plan", "exists", None, "pro", T),
    ("plan", "exists", None, ABSENT, F),
    ("plan", "not_exists", None, ABSENT, T),
    ("plan", "not_exists", None, "pro", F),
    ("plan", "eq", "5", 5, T),  # a number stored in a string attribute reads as its text
    ("age", "gt", 30, 30, F),
    ("age", "gte", 30, 30, T),
    ("age", "lt", 30, 30, F),
    ("age", "lte", 30, 30, T),
    ("age", "gt", 30, 30.5, T),
    ("age", "lt", 30, 29, T),
    ("age", "gt", 30, "31", T),  # a numeric string parses as the declared number
    ("age", "gt", 30, "abc", U),  # unparsable = absent
    ("age", "exists", None, "abc", F),
    ("age", "not_exists", None, "abc", T),
    ("age", "gt", 30, ABSENT, U),
    ("age", "eq", 5, 5.0, T),
    ("age", "neq", 5, 6, T),
    ("age", "in", [1, 2], 2, T),
    ("age", "not_in", [1, 2], 3, T),
    ("age", "eq", 1, True, U),  # a boolean is not a number
    ("count", "gte", 10, 10, T),
    ("verified", "eq", False, False, T),
    ("verified", "eq", False, "false", T),
    ("verified", "eq", True, "TRUE", T),
    ("verified", "eq", True, False, F),
    ("verified", "neq", True, False, T),
    ("verified", "eq", True, "maybe", U),
    ("verified", "eq", True, ABSENT, U),
    ("verified", "eq", True, 1, U),  # 1 is not a boolean
    ("trial_ends_at", "gt", "2026-01-01T00:00:00Z", 1767225601, T),  # Unix vs ISO 8601
    ("trial_ends_at", "lt", 1767225600, "2025-12-31T23:59:59+00:00", T),
    ("trial_ends_at", "eq", 1767225600, "2026-01-01T01:00:00+01:00", T),
    ("trial_ends_at", "lte", 1767225600, "2026-01-01T00:00:00", T),  # zone-less = UTC
    ("trial_ends_at", "gt", 0, "not a date", U),
    ("trial_ends_at", "gt", 0, ABSENT, U),
    ("tags", "contains", "beta", ["Beta", "x"], T),
    ("tags", "contains", "beta", ["x"], F),
    ("tags", "contains", 3, ["3", "x"], T),  # wire text: 3 and "3" are the same value
    ("tags", "not_contains", "beta", ["x"], T),
    ("tags", "not_contains", "beta", ["beta"], F),
    ("tags", "contains", "beta", "beta", U),  # not an array = absent
    ("tags", "contains", "beta", ABSENT, U),
    ("tags", "exists", None, [], T),
    ("profile", "exists", None, {"a": 1}, T),
    ("profile", "exists", None, "text", F),
    ("color", "eq", "red", "RED", T),  # undeclared: typed by the condition's value
    ("color", "gt", 3, 4, T),
    ("color", "gt", 3, "4", T),
    ("color", "eq", True, "true", T),
]


@pytest.mark.parametrize(("attribute", "operator", "value", "stored", "expected"),
                         ATTRIBUTE_CASES)
def test_attribute_leaf(attribute: str, operator: str, value: Any, stored: Any,
                        expected: Truth) -> None:
    leaf: dict[str, Any] = {"attribute": attribute, "operator": operator}
    if value is not None:
        leaf["value"] = value
    attributes: dict[str, JsonValue] = {} if stored is ABSENT else {attribute: stored}
    assert condition_truth(cond(leaf), person(attributes), t(1), world()) is expected


def test_every_operator_has_a_case() -> None:
    assert {Operator(case[1]) for case in ATTRIBUTE_CASES} == set(Operator)


def test_attribute_values_follow_their_history() -> None:
    from cioctl.semantics.people import AttributeChange

    who = person({"plan": "free"}).with_change(AttributeChange(t(2), "plan", "pro")) \
        .with_change(AttributeChange(t(4), "plan", None))
    leaf = cond({"attribute": "plan", "operator": "eq", "value": "pro"})
    truths = [condition_truth(leaf, who, at, world()) for at in (t(1), t(2), t(3), t(4))]
    assert truths == [F, T, T, U]  # removed (None) = absent again


# --- events: counts, windows, the profile-age rule, arrival --------------------------------

OLD = t(-100)  # a person whose data starts long before every window below


def event_truth(leaf: dict[str, Any], events: list[Any], at: Any,
                added_at: Any = OLD) -> Truth:
    return condition_truth(cond(leaf), person({}, events, added_at), at, world())


@pytest.mark.parametrize(("leaf", "events", "at", "added_at", "expected"), [
    # no count = at_least 1; no window = ever
    ({"event": "login"}, [("login", t(-50))], t(0), OLD, T),
    ({"event": "login"}, [], t(0), OLD, F),
    ({"event": "login"}, [], t(0), t(0), F),  # no window: no profile-age rule
    ({"event": "login"}, [("logout", t(-1))], t(0), OLD, F),  # names must match
    ({"event": "login", "at_least": 0}, [], t(0), t(0), T),
    ({"event": "login", "at_least": 2, "within": "7d"},
     [("login", t(-1)), ("login", t(-2))], t(0), OLD, T),
    ({"event": "login", "at_least": 2, "within": "7d"},
     [("login", t(-1)), ("login", t(-8))], t(0), OLD, F),
    # the window T - W < t <= T: counts from its timestamp, stops at exactly t + W
    ({"event": "login", "within": "7d"}, [("login", t(0))], t(0), OLD, T),
    ({"event": "login", "within": "7d"}, [("login", t(0))], t(7, seconds=-1), OLD, T),
    ({"event": "login", "within": "7d"}, [("login", t(0))], t(7), OLD, F),
    ({"event": "login", "within": "7d"}, [("login", t(0))], t(-1), OLD, F),
    # profile age: FALSE only once the data covers the window, UNKNOWN before
    ({"event": "login", "within": "7d"}, [], t(3), t(0), U),
    ({"event": "login", "within": "7d"}, [], t(7, seconds=-1), t(0), U),
    ({"event": "login", "within": "7d"}, [], t(7), t(0), F),
    # ... any earlier event (even a different one, even backdated) moves the data start
    ({"event": "login", "within": "7d"}, [("signup", t(-10))], t(1), t(0), F),
    ({"event": "login", "within": "7d"}, [("signup", t(-6))], t(1), t(0), F),  # at T - W
    ({"event": "login", "within": "7d"}, [("signup", t(-5))], t(1), t(0), U),
    # at_most n = not at_least n+1
    ({"event": "login", "at_most": 1, "within": "7d"}, [], t(1), t(0), U),
    ({"event": "login", "at_most": 1, "within": "7d"}, [("login", t(0))], t(1), OLD, T),
    ({"event": "login", "at_most": 1, "within": "7d"},
     [("login", t(0)), ("login", t(0, 1))], t(1), t(0), F),
    ({"event": "login", "at_most": 1}, [("login", t(0))], t(1), t(0), T),
    # exactly n = at_least n and not at_least n+1
    ({"event": "login", "exactly": 0, "within": "14d"}, [], t(1), OLD, T),
    ({"event": "login", "exactly": 0, "within": "14d"}, [], t(1), t(0), U),
    ({"event": "login", "exactly": 0, "within": "14d"}, [("login", t(0))], t(1), t(0), F),
    ({"event": "login", "exactly": 2, "within": "7d"},
     [("login", t(0)), ("login", t(0, 1))], t(1), OLD, T),
    # ... and inherit the profile-age rule from their "not at_least n+1" part (section 3.2)
    ({"event": "login", "exactly": 2, "within": "7d"},
     [("login", t(0)), ("login", t(0, 1))], t(1), t(0), U),
    ({"event": "login", "at_most": 1, "within": "7d"}, [("login", t(0))], t(1), t(0), U),
    ({"event": "login", "exactly": 2, "within": "7d"},
     [("login", t(0)), ("login", t(0, 1)), ("login", t(0, 2))], t(1), t(0), F),
    ({"event": "login", "exactly": 2, "within": "7d"}, [("login", t(0))], t(1), t(0), U),
    ({"event": "login", "exactly": 2, "within": "7d"}, [("login", t(0))], t(1), OLD, F),
])
def test_event_leaf(leaf: dict[str, Any], events: list[Any], at: Any, added_at: Any,
                    expected: Truth) -> None:
    assert event_truth(leaf, events, at, added_at) is expected


@pytest.mark.parametrize(("where", "data", "counted"), [
    ([{"property": "sku", "operator": "eq", "value": "A1"}], {"sku": "a1"}, True),
    ([{"property": "sku", "operator": "eq", "value": "A1"}], {"sku": "B"}, False),
    ([{"property": "sku", "operator": "eq", "value": "A1"}], {}, False),
    ([{"property": "sku", "operator": "neq", "value": "A1"}], {}, False),  # missing: never
    ([{"property": "sku", "operator": "not_exists"}], {}, True),
    ([{"property": "amount", "operator": "gte", "value": 10}], {"amount": "12.5"}, True),
    ([{"property": "amount", "operator": "gte", "value": 10},
      {"property": "sku", "operator": "exists"}], {"amount": 12}, False),  # every filter
    ([{"property": "meta.source", "operator": "eq", "value": "ads"}],
     {"meta": {"source": "ads"}}, True),
])
def test_where_filters(where: list[dict[str, Any]], data: dict[str, JsonValue],
                       counted: bool) -> None:
    leaf = {"event": "purchase", "within": "7d", "where": where}
    expected = T if counted else F
    assert event_truth(leaf, [("purchase", t(0), data)], t(1)) is expected


def test_an_event_counts_only_once_it_has_arrived() -> None:
    late = TimedEvent("login", {}, t(1), arrived=t(5))
    leaf = {"event": "login", "within": "7d"}
    assert [event_truth(leaf, [late], at) for at in (t(2), t(5), t(8))] == [F, T, F]
    # an event from the future (arrived before its timestamp) counts from its timestamp
    early = TimedEvent("login", {}, t(3), arrived=t(1))
    assert [event_truth(leaf, [early], at) for at in (t(2), t(3))] == [F, T]


def test_a_late_event_moves_the_data_start_only_once_it_arrives() -> None:
    late = TimedEvent("signup", {}, t(-30), arrived=t(2))
    leaf = {"event": "login", "within": "7d"}
    assert event_truth(leaf, [late], t(1), t(0)) is U
    assert event_truth(leaf, [late], t(2), t(0)) is F


# --- Kleene groups and negation -----------------------------------------------------------

KNOWN_TRUE = {"attribute": "plan", "operator": "eq", "value": "pro"}
KNOWN_FALSE = {"attribute": "plan", "operator": "eq", "value": "free"}
UNKNOWN = {"attribute": "verified", "operator": "eq", "value": True}


@pytest.mark.parametrize(("condition", "expected"), [
    ({"not": KNOWN_TRUE}, F),
    ({"not": KNOWN_FALSE}, T),
    ({"not": UNKNOWN}, U),  # never-had people do not match a negation (section 2)
    ({"all": [KNOWN_TRUE, UNKNOWN]}, U),
    ({"all": [KNOWN_FALSE, UNKNOWN]}, F),
    ({"all": [KNOWN_TRUE, KNOWN_TRUE]}, T),
    ({"any": [KNOWN_TRUE, UNKNOWN]}, T),
    ({"any": [KNOWN_FALSE, UNKNOWN]}, U),
    ({"any": [KNOWN_FALSE, KNOWN_FALSE]}, F),
    ({"any": [UNKNOWN, {"not": UNKNOWN}]}, U),  # no excluded middle
    ({"all": [UNKNOWN, {"not": UNKNOWN}]}, U),
    ({"any": [{"not": UNKNOWN}, {"attribute": "verified", "operator": "not_exists"}]}, T),
    ({"not": {"all": [KNOWN_TRUE, {"not": {"any": [KNOWN_FALSE, UNKNOWN]}}]}}, U),
])
def test_groups_and_negation(condition: dict[str, Any], expected: Truth) -> None:
    assert condition_truth(cond(condition), person({"plan": "pro"}), t(1), world()) is expected


# --- segment references and manual segments -------------------------------------------------

SEGMENTS = {
    "pro": KNOWN_TRUE,
    "verified": UNKNOWN,
    "pro_not_verified": {"all": [{"segment": "pro"}, {"not": {"segment": "verified"}}]},
    "beta": None,
}


def test_a_reference_collapses_unknown_to_false() -> None:
    who = person({"plan": "pro"})
    w = world(SEGMENTS)
    assert condition_truth(cond({"segment": "verified"}), who, t(1), w) is F
    assert condition_truth(cond({"not": {"segment": "verified"}}), who, t(1), w) is T
    # ... whereas the inlined condition under not stays UNKNOWN
    assert condition_truth(cond({"not": UNKNOWN}), who, t(1), w) is U
    assert is_member("pro_not_verified", who, t(1), w)
    assert not is_member("pro_not_verified", person({"plan": "pro", "verified": True}),
                         t(1), w)


def test_manual_segments_follow_their_entries() -> None:
    entries = [ManualMembership(t(1), "beta", True), ManualMembership(t(3), "beta", False)]
    who = person({}, manual=entries)
    w = world(SEGMENTS)
    assert [is_member("beta", who, at, w) for at in (t(0), t(1), t(2), t(3))] == \
        [False, True, True, False]
    assert condition_truth(cond({"not": {"segment": "beta"}}), who, t(2), w) is F


def test_an_unknown_or_cyclic_reference_is_a_clear_error() -> None:
    with pytest.raises(SemanticsError, match="unknown segment 'nope'"):
        is_member("nope", person(), T0, world())
    cyclic = world({"a": {"segment": "b"}, "b": {"segment": "a"}})
    with pytest.raises(SemanticsError, match="refers to itself"):
        is_member("a", person(), T0, cyclic)
