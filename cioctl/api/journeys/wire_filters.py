"""Filters (``{"field", "operator", "value", "inverse"}``, evidence §4) both ways.

Operators (evidence §4 lists ``eq exists lt gt contains bw timestamp_lt/gt/lta/gta/bw``):

| definitions     | wire operator                           | inverse |
|-----------------|-----------------------------------------|---------|
| eq / neq        | eq                                      | no / yes |
| exists          | exists                                  | no      |
| gt / lte        | gt (timestamps: timestamp_gta)          | no / yes |
| lt / gte        | lt (timestamps: timestamp_lta)          | no / yes |
| contains / not_contains | contains                        | no / yes |
| in (event filter, alone) | ``{"or": [eq …]}``             | no      |

``gte`` = ``not lt`` holds in three-valued logic for every ordered type (both are UNKNOWN when
the value is missing), so no integer trick is needed. Read-backs may also carry ``!eq``-style
operators (evidence §4, campaign filters): a ``!`` prefix is read as one more ``inverse``.
"""

from __future__ import annotations

from collections.abc import Mapping

from cioctl.api.journeys.errors import SegmentWireError
from cioctl.api.journeys.wire_types import WireFilter, WireFilters
from cioctl.api.journeys.wire_values import ValueTypes, WireValueError, from_wire, to_wire
from cioctl.model.conditions import EventCondition, PropertyFilter
from cioctl.model.types import Operator, ValueType

_WIRE_OP: dict[Operator, tuple[str, bool]] = {
    Operator.EQ: ("eq", False), Operator.NEQ: ("eq", True),
    Operator.EXISTS: ("exists", False),
    Operator.GT: ("gt", False), Operator.LTE: ("gt", True),
    Operator.LT: ("lt", False), Operator.GTE: ("lt", True),
    Operator.CONTAINS: ("contains", False), Operator.NOT_CONTAINS: ("contains", True),
}
# evidence §4: timestamp_lta / timestamp_gta compare with an absolute Unix time.
_TIMESTAMP_OP = {"gt": "timestamp_gta", "lt": "timestamp_lta"}
_FROM_PLAIN = {"eq": Operator.EQ, "exists": Operator.EXISTS, "gt": Operator.GT,
               "lt": Operator.LT, "contains": Operator.CONTAINS}
_FROM_TIMESTAMP = {"timestamp_gta": Operator.GT, "timestamp_lta": Operator.LT}
NEGATED_WIRE = {
    Operator.EQ: Operator.NEQ, Operator.NEQ: Operator.EQ,
    Operator.GT: Operator.LTE, Operator.LTE: Operator.GT,
    Operator.LT: Operator.GTE, Operator.GTE: Operator.LT,
    Operator.CONTAINS: Operator.NOT_CONTAINS, Operator.NOT_CONTAINS: Operator.CONTAINS,
}
"""Negations with an exact definitions form (``inverse exists`` has none: semantics §9)."""


def wire_filter(
    field: str, operator: Operator, value: object, value_type: ValueType | None
) -> tuple[WireFilter, bool]:
    """The positive wire filter for ``operator`` and whether it needs ``inverse``."""
    name, inverse = _WIRE_OP[operator]
    if value_type is ValueType.TIMESTAMP:
        name = _TIMESTAMP_OP.get(name, name)
    if operator is Operator.EXISTS:
        return WireFilter(field=field, operator=name, inverse=False), inverse
    text = to_wire(value_type or ValueType.STRING, value)  # evidence §4: values are strings
    return WireFilter(field=field, operator=name, value=text, inverse=False), inverse


def filters_to_wire(literal: EventCondition, types: ValueTypes) -> WireFilters:
    """An event's ``where`` as one flat filter list (evidence §4: ``{}`` or and/or)."""
    where = literal.where
    if not where:
        return {}
    if len(where) == 1 and where[0].operator is Operator.IN:
        value_type = types.prop(literal.event, where[0].property)
        return {"or": [wire_filter(where[0].property, Operator.EQ, v, value_type)[0]
                       for v in where[0].value]}
    items: list[WireFilter] = []
    for item in where:
        flt, inverse = wire_filter(item.property, item.operator, item.value,
                                   types.prop(literal.event, item.property))
        flt["inverse"] = inverse  # evidence §4: a filter is negated by its own `inverse`
        items.append(flt)
    return {"and": items}


def filters_from_wire(event: str, filters: object, types: ValueTypes) -> list[PropertyFilter]:
    """An event leaf's filters (untrusted JSON) as ``where`` filters."""
    if filters is None:
        raise SegmentWireError(f"event '{event}' has filters stored as null (evidence §2: "
                               "the service stores a malformed filter as null)")
    if not isinstance(filters, dict) or len(filters) > 1 or not set(filters) <= {"and", "or"}:
        raise SegmentWireError(f"event '{event}' filters {filters!r} are not one and/or list")
    if not filters:
        return []
    (join, items), = filters.items()
    if not isinstance(items, list) or not items:
        raise SegmentWireError(f"event '{event}' filters hold no list of filters")
    parsed = [_property(event, item, types) for item in items]
    if join == "and" or len(parsed) == 1:
        return parsed
    if all(p.operator is Operator.EQ and p.property == parsed[0].property for p in parsed):
        return [PropertyFilter(property=parsed[0].property, operator=Operator.IN,
                               value=[p.value for p in parsed])]
    raise SegmentWireError(f"event '{event}' has an 'or' of different filters, which a "
                           "'where' list cannot say")


def _property(event: str, item: object, types: ValueTypes) -> PropertyFilter:
    if not isinstance(item, dict) or not isinstance(item.get("field"), str):
        raise SegmentWireError(f"event '{event}' has a filter without a field: {item!r}")
    field: str = item["field"]
    operator, value = op_from_wire(item, types.prop(event, field),
                                   f"property '{field}' of event '{event}'")
    return PropertyFilter(property=field, operator=operator, value=value)


def op_from_wire(
    item: Mapping[str, object], value_type: ValueType | None, what: str
) -> tuple[Operator, object]:
    """A wire filter's operator (with its ``inverse``) and typed value."""
    raw, inverse = item.get("operator"), item.get("inverse", False)
    if not isinstance(raw, str) or not isinstance(inverse, bool):
        raise SegmentWireError(f"{what}: filter {dict(item)!r} has no operator/inverse")
    if raw.startswith("!"):
        raw, inverse = raw[1:], not inverse
    if raw in _FROM_TIMESTAMP and value_type in (ValueType.TIMESTAMP, None):
        operator, value_type = _FROM_TIMESTAMP[raw], ValueType.TIMESTAMP
    elif raw in _FROM_PLAIN and not (value_type is ValueType.TIMESTAMP and raw != "exists"):
        operator = _FROM_PLAIN[raw]
    else:
        raise SegmentWireError(f"{what}: operator '{raw}' has no exact definitions form")
    value = None if operator is Operator.EXISTS else _value(item, value_type, what)
    if inverse:
        if operator not in NEGATED_WIRE:
            raise SegmentWireError(f"{what}: inverse '{raw}' has no exact definitions form")
        operator = NEGATED_WIRE[operator]
    return operator, value


def _value(item: Mapping[str, object], value_type: ValueType | None, what: str) -> object:
    text = item.get("value")
    if not isinstance(text, str):
        raise SegmentWireError(f"{what}: value {text!r} is not a string (evidence §4)")
    try:
        return from_wire(value_type, text)
    except WireValueError as problem:
        raise SegmentWireError(f"{what}: {problem}") from None
