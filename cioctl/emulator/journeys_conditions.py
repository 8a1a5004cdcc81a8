"""Validation of the modeled condition grammar (docs/journeys-modeled.md, "Condition grammar").

Every violation is a 400 in shape A whose ``source.pointer`` is the JSON pointer of the bad node.
Referenced segments must exist (``segment.id``), and a segment may not reference itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cioctl.emulator.web import ApiError

ATTR_OPS = frozenset({
    "eq", "neq", "exists", "not_exists", "gt", "gte", "lt", "lte", "contains", "not_contains",
    "starts_with", "in", "not_in",
})
COUNT_OPS = frozenset({"at_least", "at_most", "exactly"})
MAX_DEPTH = 10
NODE_KEYS = ("and", "or", "not", "segment", "attribute", "event")

SegmentExists = Callable[[int], bool]


def _bad(pointer: str, detail: str) -> ApiError:
    return ApiError(400, detail, pointer=pointer)


def validate(node: Any, pointer: str, segment_exists: SegmentExists, depth: int = 1) -> None:
    """Raise a pointer error unless ``node`` is a valid condition tree."""
    if depth > MAX_DEPTH:
        raise _bad(pointer, f"conditions nest deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict) or len(node) != 1:
        raise _bad(pointer, "a condition is an object with exactly one key")
    key, value = next(iter(node.items()))
    here = f"{pointer}/{key}"
    if key in ("and", "or"):
        _group(value, here, segment_exists, depth)
    elif key == "not":
        validate(value, here, segment_exists, depth + 1)
    elif key == "segment":
        _segment(value, here, segment_exists)
    elif key == "attribute":
        _attribute(value, here)
    elif key == "event":
        _event(value, here)
    else:
        raise _bad(here, f"unknown condition {key!r}; expected one of {', '.join(NODE_KEYS)}")


def _group(items: Any, pointer: str, segment_exists: SegmentExists, depth: int) -> None:
    if not isinstance(items, list) or not items:
        raise _bad(pointer, "and/or need a non-empty list of conditions")
    for i, item in enumerate(items):
        validate(item, f"{pointer}/{i}", segment_exists, depth + 1)


def _segment(value: Any, pointer: str, segment_exists: SegmentExists) -> None:
    if not isinstance(value, dict) or type(value.get("id")) is not int:
        raise _bad(pointer, "segment needs an integer id")
    if not segment_exists(value["id"]):
        raise _bad(f"{pointer}/id",
                   f"segment {value['id']} does not exist or would form a cycle")


def _attribute(value: Any, pointer: str) -> None:
    check_comparison(value, pointer)


def check_comparison(value: Any, pointer: str) -> None:
    """A ``{field, operator, value?}`` comparison (attribute nodes and event filters)."""
    if not isinstance(value, dict):
        raise _bad(pointer, "a comparison must be an object")
    field, op = value.get("field"), value.get("operator")
    if not isinstance(field, str) or not field:
        raise _bad(f"{pointer}/field", "field must be a non-empty string")
    if op not in ATTR_OPS:
        raise _bad(f"{pointer}/operator", f"operator must be one of {', '.join(sorted(ATTR_OPS))}")
    if op in ("exists", "not_exists"):
        return
    if "value" not in value:
        raise _bad(f"{pointer}/value", f"operator {op} needs a value")
    if op in ("in", "not_in") and not isinstance(value["value"], list):
        raise _bad(f"{pointer}/value", f"operator {op} needs a list value")


def _event(value: Any, pointer: str) -> None:
    if not isinstance(value, dict):
        raise _bad(pointer, "event must be an object")
    if not isinstance(value.get("name"), str) or not value["name"]:
        raise _bad(f"{pointer}/name", "name must be a non-empty string")
    if value.get("count_operator") not in COUNT_OPS:
        raise _bad(f"{pointer}/count_operator",
                   "count_operator must be at_least, at_most or exactly")
    count = value.get("count")
    if type(count) is not int or count < 0:
        raise _bad(f"{pointer}/count", "count must be an integer >= 0")
    within = value.get("within_seconds")
    if within is not None and (type(within) is not int or within <= 0):
        raise _bad(f"{pointer}/within_seconds", "within_seconds must be a positive integer or null")
    filters = value.get("filters", [])
    if not isinstance(filters, list):
        raise _bad(f"{pointer}/filters", "filters must be a list")
    for i, item in enumerate(filters):
        check_comparison(item, f"{pointer}/filters/{i}")


def segment_ids(node: Any) -> list[int]:
    """Ids of the segments a (valid) condition tree names, in order, without repeats."""
    found: list[int] = []
    _collect(node, found)
    return list(dict.fromkeys(found))


def _collect(node: Any, found: list[int]) -> None:
    if not isinstance(node, dict) or len(node) != 1:
        return
    key, value = next(iter(node.items()))
    if key in ("and", "or") and isinstance(value, list):
        for item in value:
            _collect(item, found)
    elif key == "not":
        _collect(value, found)
    elif key == "segment" and isinstance(value, dict):
        found.append(value["id"])
