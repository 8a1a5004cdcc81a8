"""One comparison of a stored value with a condition's value, by the declared type
(docs/semantics.md sections 1 and 2).

A stored value that is missing or does not parse as the declared type is *absent*: every
operator except ``exists``/``not_exists`` is then UNKNOWN. Strings compare case-insensitively.
"""

from __future__ import annotations

import math
import operator as py_operator
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cioctl.model.types import Operator, ValueType
from cioctl.semantics.people import JsonValue, Truth

Scalar = bool | float | str
"""A parsed value: booleans, numbers and timestamps (as Unix seconds) and case-folded text."""
Parsed = Scalar | tuple[JsonValue, ...] | dict[str, JsonValue]


def infer_type(value: JsonValue) -> ValueType:
    """The type of an undeclared attribute or property, from the condition's value
    (**[assumed]**: Customer.io types nothing; this makes ``eq 5`` numeric and ``eq 'a'``
    textual, the way the condition was written)."""
    sample = value[0] if isinstance(value, list) and value else value
    if isinstance(sample, bool):
        return ValueType.BOOLEAN
    if isinstance(sample, int | float):
        return ValueType.NUMBER
    return ValueType.STRING


def parse(value: JsonValue, value_type: ValueType) -> Parsed | None:
    """``value`` as ``value_type``, or None when it is absent or does not parse."""
    if value is None:
        return None
    parser = _PARSERS.get(value_type, _text)
    return parser(value)


def _number(value: JsonValue) -> Parsed | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _boolean(value: JsonValue) -> Parsed | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _timestamp(value: JsonValue) -> Parsed | None:
    """Unix seconds or ISO 8601 (docs/semantics.md section 1, [doc, 14]); a zone-less ISO
    value is read as UTC **[assumed]**."""
    number = _number(value)
    if number is not None or not isinstance(value, str):
        return number
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _text(value: JsonValue) -> Parsed | None:
    if isinstance(value, list | dict):
        return None
    return text_of(value)


def _array(value: JsonValue) -> Parsed | None:
    return tuple(value) if isinstance(value, list) else None


def _object(value: JsonValue) -> Parsed | None:
    return dict(value) if isinstance(value, dict) else None


_PARSERS: dict[ValueType, Callable[[JsonValue], Parsed | None]] = {
    ValueType.STRING: _text,
    ValueType.NUMBER: _number,
    ValueType.INTEGER: _number,
    ValueType.BOOLEAN: _boolean,
    ValueType.TIMESTAMP: _timestamp,
    ValueType.ARRAY: _array,
    ValueType.OBJECT: _object,
}


def text_of(value: JsonValue) -> str:
    """The case-folded text form of a scalar, as the wire would carry it (every filter value
    travels as a string [evidence §4]): ``True`` → ``"true"``, ``5.0`` → ``"5"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).casefold()


def compare(stored: JsonValue, operator: Operator, expected: JsonValue,
            value_type: ValueType) -> Truth:
    """One attribute or property leaf under section 2's rule."""
    have = parse(stored, value_type)
    if operator is Operator.EXISTS:
        return Truth.of(have is not None)
    if operator is Operator.NOT_EXISTS:
        return Truth.of(have is None)
    if have is None:
        return Truth.UNKNOWN
    if operator in (Operator.IN, Operator.NOT_IN):
        options = expected if isinstance(expected, list) else [expected]
        hits = [_equal(have, parse(option, value_type)) for option in options]
        found = any(hits)
        return Truth.of(found if operator is Operator.IN else not found)
    return _binary(have, operator, expected, value_type)


def _binary(have: Parsed, operator: Operator, expected: JsonValue,
            value_type: ValueType) -> Truth:
    if operator in (Operator.CONTAINS, Operator.NOT_CONTAINS):
        found = _contains(have, expected)
        return Truth.of(found if operator is Operator.CONTAINS else not found)
    if operator is Operator.STARTS_WITH:
        return Truth.of(isinstance(have, str) and have.startswith(text_of(expected)))
    want = parse(expected, value_type)
    if want is None:
        # A condition value that is not of the attribute's type compares as nothing: the
        # checks refuse such definitions, so this only guards undeclared data.
        return Truth.UNKNOWN
    if operator is Operator.EQ:
        return Truth.of(_equal(have, want))
    if operator is Operator.NEQ:
        return Truth.of(not _equal(have, want))
    return _order(have, operator, want)


def _equal(have: Parsed, want: Parsed | None) -> bool:
    if isinstance(have, tuple) or isinstance(want, tuple):
        return False if want is None else _same_items(have, want)
    return want is not None and type(have) is type(want) and have == want


def _same_items(have: Parsed, want: Parsed) -> bool:
    if not (isinstance(have, tuple) and isinstance(want, tuple)) or len(have) != len(want):
        return False
    return all(_loose(a) == _loose(b) for a, b in zip(have, want, strict=True))


def _loose(value: JsonValue) -> str | None:
    return None if isinstance(value, list | dict) or value is None else text_of(value)


def _contains(have: Parsed, expected: JsonValue) -> bool:
    """Array: membership of the value (compared as wire text); string: a substring
    (case-insensitive, **[assumed]** in section 1)."""
    needle = text_of(expected) if not isinstance(expected, list | dict) else None
    if needle is None:
        return False
    if isinstance(have, tuple):
        return any(_loose(item) == needle for item in have)
    if isinstance(have, str):
        return needle in have
    return False


def _order(have: Parsed, operator: Operator, want: Parsed) -> Truth:
    """Numbers and timestamps by value, text by its case-folded form; anything else (a
    boolean, an array) has no order and compares as UNKNOWN."""
    orderable = isinstance(have, float | str) and not isinstance(have, bool)
    if not orderable or type(have) is not type(want):
        return Truth.UNKNOWN
    return Truth.of(bool(_ORDERS[operator](have, want)))


_ORDERS: dict[Operator, Callable[[Any, Any], Any]] = {
    Operator.GT: py_operator.gt,
    Operator.GTE: py_operator.ge,
    Operator.LT: py_operator.lt,
    Operator.LTE: py_operator.le,
}
