"""Condition validation as the live service does it (evidence §4, §5; docs/journeys-wire.md D3).

Segment conditions are CNF trees; anything else there — a bare ``attribute`` leaf, a ``not``
node, a nested ``and``, a non-string filter value — answers an opaque **500** (§4, S13). A
``segment`` leaf naming an unknown segment, the segment itself or a reference cycle is a 422
(D13, clarification 1). Flow conditions are flat arrays of entries (D3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cioctl.emulator.journeys_common import NotEncodedError, decode_b64, invalid, server_error

# Activity types of §4 (S5, S13; the last five named, not shown).
ACTIVITY_TYPES = frozenset({
    "event", "attribute_change", "sent_email", "opened_email", "delivered_action",
    "clicked_action", "device_change", "relationship", "related_object_attribute",
    "relationship_attribute", "optout",
})
# Operators of §4; !lt/!gt decided (docs/journeys-wire.md clarification 2).
FILTER_OPS = frozenset({
    "eq", "!eq", "exists", "!exists", "lt", "!lt", "gt", "!gt", "contains", "!contains", "bw",
    "timestamp_lt", "timestamp_gt", "timestamp_lta", "timestamp_gta", "timestamp_bw",
})
_NO_VALUE = frozenset({"exists", "!exists"})
_TWO_VALUES = frozenset({"bw", "timestamp_bw"})
_LEAF_EXTRAS = frozenset({"times", "within", "inverse", "id"})  # §4; id: clarification 3

SegmentCheck = Callable[[int], str | None]
"""Given a referenced segment id: None when it may be referenced, else why not."""


class MalformedError(Exception):
    """A tree the live service cannot read (answered 500)."""


def check_segment_conditions(tree: Any, check_ref: SegmentCheck) -> None:
    """Raise a 500 for a malformed CNF tree, a 422 for a bad segment reference (§4)."""
    try:
        leaves = list(_cnf_leaves(tree))
    except MalformedError:
        raise server_error() from None
    for leaf in leaves:
        if "segment" in leaf:
            problem = check_ref(leaf["segment"]["id"])
            if problem:
                raise invalid("conditions", problem)


def _cnf_leaves(tree: Any) -> Iterator[dict[str, Any]]:
    groups = _only(tree, "and")
    if not groups:
        raise MalformedError
    for group in groups:
        if isinstance(group, dict) and set(group) == {"or"}:  # a bare leaf is a group of one
            items = _only(group, "or")
            if not items:
                raise MalformedError
        else:
            items = [group]
        for leaf in items:
            _leaf(leaf)
            yield leaf


def _only(node: Any, key: str) -> list[Any]:
    if not isinstance(node, dict) or set(node) != {key} or not isinstance(node[key], list):
        raise MalformedError
    return list(node[key])


def _leaf(leaf: Any) -> None:
    if not isinstance(leaf, dict):
        raise MalformedError
    kinds = {"event", "segment"} & set(leaf)
    if len(kinds) != 1 or set(leaf) - kinds - _LEAF_EXTRAS:
        raise MalformedError  # "attribute", "not", "and" … as leaves: 500 (§4)
    if not isinstance(leaf.get("inverse", False), bool):
        raise MalformedError
    if "segment" in leaf:
        ref = leaf["segment"]
        if not isinstance(ref, dict) or type(ref.get("id")) is not int:
            raise MalformedError
        return
    _event(leaf)


def _event(leaf: dict[str, Any]) -> None:
    event = leaf["event"]
    if not isinstance(event, dict) or event.get("type") not in ACTIVITY_TYPES:
        raise MalformedError
    if not isinstance(event.get("name"), str) or not event["name"]:
        raise MalformedError
    for key, low in (("times", 1), ("within", 0)):
        value = leaf.get(key, low)
        if type(value) is not int or value < low:
            raise MalformedError
    _filters(event.get("filters", {}))


def _filters(node: Any) -> None:
    if node == {}:
        return
    if not isinstance(node, dict) or len(node) != 1 or next(iter(node)) not in ("and", "or"):
        raise MalformedError
    items = next(iter(node.values()))
    if not isinstance(items, list) or not items:
        raise MalformedError
    for item in items:
        if not filter_ok(item):
            raise MalformedError


def filter_ok(item: Any) -> bool:
    """``{field, operator, value, inverse}`` with a string value (§4)."""
    if not isinstance(item, dict) or not isinstance(item.get("field"), str):
        return False
    operator = item.get("operator")
    if operator not in FILTER_OPS or not isinstance(item.get("inverse", False), bool):
        return False
    if operator in _NO_VALUE:
        return "value" not in item or isinstance(item["value"], str)
    if operator in _TWO_VALUES and not isinstance(item.get("value2"), str):
        return False
    return isinstance(item.get("value"), str)


def segment_refs(tree: Any) -> list[int]:
    """Segment ids named by a stored (valid) CNF tree."""
    found: list[int] = []
    for group in (tree or {}).get("and", []) if isinstance(tree, dict) else []:
        items = group["or"] if isinstance(group, dict) and "or" in group else [group]
        found += [leaf["segment"]["id"] for leaf in items if "segment" in leaf]
    return found


# --- flat entries (D3) ----------------------------------------------------------------------

def check_entries(entries: Any, field_name: str, segment_exists: Callable[[int], bool]) -> None:
    """422 unless ``entries`` is a list of valid flat condition entries (D3)."""
    if not isinstance(entries, list):
        raise invalid(field_name, "must be an array of conditions")
    for entry in entries:
        problem = _entry_problem(entry, segment_exists)
        if problem:
            raise invalid(field_name, problem)


def _entry_problem(entry: Any, segment_exists: Callable[[int], bool]) -> str | None:
    kind = entry.get("type") if isinstance(entry, dict) else None
    if kind in ("attribute", "event_attribute"):
        ok = filter_ok({k: v for k, v in entry.items() if k != "type"})
        return None if ok else f"bad {kind} condition: {entry!r}"
    if kind == "segments_negatable":
        return _anchor_problem(entry, segment_exists)
    if kind == "event":
        leaf = {"event": {"type": "event", "name": entry.get("name"),
                          "filters": entry.get("filters", {})},
                **{k: entry[k] for k in ("times", "within", "inverse") if k in entry}}
        try:
            _leaf(leaf)
        except MalformedError:
            return f"bad event condition: {entry!r}"
        return None
    return f"unknown condition type {kind!r}"


def _anchor_problem(entry: Any, segment_exists: Callable[[int], bool]) -> str | None:
    segments = entry.get("segments")
    if not isinstance(entry.get("negate", False), bool) or not isinstance(segments, list) \
            or not segments or not all(type(s) is int for s in segments):
        return f"bad segments condition: {entry!r}"
    missing = [s for s in segments if not segment_exists(s)]
    return f"segment {missing[0]} not found" if missing else None


def entry_segments(entries: Any) -> list[int]:
    """Segment ids named by stored flat entries (or anchors)."""
    found: list[int] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("type") == "segments_negatable":
            found += [s for s in entry.get("segments", []) if type(s) is int]
    return found


def campaign_segments(doc: dict[str, Any]) -> set[int]:
    """Every segment a stored campaign names: trigger, anchors, filters, conditions, exits.

    Fields: evidence §5 (raw ``trigger``; encoded ``anchors``/``filters``/``conditions``/
    ``multi_conditions``; ``global_exit_conditions``); "uses" as D9 defines it."""
    found: set[int] = set(_trigger_segments(doc.get("trigger")))
    encoded = [doc.get("anchors"), doc.get("filters")]
    for action in doc.get("actions", []):
        encoded += [action.get("conditions"), action.get("multi_conditions")]
    for value in encoded:
        try:
            decoded = decode_b64(value)
        except NotEncodedError:
            continue
        groups = decoded if decoded and all(isinstance(g, list) for g in decoded) else [decoded]
        for group in groups:
            found.update(entry_segments(group))
    for exit_condition in doc.get("global_exit_conditions") or []:
        found.add(exit_condition["segment"]["id"])
    return found


def _trigger_segments(node: Any) -> Iterator[int]:
    if isinstance(node, dict):
        if set(node) == {"segment"} and isinstance(node["segment"], dict):
            yield node["segment"]["id"]
        for value in node.values():
            yield from _trigger_segments(value)
    elif isinstance(node, list):
        for item in node:
            yield from _trigger_segments(item)
