"""Segment ``conditions``: the definitions' condition tree ↔ the Journeys wire form.

Written from the evidence page (customerio-journeys-evidence.md §4) and the three-valued rule of
docs/semantics.md §2; docs/journeys-wire.md is the team-facing summary. The mapping:

- the whole tree → ``{"and": [{"or": [leaf, …]}, …]}``: CNF by De Morgan and distribution,
  at most ``MAX_CNF_LEAVES`` leaves;
- ``{attribute: X, operator: OP, value: V}`` → an ``attribute_change`` leaf named X with one
  filter on ``to``, ``times: 1``, ``within: 0``;
- ``eq``/``exists``/``gt``/``lt``/``contains`` → the same wire operator (timestamps:
  ``timestamp_gta``/``timestamp_lta``); ``neq``/``lte``/``gte``/``not_contains`` →
  ``eq``/``gt``/``lt``/``contains`` with ``inverse: true``;
- ``in`` / ``not_in`` → an ``or`` of ``eq`` leaves / an ``and`` of inverse ``eq`` leaves;
- ``not C`` → pushed to the leaves, flipping ``inverse`` (the wire has no ``not`` node);
- ``{event: E, at_least: n, within: W, where: F}`` → ``{"event": {"type": "event", "name": E,
  "filters": F'}, "times": n, "within": W in seconds (none = 0 = ever), "inverse": false}``;
  ``at_most: n`` → ``times: n+1``, ``inverse: true``; ``exactly: n`` → both (two groups);
- ``where`` → ``{"and": [filter…]}``; an ``in`` alone → ``{"or": [eq…]}``; none → ``{}``;
- ``{segment: k}`` / ``not {segment: k}`` → ``{"segment": {"id": N}, "inverse": false|true}``;
- values → strings (:mod:`cioctl.api.journeys.wire_values` has the rule per type).

Refused (never approximated, see :mod:`cioctl.api.journeys.formula` for the wording):
``not_exists`` and ``not`` over ``exists``; ``starts_with``; ``eq``/``neq`` on timestamps;
empty ``in``/``not_in``; ``at_least: 0``; ``within: 0s``; an event ``in`` filter beside other
filters; more than ``MAX_CNF_LEAVES`` leaves after distribution; values that do not parse as
the declared type.

``decode`` reads what ``encode`` writes (plus the tolerated variants: a group written as a
bare leaf, ``inverse`` on the filter instead of the leaf, ``!op`` operators, read-back ``id``
keys) into the *canonical* tree: ``canonical(c)`` — an ``all`` of ``any`` groups of literals,
one-element groups unwrapped. ``decode(encode(c)) == canonical(c)`` for every accepted ``c``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from cioctl.api.journeys.errors import SegmentWireError
from cioctl.api.journeys.formula import Clause, Literal, Refusal
from cioctl.api.journeys.normal_form import MAX_CNF_LEAVES, normalize
from cioctl.api.journeys.segment_leaves import leaf_from_wire, leaf_to_wire
from cioctl.api.journeys.wire_types import WireConditions, WireGroup
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.errors import DefinitionError
from cioctl.model.conditions import AllOf, AnyOf, Condition

__all__ = [
    "MAX_CNF_LEAVES",
    "InexpressibleConditionError",
    "SegmentWireError",
    "ValueTypes",
    "canonical",
    "decode",
    "encode",
    "refusals",
]


class InexpressibleConditionError(DefinitionError):
    """A condition the segment API cannot hold exactly (raised by :func:`encode`)."""


def refusals(condition: Condition, types: ValueTypes) -> list[Refusal]:
    """Every reason ``condition`` cannot be written exactly (empty when it can)."""
    return normalize(condition, types).refusals


def canonical(condition: Condition, types: ValueTypes) -> Condition:
    """The form :func:`decode` gives back for ``condition`` after :func:`encode`."""
    return _tree(_clauses(condition, types))


def encode(
    condition: Condition, segment_ids: Mapping[str, int], types: ValueTypes
) -> WireConditions:
    """``condition`` as the wire's CNF (evidence §4); raises when it is not exact."""
    groups: list[WireGroup] = [
        {"or": [leaf_to_wire(literal, segment_ids, types) for literal in clause]}
        for clause in _clauses(condition, types)
    ]
    return {"and": groups}


def decode(wire: object, segment_keys: Mapping[int, str], types: ValueTypes) -> Condition:
    """Wire conditions (untrusted JSON) as the canonical definitions tree."""
    items = wire.get("and") if isinstance(wire, dict) else None
    if not isinstance(items, list) or not items:
        raise SegmentWireError(f"expected {{\"and\": [...]}} at the root, got {wire!r}")
    try:
        return _tree([_group(item, segment_keys, types) for item in items])
    except ValidationError as exc:  # a shape the checks above let through: still no traceback
        raise SegmentWireError(f"a leaf does not form a valid definition: {exc}") from None


def _group(item: object, keys: Mapping[int, str], types: ValueTypes) -> Clause:
    if isinstance(item, dict) and "or" in item:
        leaves = item["or"]
        if not isinstance(leaves, list) or not leaves:
            raise SegmentWireError(f"an 'or' group holds no leaves: {item!r}")
        return [leaf_from_wire(leaf, keys, types) for leaf in leaves]
    # evidence §4: "A group of one leaf may be written without its `or`".
    return [leaf_from_wire(item, keys, types)]


def _clauses(condition: Condition, types: ValueTypes) -> list[Clause]:
    result = normalize(condition, types)
    if result.refusals:
        first = result.refusals[0]
        at = first.node.source if first.node is not None else condition.source
        raise InexpressibleConditionError(first.message, location=at, hint=first.hint or None)
    return result.clauses


def _tree(clauses: list[Clause]) -> Condition:
    groups: list[Condition] = [_group_node(clause) for clause in clauses]
    return groups[0] if len(groups) == 1 else AllOf(all=groups)


def _group_node(clause: list[Literal]) -> Condition:
    return clause[0] if len(clause) == 1 else AnyOf(any=list(clause))
