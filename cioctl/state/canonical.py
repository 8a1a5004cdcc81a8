"""Canonical JSON for conditions, triggers and steps (the modeled Journeys grammar, with
segment references written as keys).

Both the desired side (from models) and the live side (from API bodies) end in these shapes;
``sort_unordered`` puts logically unordered lists (and/or children, filters, tags) in one order.
"""

from __future__ import annotations

import json
from typing import Any

from cioctl.model.base import duration_seconds
from cioctl.model.conditions import (
    AllOf,
    AnyOf,
    AttributeCondition,
    Condition,
    EventCondition,
    Not,
    PropertyFilter,
    SegmentCondition,
)
from cioctl.model.types import VALUELESS_OPERATORS

JSON = dict[str, Any]
UNORDERED_KEYS = frozenset({"and", "or", "filters"})


def _stable(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def sort_unordered(value: Any) -> Any:
    """Sort and/or children and filter lists, recursively, by their JSON text."""
    if isinstance(value, dict):
        result = {k: sort_unordered(v) for k, v in value.items()}
        for key in UNORDERED_KEYS & result.keys():
            if isinstance(result[key], list):
                result[key] = sorted(result[key], key=_stable)
        return result
    if isinstance(value, list):
        return [sort_unordered(v) for v in value]
    return value


def comparison(field: str, operator: str, value: Any) -> JSON:
    """``{field, operator[, value]}`` as the API stores it."""
    node: JSON = {"field": field, "operator": operator}
    if operator not in {str(o) for o in VALUELESS_OPERATORS}:
        node["value"] = value
    return node


def filter_json(item: PropertyFilter) -> JSON:
    """An event property filter."""
    return comparison(item.property, str(item.operator), item.value)


def condition_json(condition: Condition) -> JSON:
    """A model condition in the canonical grammar."""
    if isinstance(condition, AllOf):
        return {"and": [condition_json(c) for c in condition.all]}
    if isinstance(condition, AnyOf):
        return {"or": [condition_json(c) for c in condition.any]}
    if isinstance(condition, Not):
        return {"not": condition_json(condition.not_)}
    if isinstance(condition, AttributeCondition):
        return {"attribute": comparison(condition.attribute, str(condition.operator),
                                        condition.value)}
    if isinstance(condition, SegmentCondition):
        return {"segment": {"key": condition.segment}}
    assert isinstance(condition, EventCondition)
    count_operator, count = condition.count_rule
    return {"event": {
        "name": condition.event,
        "count_operator": count_operator,
        "count": count,
        "within_seconds": duration_seconds(condition.within) if condition.within else None,
        "filters": [filter_json(f) for f in condition.where],
    }}


def segment_keys(node: Any) -> set[str]:
    """Keys of every segment a canonical condition (or step list, or flow) refers to: in the
    codec's JSON (``{"segment": {"key": k}}``) or in the definitions' words (``{segment: k}``,
    a flow's segment trigger too; ``#<id>`` names no known segment and is not a key)."""
    found: set[str] = set()
    if isinstance(node, dict):
        segment = node.get("segment")
        if isinstance(segment, dict) and isinstance(segment.get("key"), str):
            found.add(segment["key"])
        elif isinstance(segment, str) and not segment.startswith("#"):
            found.add(segment)
        for value in node.values():
            found |= segment_keys(value)
    elif isinstance(node, list):
        for value in node:
            found |= segment_keys(value)
    return found


def map_segment_refs(node: Any, id_to_key: dict[int, str]) -> Any:
    """Live → canonical: ``{"segment": {"id": 7}}`` becomes ``{"segment": {"key": "k"}}``.

    An id with no known key is kept as ``{"id": 7}`` so the diff shows it honestly.
    """
    if isinstance(node, dict):
        segment = node.get("segment")
        if len(node) == 1 and isinstance(segment, dict) and "id" in segment:
            key = id_to_key.get(segment["id"])
            return {"segment": {"key": key} if key else {"id": segment["id"]}}
        return {k: map_segment_refs(v, id_to_key) for k, v in node.items()}
    if isinstance(node, list):
        return [map_segment_refs(v, id_to_key) for v in node]
    return node
