"""Flow conditions (audience ``filter``, branch ``if``, ``wait_until``) as the campaign's flat
conditions array (evidence §5; decisions D3 in docs/journeys-wire.md) and back.

evidence §5: ``conditional_branch_action {conditions}`` is "a **flat array** of ``{"type":
"attribute"|"segments_negatable"|"event_attribute"|…, "field", "operator", "value"}``, not the
segment tree — the tree there → 500". D3: the entries are all ANDed, so what fits is a
conjunction of literals (``all`` of leaves, ``not`` over one leaf, ``any`` of one):

- ``{attribute: X, operator: OP, value: V}`` → ``{"type": "attribute", "field": X,
  "operator": op, "value": "V"}``; values are strings by the declared type (§4,
  :mod:`cioctl.api.journeys.wire_values`); ``exists``/``!exists`` carry no value; negations are
  ``!`` operators (D3): ``neq`` → ``!eq``, ``gte`` → ``!lt``, ``lte`` → ``!gt``,
  ``not_exists`` → ``!exists``, ``not_contains`` → ``!contains``; timestamps compare with
  ``timestamp_gta``/``timestamp_lta`` (§4); ``in``/``not_in`` of one value are ``eq``/``!eq``;
- ``{segment: k}`` / ``not {segment: k}`` → ``{"type": "segments_negatable", "segments": [N],
  "negate": false|true}`` (D3, the anchors entry of §5);
- ``{event: E, …}`` → ``{"type": "event", "name", "times", "within", "inverse", "filters"}``,
  the §4 event leaf flattened (D3; :mod:`cioctl.api.journeys.segment_leaves` does the counts,
  windows and filters); ``exactly: n`` is two entries.

Refused by :func:`condition_refusals` (path + hint): ``any`` of several, ``not`` over a group,
``in``/``not_in`` of several values, ``starts_with``, ``gte``/``lte``/``eq``/``neq`` on a
timestamp (no ``!timestamp_*`` operator is accepted, D3 clarification 2), ``not`` over
``exactly``, ``at_least: 0``, ``within: 0s``, values not of the declared type, event filters the
segment codec refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cioctl.api.journeys.errors import (
    CampaignEncodeError,
    CampaignWireError,
    SegmentWireError,
)
from cioctl.api.journeys.segment_leaves import leaf_from_wire, leaf_to_wire
from cioctl.api.journeys.wire_values import (
    ValueTypes,
    WireValueError,
    from_wire,
    to_wire,
)
from cioctl.errors import CioctlError
from cioctl.model.conditions import EventCondition
from cioctl.model.types import ValueType
from cioctl.state.canonical import condition_json, sort_unordered

JSON = dict[str, Any]

# definitions operator → wire operator (evidence §4/§5; D3 and its clarification 2).
_WIRE_OP = {"eq": "eq", "neq": "!eq", "exists": "exists", "not_exists": "!exists",
            "gt": "gt", "lt": "lt", "gte": "!lt", "lte": "!gt",
            "contains": "contains", "not_contains": "!contains"}
_TIMESTAMP_OP = {"gt": "timestamp_gta", "lt": "timestamp_lta", "exists": "exists",
                 "not_exists": "!exists"}
_FROM_WIRE = {wire: ours for ours, wire in _WIRE_OP.items()} | {
    "timestamp_gta": "gt", "timestamp_lta": "lt"}
_NEGATE = {"eq": "neq", "exists": "not_exists", "gt": "lte", "lt": "gte",
           "contains": "not_contains", "in": "not_in"}
_NEGATE |= {v: k for k, v in _NEGATE.items()}
_VALUELESS = {"exists", "not_exists"}
_SINGLE = {"in": "eq", "not_in": "neq"}


@dataclass(frozen=True)
class CampaignRefusal:
    """A flow part the campaign wire cannot hold exactly: where, why, how to rewrite it."""

    path: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} (hint: {self.hint})"


class _RefusedError(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


Literal = tuple[JSON, bool, str]
"""A leaf of the canonical condition, whether a ``not`` is over it, and its path."""


def _literals(condition: JSON, path: str, out: list[CampaignRefusal]) -> list[Literal]:
    """The ANDed literals of ``condition``; what is no conjunction goes to ``out``."""
    if "and" in condition:
        found: list[Literal] = []
        for index, child in enumerate(condition["and"]):
            found.extend(_literals(child, f"{path}.all[{index}]", out))
        return found
    if "or" in condition:
        if len(condition["or"]) == 1:
            return _literals(condition["or"][0], f"{path}.any[0]", out)
        out.append(CampaignRefusal(path, "'any' of several conditions cannot be written in a "
                                   "flow condition: the wire holds a flat array whose entries "
                                   "all must hold (evidence §5, D3)", "put the alternatives "
                                   "in a segment and test {segment: key}, or split the branch"))
        return []
    if "not" in condition:
        inner = condition["not"]
        if not {"and", "or", "not"} & inner.keys():
            return [(inner, True, f"{path}.not")]
        out.append(CampaignRefusal(path, "'not' over a group cannot be written in a flow "
                                   "condition (the flat array negates single entries, D3)",
                                   "negate each condition, or test a segment holding the group"))
        return []
    return [(condition, False, path)]


def _attribute_entry(node: JSON, negated: bool, types: ValueTypes) -> JSON:
    operator, value = node["operator"], node.get("value")
    if operator in _SINGLE:
        if not isinstance(value, list) or len(value) != 1:
            count = len(value) if isinstance(value, list) else 0
            raise _RefusedError(f"'{operator}' with {count} values is an 'any', which a flow "
                                "condition cannot hold (D3)", "use a segment, or one value")
        operator, value = _SINGLE[operator], value[0]
    if negated:
        operator = _NEGATE[operator]
    value_type = types.attribute(node["field"])
    table = _TIMESTAMP_OP if value_type is ValueType.TIMESTAMP else _WIRE_OP
    if operator not in table:
        raise _RefusedError(f"operator '{operator}' on attribute '{node['field']}' has no flow-"
                       "condition form (D3: eq !eq exists !exists lt !lt gt !gt contains "
                       "!contains; timestamps timestamp_lta/gta)",
                       "rewrite with one of those operators (for timestamps: gt or lt)")
    entry: JSON = {"type": "attribute", "field": node["field"], "operator": table[operator]}
    if operator not in _VALUELESS:
        try:  # §4: values are strings; the text must read back as the declared type
            entry["value"] = to_wire(value_type or ValueType.STRING, value)
            from_wire(value_type, entry["value"])
        except WireValueError as problem:
            raise _RefusedError(str(problem), "write the value in the declared type") from None
    return entry


def _event_entries(node: JSON, negated: bool, types: ValueTypes) -> list[JSON]:
    rule, count = node["count_operator"], node["count"]
    if negated:
        if rule == "exactly":
            raise _RefusedError("'not' over 'exactly' is an 'any' of two counts (D3)",
                           "use at_least or at_most")
        rule, count = ("at_most", count - 1) if rule == "at_least" else ("at_least", count + 1)
    if rule == "at_least" and count < 1:
        raise _RefusedError("'at_least: 0' always holds", "drop the condition, or count from 1")
    if node["within_seconds"] == 0:
        raise _RefusedError("'within: 0s' would mean 'ever' on the wire (§4)", "leave within out")
    rules = [("at_least", count), ("at_most", count)] if rule == "exactly" and count else \
        [("at_most", 0) if rule == "exactly" else (rule, count)]
    entries = []
    for name, number in rules:
        model = _event_model(node, name, number)
        counts: Any = leaf_to_wire(model, {}, types)  # an event literal: an event leaf
        activity: Any = counts["event"]  # D3: the §4 event leaf, flattened into one entry
        entries.append({"type": "event", "name": activity["name"], "times": counts["times"],
                        "within": counts["within"], "inverse": counts["inverse"],
                        "filters": activity["filters"]})
    return entries


def _event_model(node: JSON, rule: str, count: int) -> EventCondition:
    within = node["within_seconds"]
    data: JSON = {"event": node["name"], rule: count,
                  "where": [{"property": f["field"], "operator": f["operator"],
                             "value": f.get("value")} for f in node["filters"]]}
    if within is not None:
        data["within"] = f"{within}s"
    try:
        return EventCondition.model_validate(data)
    except ValidationError as problem:
        raise _RefusedError(f"event '{node['name']}': {problem.errors()[0]['msg']}",
                       "write the event condition as the definitions reference says") from None


def _entries(literal: Literal, ids: Mapping[str, int], types: ValueTypes) -> list[JSON]:
    leaf, negated, _ = literal
    try:
        if "segment" in leaf:
            key = leaf["segment"]["key"]
            if key not in ids:
                raise _RefusedError(f"segment '{key}' has no Customer.io id yet",
                               "create the segments it refers to first (apply orders them)")
            return [{"type": "segments_negatable", "segments": [ids[key]], "negate": negated}]
        if "attribute" in leaf:
            return [_attribute_entry(leaf["attribute"], negated, types)]
        return _event_entries(leaf["event"], negated, types)
    except (CioctlError, WireValueError) as problem:
        raise _RefusedError(str(problem), "see docs/journeys-wire.md (Leaves)") from None


def condition_refusals(condition: JSON, path: str, types: ValueTypes,
                       segment_ids: Mapping[str, int] | None = None) -> list[CampaignRefusal]:
    """Every reason the canonical ``condition`` has no exact flat-array form."""
    out: list[CampaignRefusal] = []
    for literal in _literals(condition, path, out):
        try:
            _entries(literal, segment_ids or _AnyId(), types)
        except _RefusedError as refused:
            out.append(CampaignRefusal(literal[2], str(refused), refused.hint))
    return out


class _AnyId(dict[str, int]):
    """Segment ids when only the shape is checked: every key resolves."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> int:
        return 1


