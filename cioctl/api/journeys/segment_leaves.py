"""One literal ↔ one wire leaf (evidence §4), both ways.

- attribute ``X OP V`` → ``{"event": {"type": "attribute_change", "name": X, "filters":
  {"and": [{"field": "to", "operator": op, "value": "V", "inverse": false}]}}, "times": 1,
  "within": 0, "inverse": neg}`` (evidence §4: person attributes are ``attribute_change``
  leaves comparing ``to``, the value now; a bare ``attribute`` leaf answers 500);
- event ``E at_least n within W where F`` → ``{"event": {"type": "event", "name": E,
  "filters": F}, "times": n, "within": W seconds (0 = ever), "inverse": false}``;
  ``at_most n`` → the same with ``times: n+1`` and ``inverse: true``;
- ``{segment: k}`` / ``not {segment: k}`` → ``{"segment": {"id": N}, "inverse": false|true}``.
"""

from __future__ import annotations

from collections.abc import Mapping

from cioctl.api.journeys.errors import SegmentWireError
from cioctl.api.journeys.formula import Literal
from cioctl.api.journeys.wire_filters import (
    NEGATED_WIRE,
    filters_from_wire,
    filters_to_wire,
    op_from_wire,
    wire_filter,
)
from cioctl.api.journeys.wire_types import (
    WireActivity,
    WireEventLeaf,
    WireLeaf,
    WireSegmentLeaf,
)
from cioctl.api.journeys.wire_values import ValueTypes, duration_text
from cioctl.errors import CioctlError
from cioctl.model.base import duration_seconds
from cioctl.model.conditions import AttributeCondition, EventCondition, Not, SegmentCondition
from cioctl.model.types import Operator


def leaf_to_wire(
    literal: Literal, segment_ids: Mapping[str, int], types: ValueTypes
) -> WireLeaf:
    """The wire leaf of one normal-form literal."""
    if isinstance(literal, SegmentCondition | Not):
        return _segment_leaf(literal, segment_ids)
    if isinstance(literal, AttributeCondition):
        value_type = types.attribute(literal.attribute)
        # evidence §4: negation is the leaf's `inverse`; the filter stays positive.
        flt, inverse = wire_filter("to", literal.operator, literal.value, value_type)
        activity = WireActivity(type="attribute_change", name=literal.attribute,
                                filters={"and": [flt]})
        return WireEventLeaf(event=activity, times=1, within=0, inverse=inverse)
    activity = WireActivity(type="event", name=literal.event,
                            filters=filters_to_wire(literal, types))
    within = 0 if literal.within is None else duration_seconds(literal.within)
    if literal.at_most is not None:
        # at_most n = not at_least n+1 (docs/semantics.md §3.2; evidence §4 `inverse`).
        return WireEventLeaf(event=activity, times=literal.at_most + 1, within=within,
                             inverse=True)
    return WireEventLeaf(event=activity, times=literal.at_least or 1, within=within,
                         inverse=False)


def _segment_leaf(literal: SegmentCondition | Not, ids: Mapping[str, int]) -> WireSegmentLeaf:
    inner = literal.not_ if isinstance(literal, Not) else literal
    assert isinstance(inner, SegmentCondition), "normal form negates only segment references"
    if inner.segment not in ids:
        raise CioctlError(f"segment '{inner.segment}' has no Customer.io id yet",
                          hint="create the segments it refers to first (apply orders them)")
    return WireSegmentLeaf(segment={"id": ids[inner.segment]},
                           inverse=isinstance(literal, Not))


def leaf_from_wire(obj: object, keys: Mapping[int, str], types: ValueTypes) -> Literal:
    """One wire leaf (untrusted JSON) as its literal; a shape outside the grammar raises."""
    if not isinstance(obj, dict):
        raise SegmentWireError(f"a leaf is not an object: {obj!r}")
    inverse = _flag(obj, "inverse")
    if "segment" in obj:
        ref = obj["segment"]
        seg_id = ref.get("id") if isinstance(ref, dict) else None
        if not isinstance(seg_id, int) or seg_id not in keys:
            raise SegmentWireError(f"segment leaf {ref!r} names no segment cioctl knows")
        plain = SegmentCondition(segment=keys[seg_id])
        return Not.model_validate({"not": plain}) if inverse else plain
    activity = obj.get("event")
    if not isinstance(activity, dict):
        raise SegmentWireError(f"unknown leaf {sorted(obj)}: expected 'event' or 'segment'")
    times, within = _int(obj, "times", 1), _int(obj, "within", 0)
    kind, name = activity.get("type"), activity.get("name")
    if not isinstance(name, str):
        raise SegmentWireError(f"activity without a name: {activity!r}")
    if kind == "attribute_change":
        return _attribute_from_wire(name, activity.get("filters"), (times, within, inverse),
                                    types)
    if kind != "event":
        raise SegmentWireError(f"activity type {kind!r} has no counterpart in the definitions")
    if times < 1:
        raise SegmentWireError(f"event leaf '{name}' with times {times}")
    where = filters_from_wire(name, activity.get("filters"), types)
    window = None if within == 0 else duration_text(within)  # evidence §4: 0 = ever
    if inverse:
        return EventCondition(event=name, at_most=times - 1, within=window, where=where)
    return EventCondition(event=name, at_least=times, within=window, where=where)


def _attribute_from_wire(
    name: str, filters: object, shape: tuple[int, int, bool], types: ValueTypes
) -> AttributeCondition:
    times, within, inverse = shape
    items = filters.get("and") or filters.get("or") if isinstance(filters, dict) else None
    if not isinstance(items, list) or len(items) != 1 or times != 1 or within != 0:
        raise SegmentWireError(
            f"attribute '{name}' leaf is not one 'to' comparison with times 1 and within 0 "
            "(changes over time and 'from' are not in the definitions)")
    item = items[0]
    if not isinstance(item, dict) or item.get("field") != "to":
        raise SegmentWireError(f"attribute '{name}' leaf compares {item!r}, not 'to'")
    # Both `inverse` flags negate (evidence §4: "inverse on a leaf or a filter").
    operator, value = op_from_wire(item, types.attribute(name), f"attribute '{name}'")
    if inverse:
        operator = _flip(operator, name)
    return AttributeCondition(attribute=name, operator=operator, value=value)


def _flip(operator: Operator, name: str) -> Operator:
    if operator not in NEGATED_WIRE:
        raise SegmentWireError(f"inverse '{operator}' on '{name}' has no exact definitions form")
    return NEGATED_WIRE[operator]


def _flag(obj: Mapping[str, object], key: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise SegmentWireError(f"'{key}' is {value!r}, not true or false")
    return value


def _int(obj: Mapping[str, object], key: str, default: int) -> int:
    value = obj.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SegmentWireError(f"'{key}' is {value!r}, not a count of at least 0")
    return value
