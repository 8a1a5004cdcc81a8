"""Canonical conditions → definitions data: the inverse of :mod:`cioctl.state.canonical`.

``{"and": [...]}`` becomes ``{all: [...]}``, ``or`` → ``any``, ``{"attribute": {field,
operator, value}}`` → ``{attribute, operator, value}``, event nodes → ``{event, at_least |
at_most | exactly, within, where}`` and ``{"segment": {"key": k}}`` → ``{segment: k}``.
Whatever has no definitions form raises :class:`UnrepresentableError` with the reason.
"""

from __future__ import annotations

import re
from typing import Any

from cioctl.model.types import VALUELESS_OPERATORS

Data = dict[str, Any]
UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60))
COUNT_OPERATORS = frozenset({"at_least", "at_most", "exactly"})
_VALUELESS = frozenset(str(o) for o in VALUELESS_OPERATORS)


class UnrepresentableError(ValueError):
    """A live value that the definitions format cannot express (the message says why)."""


def duration(seconds: Any) -> str:
    """Seconds as the largest exact unit: 2592000 → ``30d``, 300 → ``5m``, 90 → ``90s``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise UnrepresentableError(f"duration {seconds!r} is not a whole number of seconds")
    for unit, size in UNITS:
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _comparison(name_key: str, node: Any) -> Data:
    if not isinstance(node, dict) or not isinstance(node.get("field"), str):
        raise UnrepresentableError(f"comparison {node!r} has no field")
    operator = node.get("operator")
    result = {name_key: node["field"], "operator": operator}
    if operator not in _VALUELESS:
        result["value"] = _typed(node.get("value"))
    return result


def _typed(value: Any) -> Any:
    """A value read back without a declared type is the wire's string (evidence §4: values are
    strings): ``"true"``/``"false"`` and decimal numbers are imported as what they spell, so
    the inferred type fits and writing them again gives the same strings."""
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if not isinstance(value, str):
        return value
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"-?(0|[1-9][0-9]{0,15})", value):
        return int(value)
    if re.fullmatch(r"-?(0|[1-9][0-9]*)\.[0-9]*[1-9]", value):
        return float(value)
    return value


def property_filters(filters: Any) -> list[Data]:
    """Event property filters ``[{field, operator, value}]`` → ``[{property, operator, value}]``."""
    if not isinstance(filters, list):
        raise UnrepresentableError(f"event filters {filters!r} are not a list")
    return [_comparison("property", f) for f in filters]


def _event(node: Any) -> Data:
    if not isinstance(node, dict) or not isinstance(node.get("name"), str):
        raise UnrepresentableError(f"event condition {node!r} has no event name")
    result: Data = {"event": node["name"]}
    count_operator, count = node.get("count_operator", "at_least"), node.get("count", 1)
    if count_operator not in COUNT_OPERATORS:
        raise UnrepresentableError(f"event count operator {count_operator!r} is not supported")
    if (count_operator, count) != ("at_least", 1):
        result[count_operator] = count
    if node.get("within_seconds") is not None:
        result["within"] = duration(node["within_seconds"])
    where = property_filters(node.get("filters") or [])
    if where:
        result["where"] = where
    return result


def condition(node: Any) -> Data:
    """One canonical condition node as definitions data."""
    if not isinstance(node, dict) or len(node) != 1:
        raise UnrepresentableError(f"condition {node!r} is not a single-key object")
    ((tag, body),) = node.items()
    if tag in ("and", "or"):
        if not isinstance(body, list) or not body:
            raise UnrepresentableError(f"'{tag}' needs a non-empty list")
        return {"all" if tag == "and" else "any": [condition(c) for c in body]}
    if tag == "not":
        return {"not": condition(body)}
    if tag == "attribute":
        return _comparison("attribute", body)
    if tag == "segment":
        if isinstance(body, dict) and isinstance(body.get("key"), str):
            return {"segment": body["key"]}
        raise UnrepresentableError(f"segment reference {body!r} names no segment that exists "
                              "(deleted, or not readable)")
    if tag == "event":
        return _event(body)
    raise UnrepresentableError(f"condition type '{tag}' is not supported by cioctl")