def encode_conditions(condition: JSON, segment_ids: Mapping[str, int],
                      types: ValueTypes) -> list[JSON]:
    """The flat array of an accepted condition (:class:`CampaignEncodeError` otherwise)."""
    out: list[CampaignRefusal] = []
    literals = _literals(condition, "condition", out)
    if out:
        raise CampaignEncodeError(f"{out[0].path}: {out[0].message}", hint=out[0].hint)
    try:
        return [entry for lit in literals for entry in _entries(lit, segment_ids, types)]
    except _RefusedError as refused:
        raise CampaignEncodeError(str(refused), hint=refused.hint) from None


def decode_conditions(wire: object, segment_keys: Mapping[int, str], types: ValueTypes,
                      what: str) -> JSON:
    """A flat conditions array read from the service (untrusted) as a canonical condition."""
    if not isinstance(wire, list) or not wire:
        raise CampaignWireError(f"{what}: conditions {wire!r} are not a non-empty array")
    return join([_leaf_from_wire(entry, segment_keys, types, what) for entry in wire])


def join(literals: list[JSON]) -> JSON:
    """Literals as one canonical condition (one literal alone, several under ``and``)."""
    return literals[0] if len(literals) == 1 else sort_unordered({"and": literals})


def canonical_condition(condition: JSON, types: ValueTypes) -> JSON:
    """What decoding gives back for an accepted ``condition`` (the round-trip target).

    Defined as decode ∘ encode: the leaf rules (counts, windows, value types) are the segment
    codec's, whose own property test holds them exact.
    """
    keys = sorted(segment_keys(condition))
    ids = {key: number for number, key in enumerate(keys, start=1)}
    entries = encode_conditions(condition, ids, types)
    return decode_conditions(entries, {n: k for k, n in ids.items()}, types, "condition")


