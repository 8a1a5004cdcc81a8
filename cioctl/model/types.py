"""Value types shared by events, attributes and conditions, and which operators fit them."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any


class ValueType(StrEnum):
    """The type of an attribute or an event property."""

    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"
    ARRAY = "array"
    OBJECT = "object"


class Operator(StrEnum):
    """A comparison in a condition."""

    EQ = "eq"
    NEQ = "neq"
    EXISTS = "exists"
    NOT_EXISTS = "not_exists"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    STARTS_WITH = "starts_with"
    IN = "in"
    NOT_IN = "not_in"


_PRESENCE = {Operator.EXISTS, Operator.NOT_EXISTS}
_EQUALITY = {Operator.EQ, Operator.NEQ, Operator.IN, Operator.NOT_IN}
_ORDER = {Operator.GT, Operator.GTE, Operator.LT, Operator.LTE}
_TEXT = {Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.STARTS_WITH}

OPERATORS_BY_TYPE: dict[ValueType, frozenset[Operator]] = {
    ValueType.STRING: frozenset(_PRESENCE | _EQUALITY | _TEXT),
    ValueType.NUMBER: frozenset(_PRESENCE | _EQUALITY | _ORDER),
    ValueType.INTEGER: frozenset(_PRESENCE | _EQUALITY | _ORDER),
    ValueType.BOOLEAN: frozenset(_PRESENCE | {Operator.EQ, Operator.NEQ}),
    ValueType.TIMESTAMP: frozenset(_PRESENCE | _ORDER | {Operator.EQ, Operator.NEQ}),
    ValueType.ARRAY: frozenset(_PRESENCE | {Operator.CONTAINS, Operator.NOT_CONTAINS}),
    ValueType.OBJECT: frozenset(_PRESENCE),
}

VALUELESS_OPERATORS = frozenset(_PRESENCE)
LIST_OPERATORS = frozenset({Operator.IN, Operator.NOT_IN})


def value_fits(value_type: ValueType, operator: Operator, value: Any) -> bool:
    """Whether ``value`` is a sensible operand of ``operator`` on a ``value_type`` field."""
    if operator in LIST_OPERATORS:
        return isinstance(value, list) and all(_scalar_fits(value_type, v) for v in value)
    if value_type is ValueType.ARRAY:
        return isinstance(value, str | int | float | bool)
    return _scalar_fits(value_type, value)


def _scalar_fits(value_type: ValueType, value: Any) -> bool:
    if value_type is ValueType.BOOLEAN:
        return isinstance(value, bool)
    if value_type is ValueType.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if value_type is ValueType.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if value_type is ValueType.TIMESTAMP:
        return isinstance(value, int | str) and not isinstance(value, bool)
    return isinstance(value, str)


MAX_SAFE_INTEGER = 2**53 - 1
"""Numbers sent to Customer.io travel as JSON: integers beyond ±(2^53 - 1) lose precision in
JSON parsers that read every number as a double, and NaN / infinity are not JSON at all."""


def unsendable_number(value: Any) -> str | None:
    """Why a value (or a number inside it) cannot be sent as JSON, or None."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number (JSON has no NaN or infinity)"
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        return (f"{value:.6g} is out of range: whole numbers must be within "
                f"±{MAX_SAFE_INTEGER:,} (2^53 - 1)")
    items = value.values() if isinstance(value, dict) else value if isinstance(
        value, list) else ()
    return next((p for p in map(unsendable_number, items) if p is not None), None)
