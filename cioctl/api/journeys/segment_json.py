"""Segment conditions between the wire (evidence §4 CNF) and the canonical JSON plans diff.

The rest of cioctl compares conditions as the canonical JSON of :mod:`cioctl.state.canonical`
(``{"and": [...]}``, ``{"or": [...]}``, ``{"attribute": {field, operator, value}}``,
``{"event": {...}}``, ``{"segment": {"key": k}}``, ``{"not": ...}``). Both sides of a diff go
through the codec of :mod:`cioctl.api.journeys.segment_conditions` so they meet in one form:

- desired: ``canonical(condition)`` — the CNF the codec writes, read back;
- live: ``decode(wire)``;

each then written as canonical JSON and sorted. An unchanged workspace therefore plans no
change, and a plan shows conditions as the codec's CNF (``and`` of ``or`` groups of literals,
one-literal groups unwrapped, negation only on literals) with the definitions' operators and
typed values (``neq``, ``at_most``, ``within_seconds``).

Segment references travel as placeholder keys (``segment_ref_<id>``) through the codec, so any
live id — a leftover copy's ``key#id`` or an unknown one — survives decoding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from cioctl.api.journeys.errors import SegmentWireError
from cioctl.api.journeys.segment_conditions import ValueTypes, canonical, decode, encode
from cioctl.api.journeys.wire_types import WireConditions
from cioctl.api.journeys.wire_values import duration_text
from cioctl.model.conditions import Condition
from cioctl.state.canonical import condition_json, sort_unordered

JSON = dict[str, Any]
_PLACEHOLDER = "segment_ref_"


class _PlaceholderKeys(Mapping[int, str]):
    """Every segment id as ``segment_ref_<id>`` (a valid definitions key)."""

    def __getitem__(self, seg_id: int) -> str:
        return f"{_PLACEHOLDER}{seg_id}"

    def __contains__(self, seg_id: object) -> bool:
        return isinstance(seg_id, int) and not isinstance(seg_id, bool)

    def __iter__(self) -> Iterator[int]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _PlaceholderIds(Mapping[str, int]):
    """``segment_ref_<id>`` → id (what :class:`_PlaceholderKeys` wrote)."""

    def __getitem__(self, key: str) -> int:
        if not key.startswith(_PLACEHOLDER):
            raise KeyError(key)
        return int(key[len(_PLACEHOLDER):])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.startswith(_PLACEHOLDER)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def desired_conditions(condition: Condition, types: ValueTypes) -> JSON:
    """A definition's condition in the form a live read of it decodes to."""
    return _sorted(condition_json(canonical(condition, types)))


def live_conditions(wire: object, id_to_key: Mapping[int, str], types: ValueTypes) -> JSON:
    """Wire conditions as canonical JSON, segments by key (``{"id": N}`` when unknown).

    A tree outside the grammar (edited in the UI with something the definitions cannot say)
    becomes ``{"unreadable": <wire>}``: it differs from any definition, so a managed segment
    is written back, and an unmanaged one is shown as it is.
    """
    try:
        tree = condition_json(decode(wire, _PlaceholderKeys(), types))
    except SegmentWireError:
        return {"unreadable": wire}
    return _sorted(_with_keys(tree, id_to_key))


def wire_conditions(node: JSON, segment_id: Callable[[str], int],
                    types: ValueTypes) -> WireConditions:
    """Canonical JSON (segments by key) as the CNF to send; ``segment_id`` resolves keys."""
    return encode(condition_from_json(_with_placeholders(node, segment_id)), _PlaceholderIds(),
                  types)


def _sorted(tree: JSON) -> JSON:
    result: JSON = sort_unordered(tree)
    return result


def _with_keys(node: Any, id_to_key: Mapping[int, str]) -> Any:
    if isinstance(node, dict):
        ref = node.get("segment")
        if isinstance(ref, dict) and str(ref.get("key", "")).startswith(_PLACEHOLDER):
            seg_id = int(str(ref["key"])[len(_PLACEHOLDER):])
            key = id_to_key.get(seg_id)
            return {"segment": {"key": key} if key else {"id": seg_id}}
        return {k: _with_keys(v, id_to_key) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_keys(v, id_to_key) for v in node]
    return node


def _with_placeholders(node: Any, segment_id: Callable[[str], int]) -> Any:
    if isinstance(node, dict):
        ref = node.get("segment")
        if isinstance(ref, dict) and ("key" in ref or "id" in ref):
            seg_id = ref["id"] if "id" in ref else segment_id(str(ref["key"]))
            return {"segment": {"key": f"{_PLACEHOLDER}{seg_id}"}}
        return {k: _with_placeholders(v, segment_id) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_placeholders(v, segment_id) for v in node]
    return node


def condition_from_json(node: JSON) -> Condition:
    """The inverse of :func:`cioctl.state.canonical.condition_json`."""
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Condition] = TypeAdapter(Condition)
    return adapter.validate_python(_definition(node))


def _definition(node: JSON) -> JSON:
    """Canonical JSON → the definitions' YAML form of the same condition."""
    if "and" in node:
        return {"all": [_definition(c) for c in node["and"]]}
    if "or" in node:
        return {"any": [_definition(c) for c in node["or"]]}
    if "not" in node:
        return {"not": _definition(node["not"])}
    if "segment" in node:
        return {"segment": node["segment"]["key"]}
    if "attribute" in node:
        item = node["attribute"]
        return {"attribute": item["field"], **_comparison(item)}
    event = node["event"]
    out: JSON = {"event": event["name"], event["count_operator"]: event["count"]}
    if event.get("within_seconds"):
        out["within"] = duration_text(int(event["within_seconds"]))
    if event.get("filters"):
        out["where"] = [{"property": f["field"], **_comparison(f)} for f in event["filters"]]
    return out


def _comparison(item: JSON) -> JSON:
    out: JSON = {"operator": item["operator"]}
    if "value" in item:
        out["value"] = item["value"]
    return out