def segment_keys(node: object) -> set[str]:
    """Keys of the segments a canonical condition refers to."""
    if isinstance(node, dict):
        if "segment" in node and isinstance(node["segment"], dict):
            return {node["segment"]["key"]}
        return set().union(*(segment_keys(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(segment_keys(v) for v in node))
    return set()


def _leaf_from_wire(entry: object, keys: Mapping[int, str], types: ValueTypes,
                    what: str) -> JSON:
    if not isinstance(entry, dict):
        raise CampaignWireError(f"{what}: condition {entry!r} is not an object")
    kind = entry.get("type")
    if kind == "segments_negatable":
        return _segment_from_wire(entry, keys, what)
    if kind == "event":
        leaf = {"event": {"type": "event", "name": entry.get("name"),
                          "filters": entry.get("filters")},
                "times": entry.get("times"), "within": entry.get("within"),
                "inverse": entry.get("inverse", False)}
        try:
            return condition_json(leaf_from_wire(leaf, keys, types))
        except SegmentWireError as problem:
            raise CampaignWireError(f"{what}: event condition: {problem.message}") from None
        except ValidationError as problem:
            raise CampaignWireError(f"{what}: event condition: {problem.errors()[0]['msg']}"
                                    ) from None
    if kind != "attribute" or not isinstance(entry.get("field"), str):
        raise CampaignWireError(f"{what}: condition type {kind!r} has no definitions form")
    operator = _FROM_WIRE.get(str(entry.get("operator")))
    if operator is None:
        raise CampaignWireError(f"{what}: operator {entry.get('operator')!r} has no "
                                "definitions form")
    result: JSON = {"field": entry["field"], "operator": operator}
    if operator not in _VALUELESS:
        text = entry.get("value")
        if not isinstance(text, str):
            raise CampaignWireError(f"{what}: value {text!r} is not a string (evidence §4)")
        try:
            result["value"] = from_wire(types.attribute(entry["field"]), text)
        except WireValueError as problem:
            raise CampaignWireError(f"{what}: {problem}") from None
    return {"attribute": result}


def _segment_from_wire(entry: JSON, keys: Mapping[int, str], what: str) -> JSON:
    ids = entry.get("segments")
    if not isinstance(ids, list) or len(ids) != 1 or ids[0] not in keys:
        raise CampaignWireError(f"{what}: segment condition {entry!r} names no single "
                                "segment cioctl knows")
    leaf: JSON = {"segment": {"key": keys[ids[0]]}}
    return {"not": leaf} if entry.get("negate") is True else leaf
