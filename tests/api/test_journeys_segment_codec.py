"""The segment-conditions wire codec against the evidence page (§4), both ways, and as a
property: definitions → wire → definitions is the canonical form, and exact in Kleene logic."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.api.journeys.segment_conditions import (
    InexpressibleConditionError,
    SegmentWireError,
    canonical,
    decode,
    encode,
    refusals,
)
from cioctl.errors import CioctlError
from cioctl.model.conditions import EventCondition
from cioctl.model.types import OPERATORS_BY_TYPE, VALUELESS_OPERATORS, Operator
from tests.api.segment_codec_support import (
    ATTRIBUTES,
    SEGMENT_IDS,
    SEGMENT_KEYS,
    TYPES,
    Person,
    cond,
    evaluate,
)
from tests.api.segment_strategies import CONDITIONS, PEOPLE

# Copied verbatim from customerio-journeys-evidence.md §4 (the live create body, S5/S6).
EVIDENCE_CONDITIONS = json.loads("""
  {"and": [{"or": [
    {"event": {"type": "event", "name": "feature_used",
               "filters": {"and": [{"field": "feature", "operator": "eq", "value": "export",
                                    "inverse": false}]}},
     "times": 3, "within": 2592000, "inverse": false}]}]}
""")
EXPORTERS = {"event": "feature_used", "at_least": 3, "within": "30d",
             "where": [{"property": "feature", "operator": "eq", "value": "export"}]}


def wire(data: Any) -> Any:
    return encode(cond(data), SEGMENT_IDS, TYPES)


def attr_leaf(name: str, op: str, value: str | None, inverse: bool) -> dict[str, Any]:
    flt: dict[str, Any] = {"field": "to", "operator": op}
    if value is not None:
        flt["value"] = value
    flt["inverse"] = False
    return {"event": {"type": "attribute_change", "name": name, "filters": {"and": [flt]}},
            "times": 1, "within": 0, "inverse": inverse}


def one(leaf: dict[str, Any]) -> dict[str, Any]:
    return {"and": [{"or": [leaf]}]}


def test_evidence_example_body_is_encoded_exactly_key_order_included() -> None:
    assert json.dumps(wire(EXPORTERS)) == json.dumps(EVIDENCE_CONDITIONS)


def test_evidence_example_body_decodes_to_the_definition() -> None:
    assert decode(EVIDENCE_CONDITIONS, SEGMENT_KEYS, TYPES) == cond(EXPORTERS)


@pytest.mark.parametrize(("definition", "leaf"), [
    ({"attribute": "plan", "operator": "eq", "value": "pro"},
     attr_leaf("plan", "eq", "pro", False)),
    ({"attribute": "plan", "operator": "neq", "value": "pro"},
     attr_leaf("plan", "eq", "pro", True)),
    ({"not": {"attribute": "plan", "operator": "eq", "value": "pro"}},
     attr_leaf("plan", "eq", "pro", True)),
    ({"attribute": "plan", "operator": "exists"}, attr_leaf("plan", "exists", None, False)),
    ({"attribute": "score", "operator": "gt", "value": 0.7},
     attr_leaf("score", "gt", "0.7", False)),
    ({"attribute": "score", "operator": "gte", "value": 9}, attr_leaf("score", "lt", "9", True)),
    ({"attribute": "score", "operator": "lte", "value": 1e20},
     attr_leaf("score", "gt", "100000000000000000000", True)),
    ({"attribute": "score", "operator": "lt", "value": 1e-7},
     attr_leaf("score", "lt", "0.0000001", False)),
    ({"attribute": "verified", "operator": "eq", "value": True},
     attr_leaf("verified", "eq", "true", False)),
    ({"attribute": "renews_at", "operator": "gt", "value": "2023-11-14T22:13:20Z"},
     attr_leaf("renews_at", "timestamp_gta", "1700000000", False)),
    ({"attribute": "renews_at", "operator": "gte", "value": 1700000000},
     attr_leaf("renews_at", "timestamp_lta", "1700000000", True)),
    ({"attribute": "tags", "operator": "not_contains", "value": "vip"},
     attr_leaf("tags", "contains", "vip", True)),
    ({"segment": "b"}, {"segment": {"id": 12}, "inverse": False}),
    ({"not": {"segment": "b"}}, {"segment": {"id": 12}, "inverse": True}),
    ({"event": "logged_in"}, {"event": {"type": "event", "name": "logged_in", "filters": {}},
                              "times": 1, "within": 0, "inverse": False}),
    ({"event": "logged_in", "at_most": 2, "within": "1w"},
     {"event": {"type": "event", "name": "logged_in", "filters": {}},
      "times": 3, "within": 604800, "inverse": True}),
    ({"event": "logged_in", "exactly": 0, "within": "14d"},
     {"event": {"type": "event", "name": "logged_in", "filters": {}},
      "times": 1, "within": 1209600, "inverse": True}),
    ({"event": "feature_used", "where": [{"property": "feature", "operator": "in",
                                          "value": ["a", "b"]}]},
     {"event": {"type": "event", "name": "feature_used", "filters": {"or": [
         {"field": "feature", "operator": "eq", "value": "a", "inverse": False},
         {"field": "feature", "operator": "eq", "value": "b", "inverse": False}]}},
      "times": 1, "within": 0, "inverse": False}),
    ({"event": "feature_used", "where": [
        {"property": "count", "operator": "gte", "value": 2},
        {"property": "feature", "operator": "not_in", "value": ["a"]}]},
     {"event": {"type": "event", "name": "feature_used", "filters": {"and": [
         {"field": "count", "operator": "lt", "value": "2", "inverse": True},
         {"field": "feature", "operator": "eq", "value": "a", "inverse": True}]}},
      "times": 1, "within": 0, "inverse": False}),
])
def test_one_leaf_mapping(definition: dict[str, Any], leaf: dict[str, Any]) -> None:
    assert wire(definition) == one(leaf)
    assert decode(one(leaf), SEGMENT_KEYS, TYPES) == canonical(cond(definition), TYPES)


def test_in_is_an_or_of_eq_and_not_in_an_and_of_inverse_eq() -> None:
    assert wire({"attribute": "plan", "operator": "in", "value": ["a", "b"]}) == {"and": [
        {"or": [attr_leaf("plan", "eq", "a", False), attr_leaf("plan", "eq", "b", False)]}]}
    assert wire({"attribute": "plan", "operator": "not_in", "value": ["a", "b"]}) == {"and": [
        {"or": [attr_leaf("plan", "eq", "a", True)]},
        {"or": [attr_leaf("plan", "eq", "b", True)]}]}


def test_exactly_is_at_least_and_not_at_least_plus_one() -> None:
    def leaf(times: int, inverse: bool) -> dict[str, Any]:
        return {"event": {"type": "event", "name": "logged_in", "filters": {}},
                "times": times, "within": 86400, "inverse": inverse}
    assert wire({"event": "logged_in", "exactly": 2, "within": "24h"}) == {
        "and": [{"or": [leaf(2, False)]}, {"or": [leaf(3, True)]}]}
    # Negated, De Morgan makes it one group: at most 1 or at least 3.
    assert wire({"not": {"event": "logged_in", "exactly": 2, "within": "1d"}}) == {
        "and": [{"or": [leaf(2, True), leaf(3, False)]}]}


def test_not_over_a_group_is_pushed_to_the_leaves_and_distributed() -> None:
    data = {"not": {"all": [{"segment": "a"},
                            {"any": [{"segment": "b"}, {"attribute": "seats", "operator": "gt",
                                                        "value": 5}]}]}}
    seg = {"segment": {"id": 3}, "inverse": True}
    assert wire(data) == {"and": [
        {"or": [seg, {"segment": {"id": 12}, "inverse": True}]},
        {"or": [seg, attr_leaf("seats", "gt", "5", True)]}]}
    assert decode(wire(data), SEGMENT_KEYS, TYPES) == cond({"all": [
        {"any": [{"not": {"segment": "a"}}, {"not": {"segment": "b"}}]},
        {"any": [{"not": {"segment": "a"}},
                 {"attribute": "seats", "operator": "lte", "value": 5}]}]})


def test_decode_tolerates_the_read_back_variants() -> None:
    read_back = {"and": [
        {"id": 77, "segment": {"id": 3}},  # a group written as a bare leaf, catalog id
        {"or": [{"event": {"id": 9, "type": "attribute_change", "name": "plan", "filters": {
            "and": [{"field": "to", "operator": "eq", "value": "pro", "inverse": True}]}},
            "times": 1, "within": 0, "inverse": False}]},
        {"or": [{"event": {"type": "event", "name": "feature_used", "filters": {"and": [
            {"field": "feature", "operator": "!eq", "value": "x"}]}}, "times": 2,
            "within": 90}]},
    ]}
    assert decode(read_back, SEGMENT_KEYS, TYPES) == cond({"all": [
        {"segment": "a"},
        {"attribute": "plan", "operator": "neq", "value": "pro"},
        {"event": "feature_used", "at_least": 2, "within": "90s",
         "where": [{"property": "feature", "operator": "neq", "value": "x"}]}]})


@pytest.mark.parametrize(("body", "message"), [
    ({"or": []}, "expected {\"and\": [...]}"),
    (one({"attribute": {"field": "plan", "operator": "eq", "value": "x"}}), "unknown leaf"),
    (one({"event": {"type": "sent_email", "name": "x", "filters": {}}, "times": 1}),
     "activity type 'sent_email'"),
    (one({"segment": {"id": 999}}), "names no segment cioctl knows"),
    (one({"event": {"type": "event", "name": "feature_used", "filters": None}}),
     "stored as null"),
    (one(attr_leaf("plan", "exists", None, True)), "inverse 'exists'"),
    (one(attr_leaf("renews_at", "timestamp_gt", "-2592000", False)),
     "operator 'timestamp_gt' has no exact definitions form"),
    (one(attr_leaf("score", "bw", "1", False)), "operator 'bw'"),
    (one(attr_leaf("score", "gt", "high", False)), "'high' is not a number"),
    (one({"event": {"type": "attribute_change", "name": "plan", "filters": {"and": [
        {"field": "from", "operator": "eq", "value": "x", "inverse": False}]}}}),
     "compares"),
    (one({"event": {"type": "event", "name": "feature_used", "filters": {"or": [
        {"field": "feature", "operator": "eq", "value": "x", "inverse": False},
        {"field": "count", "operator": "eq", "value": "1", "inverse": False}]}}}),
     "an 'or' of different filters"),
])
def test_decode_refuses_what_the_definitions_cannot_say(body: Any, message: str) -> None:
    with pytest.raises(SegmentWireError) as caught:
        decode(body, SEGMENT_KEYS, TYPES)
    assert message in caught.value.message
    assert caught.value.hint and "manual: true" in caught.value.hint


def test_a_zero_window_is_refused_because_within_0_means_ever_on_the_wire() -> None:
    # The model refuses `within: 0s` too (on main); built without validation, the codec still
    # refuses rather than writing `within: 0`, which the wire reads as "ever" (evidence §4).
    empty = EventCondition.model_construct(event="logged_in", within="0s", where=[])
    with pytest.raises(InexpressibleConditionError, match="empty window"):
        encode(empty, SEGMENT_IDS, TYPES)


def test_encode_raises_the_first_refusal_and_a_missing_segment_id() -> None:
    with pytest.raises(InexpressibleConditionError, match="starts_with"):
        wire({"attribute": "plan", "operator": "starts_with", "value": "p"})
    with pytest.raises(CioctlError, match=r"has no Customer\.io id yet"):
        encode(cond({"segment": "zzz"}), SEGMENT_IDS, TYPES)


@settings(max_examples=300)
@given(CONDITIONS, st.lists(PEOPLE, min_size=2, max_size=2))
def test_round_trip_is_canonical_and_exact(data: Any, people: list[Person]) -> None:
    condition = cond(data)
    if refusals(condition, TYPES):
        with pytest.raises(InexpressibleConditionError):
            encode(condition, SEGMENT_IDS, TYPES)
        return
    body = encode(condition, SEGMENT_IDS, TYPES)
    back = decode(json.loads(json.dumps(body)), SEGMENT_KEYS, TYPES)
    assert back == canonical(condition, TYPES)
    assert encode(back, SEGMENT_IDS, TYPES) == body  # the canonical form is a fixed point
    for person in people:  # and the rewrite is exact in three-valued logic (semantics §2)
        assert evaluate(back, person) == evaluate(condition, person)


_POOL: dict[str, list[Any]] = {
    "plan": ["pro", "Pro", "free"], "score": [-1, 0.5, 2], "seats": [0, 1, 2],
    "verified": [True, False], "renews_at": [1699999999, 1700000000, 1700000001],
    "tags": [["pro"], [], ["a", "PRO"]], "meta": [{}],
}
_OPERANDS: dict[str, list[Any]] = {
    "plan": ["pro", "fr"], "score": [0.5], "seats": [1], "verified": [True],
    "renews_at": [1700000000, "2023-11-14T22:13:20Z"], "tags": ["pro"], "meta": [],
}


def _attribute_leaves() -> list[dict[str, Any]]:
    leaves: list[dict[str, Any]] = []
    for name, value_type in ATTRIBUTES.items():
        for op in sorted(OPERATORS_BY_TYPE[value_type]):
            if op in VALUELESS_OPERATORS:
                leaves.append({"attribute": name, "operator": op.value})
            elif op in (Operator.IN, Operator.NOT_IN):
                leaves.append({"attribute": name, "operator": op.value,
                               "value": _OPERANDS[name][:2] or [_POOL[name][0]]})
            else:
                leaves += [{"attribute": name, "operator": op.value, "value": v}
                           for v in _OPERANDS[name]]
    return leaves


@pytest.mark.parametrize("negate", [False, True])
@pytest.mark.parametrize("leaf", _attribute_leaves(), ids=str)
def test_every_attribute_operator_and_its_negation_is_exact(
    leaf: dict[str, Any], negate: bool
) -> None:
    """Exhaustive over held values and absence: boundary values (x == v) included."""
    condition = cond({"not": leaf} if negate else leaf)
    if refusals(condition, TYPES):
        return
    back = decode(encode(condition, SEGMENT_IDS, TYPES), SEGMENT_KEYS, TYPES)
    name = leaf["attribute"]
    for held in [*_POOL[name], None]:
        person = Person(attributes={} if held is None else {name: held})
        assert evaluate(back, person) == evaluate(condition, person), held


@pytest.mark.parametrize("negate", [False, True])
@pytest.mark.parametrize("rule", ["at_least", "at_most", "exactly"])
@pytest.mark.parametrize("n", [0, 1, 2])
@pytest.mark.parametrize("within", [None, "1d"])
def test_every_count_rule_and_its_negation_is_exact_under_the_profile_age_rule(
    negate: bool, rule: str, n: int, within: str | None
) -> None:
    leaf: dict[str, Any] = {"event": "logged_in", rule: n}
    if within:
        leaf["within"] = within
    condition = cond({"not": leaf} if negate else leaf)
    if refusals(condition, TYPES):
        assert rule == "at_least" and n == 0
        return
    back = decode(encode(condition, SEGMENT_IDS, TYPES), SEGMENT_KEYS, TYPES)
    for count in range(4):
        for data_age in (0, 86400):  # the window not yet covered / covered (semantics §3.2)
            person = Person(events=[("logged_in", 10, {})] * count, data_age=data_age)
            assert evaluate(back, person) == evaluate(condition, person), (count, data_age)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.sampled_from(
        ["and", "or", "event", "attribute_change", "to", "eq", "!eq", "exists", "gt",
         "timestamp_gta", "plan", "score", "feature_used", "feature", "1", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["and", "or", "event", "segment", "id", "type", "name", "filters", "field",
         "operator", "value", "inverse", "times", "within"]), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300)
@given(st.one_of(_JSON, st.builds(lambda e: {"and": [{"or": [e]}]}, _JSON)))
def test_decode_of_any_json_gives_a_condition_or_a_wire_error(body: Any) -> None:
    try:
        decode(body, SEGMENT_KEYS, TYPES)
    except SegmentWireError as error:
        assert error.hint
