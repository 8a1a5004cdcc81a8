"""Shared pieces of the segment-codec tests: a symbol table, a parser, and a Kleene evaluator.

The evaluator is written from docs/semantics.md §2 and §3.2 directly (three-valued logic, the
profile-age rule, counts defined on "at least"), independently of the codec, so that the
property test can check the codec's rewrites are exact, not merely self-consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from cioctl.api.journeys.segment_conditions import ValueTypes
from cioctl.model.base import duration_seconds
from cioctl.model.conditions import (
    AllOf,
    AnyOf,
    AttributeCondition,
    Condition,
    EventCondition,
    Not,
    SegmentCondition,
)
from cioctl.model.types import Operator
from cioctl.model.types import ValueType as V

CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)

ATTRIBUTES = {
    "plan": V.STRING, "score": V.NUMBER, "seats": V.INTEGER, "verified": V.BOOLEAN,
    "renews_at": V.TIMESTAMP, "tags": V.ARRAY, "meta": V.OBJECT,
}
PROPERTIES = {
    "feature_used": {"feature": V.STRING, "count": V.INTEGER, "at": V.TIMESTAMP},
    "logged_in": {},
}
TIMESTAMPS = {"renews_at", "at"}
TYPES = ValueTypes(attributes=ATTRIBUTES, properties=PROPERTIES)
SEGMENT_IDS = {"a": 3, "b": 12, "c": 40}
SEGMENT_KEYS = {v: k for k, v in SEGMENT_IDS.items()}


def cond(data: Any) -> Condition:
    """A condition from its YAML-shaped data."""
    return CONDITION.validate_python(data)


Truth = bool | None  # None is UNKNOWN


@dataclass
class Person:
    """What the evaluator needs about one person at the evaluation instant."""

    attributes: dict[str, Any] = field(default_factory=dict)
    segments: dict[str, bool] = field(default_factory=dict)
    events: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    """``(name, age in seconds, properties)``."""
    data_age: int = 0
    """Seconds since the person's data starts (profile age, semantics §1)."""


def _and(values: list[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values: list[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _not(value: Truth) -> Truth:
    return None if value is None else not value


def evaluate(condition: Condition, person: Person) -> Truth:
    """Kleene value of ``condition`` for ``person`` (docs/semantics.md §2, §3)."""
    if isinstance(condition, AllOf):
        return _and([evaluate(c, person) for c in condition.all])
    if isinstance(condition, AnyOf):
        return _or([evaluate(c, person) for c in condition.any])
    if isinstance(condition, Not):
        return _not(evaluate(condition.not_, person))
    if isinstance(condition, SegmentCondition):
        return person.segments.get(condition.segment, False)
    if isinstance(condition, AttributeCondition):
        return compare(condition.operator, condition.value, condition.attribute,
                       person.attributes)
    return _event(condition, person)


def _event(node: EventCondition, person: Person) -> Truth:
    window = None if node.within is None else duration_seconds(node.within)
    count = sum(
        1 for name, age, props in person.events
        if name == node.event and (window is None or age < window)
        and all(compare(f.operator, f.value, f.property, props) is True for f in node.where)
    )
    covered = window is None or person.data_age >= window

    def at_least(n: int) -> Truth:
        if n == 0 or count >= n:
            return True
        return False if covered else None

    rule, n = node.count_rule
    if rule == "at_least":
        return at_least(n)
    if rule == "at_most":
        return _not(at_least(n + 1))
    return _and([at_least(n), _not(at_least(n + 1))])


def _unix(value: Any) -> int:
    if isinstance(value, int):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())


def _norm(value: Any, like: Any) -> Any:
    if isinstance(value, str) and isinstance(like, str):
        return value.lower()  # string equality is case-insensitive (evidence §4)
    return value


def compare(op: Operator, expected: Any, name: str, values: dict[str, Any]) -> Truth:
    """One comparison with section 2's rule: a missing value is UNKNOWN (except exists)."""
    if op is Operator.EXISTS:
        return name in values
    if op is Operator.NOT_EXISTS:
        return name not in values
    if name not in values:
        return None
    actual = values[name]
    negative = {Operator.NEQ: Operator.EQ, Operator.NOT_IN: Operator.IN,
                Operator.NOT_CONTAINS: Operator.CONTAINS}
    if op in negative:
        return _not(compare(negative[op], expected, name, values))
    if op is Operator.IN:
        return any(compare(Operator.EQ, v, name, values) for v in expected)
    if op is Operator.CONTAINS:
        if isinstance(actual, list):
            return any(_norm(a, expected) == _norm(expected, a) for a in actual)
        return str(expected).lower() in str(actual).lower()
    if op is Operator.STARTS_WITH:
        return str(actual).lower().startswith(str(expected).lower())
    if name in TIMESTAMPS:
        actual, expected = _unix(actual), _unix(expected)
    if op is Operator.EQ:
        return bool(_norm(actual, expected) == _norm(expected, actual))
    ordered = {Operator.GT: actual > expected, Operator.GTE: actual >= expected,
               Operator.LT: actual < expected, Operator.LTE: actual <= expected}
    return bool(ordered[op])

