"""Typed shapes of segment ``conditions`` on the Journeys wire (evidence §4).

The keys ``and``/``or`` are Python keywords, so those TypedDicts use the functional syntax.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class WireFilter(TypedDict):
    """``{"field", "operator", "value", "inverse"}`` (evidence §4)."""

    field: str
    operator: str
    value: NotRequired[str]
    """evidence §4: values are strings; ``exists`` carries none (no example shows one)."""
    inverse: bool

WireFilters = TypedDict(
    "WireFilters",
    {"and": NotRequired[list[WireFilter]], "or": NotRequired[list[WireFilter]]},
)
"""``{}`` or ``{"and"|"or": [filter…]}`` — one flat level (evidence §4)."""


class WireActivity(TypedDict):
    """What a leaf counts: activity type ``event`` or ``attribute_change``, name, filters."""

    type: str
    name: str
    filters: WireFilters


class WireEventLeaf(TypedDict):
    """``{"event": …, "times": n, "within": seconds, "inverse": bool}`` (evidence §4)."""

    event: WireActivity
    times: int
    within: int
    inverse: bool


class WireSegmentRef(TypedDict):
    """``{"id": 12}``."""

    id: int


class WireSegmentLeaf(TypedDict):
    """``{"segment": {"id": 12}, "inverse": bool}`` (evidence §4)."""

    segment: WireSegmentRef
    inverse: bool


WireLeaf = WireEventLeaf | WireSegmentLeaf

WireGroup = TypedDict("WireGroup", {"or": list[WireLeaf]})
"""One disjunction of the CNF (evidence §4)."""

WireConditions = TypedDict("WireConditions", {"and": list[WireGroup]})
"""The whole tree: an ``and`` of ``or`` groups (evidence §4, conjunctive normal form)."""
