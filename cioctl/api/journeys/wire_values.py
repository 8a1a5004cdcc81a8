"""How typed definition values and durations are written as the wire's strings and seconds.

Rule (evidence §4: "values are **strings**"), by the declared type of the attribute/property:

- string → verbatim: ``"pro"``;
- integer → decimal: ``10`` → ``"10"``;
- number → the shortest exact decimal, never an exponent: ``0.7`` → ``"0.7"``,
  ``1e20`` → ``"100000000000000000000"``; NaN and infinities are refused;
- boolean → ``"true"`` / ``"false"``;
- timestamp → Unix seconds, ``"1700000000"`` (evidence §4: ``timestamp_lta``/``gta`` take an
  absolute Unix time); an ISO 8601 value is converted, no zone meaning UTC;
- an array's ``contains`` operand → the rule of the operand's own type; it decodes as a string.

Decoding reverses the rule with the declared type, so a value survives the round trip; the
canonical value of a timestamp is its Unix seconds (an int).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from cioctl.model.types import ValueType


@dataclass(frozen=True)
class ValueTypes:
    """Declared types the codec needs: attributes by name, event properties by event."""

    attributes: Mapping[str, ValueType] = field(default_factory=dict)
    properties: Mapping[str, Mapping[str, ValueType]] = field(default_factory=dict)

    def attribute(self, name: str) -> ValueType | None:
        """The attribute's type, or None when it is not declared."""
        return self.attributes.get(name)

    def event_declared(self, event: str) -> bool:
        """Whether the event is declared."""
        return event in self.properties

    def prop(self, event: str, name: str) -> ValueType | None:
        """The property's type, or None when the event or property is not declared."""
        return self.properties.get(event, {}).get(name)


class WireValueError(ValueError):
    """A definitions value the wire cannot carry exactly (message is user-facing)."""


def to_unix(value: object) -> int:
    """A timestamp value (Unix seconds or ISO 8601; no zone = UTC) as Unix seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise WireValueError(f"'{value}' is not a Unix timestamp or an ISO 8601 date") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if parsed.microsecond:
            raise WireValueError(f"'{value}' has sub-second precision; the wire has seconds")
        return int(parsed.timestamp())
    raise WireValueError(f"{value!r} is not a timestamp")


def canonical_value(value_type: ValueType, value: object) -> object:
    """The value as decoding will give it back (timestamps as Unix seconds, arrays as text)."""
    if value_type is ValueType.TIMESTAMP:
        return to_unix(value)
    if value_type is ValueType.ARRAY:
        return to_wire(_scalar_type(value), value)
    if isinstance(value, float) and not math.isfinite(value):
        raise WireValueError(f"{value} is not a finite number")
    return value


def to_wire(value_type: ValueType, value: object) -> str:
    """A definitions value as its wire string (see the module table)."""
    if value_type is ValueType.TIMESTAMP:
        return str(to_unix(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise WireValueError(f"{value} is not a finite number")
        text = repr(value)
        if "e" not in text:
            return text
        # An exponent (1e+20) may not parse on the service; write plain decimals instead: a
        # whole float as its exact integer, a tiny one as the shortest decimal that reads back.
        return str(int(value)) if value.is_integer() else format(Decimal(text), "f")
    if isinstance(value, str):
        return value
    raise WireValueError(f"{value!r} cannot be written as a filter value")


_INTEGER = re.compile(r"^-?[0-9]+$")
# A whole number beyond 2^53 - 1 was written from a float (definitions refuse such integers,
# JSON readers hold them as doubles): read it back as that float, exactly.
_SAFE_INTEGER = 2**53 - 1


def from_wire(value_type: ValueType | None, text: str) -> object:
    """A wire string back as the declared type's value (undeclared: the string itself)."""
    if value_type in (ValueType.INTEGER, ValueType.TIMESTAMP):
        if not _INTEGER.match(text):
            raise WireValueError(f"'{text}' is not an integer")
        return int(text)
    if value_type is ValueType.NUMBER:
        if _INTEGER.match(text) and abs(int(text)) <= _SAFE_INTEGER:
            return int(text)
        try:
            number = float(text)
        except ValueError:
            raise WireValueError(f"'{text}' is not a number") from None
        if not math.isfinite(number):
            raise WireValueError(f"'{text}' is not a finite number")
        return number
    if value_type is ValueType.BOOLEAN:
        if text.lower() not in ("true", "false"):
            raise WireValueError(f"'{text}' is not true or false")
        return text.lower() == "true"
    return text


def _scalar_type(value: object) -> ValueType:
    if isinstance(value, bool):
        return ValueType.BOOLEAN
    if isinstance(value, int | float):
        return ValueType.NUMBER
    return ValueType.STRING


_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def duration_text(seconds: int) -> str:
    """Seconds as the largest exact unit, days at most: 2592000 → ``30d``, 90 → ``90s``.

    Weeks are not used: Customer.io counts windows in days ("within the past X days").
    """
    for unit, size in _UNITS:
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    raise AssertionError("unreachable: every integer is a whole number of seconds")
