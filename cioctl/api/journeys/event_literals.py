"""Event conditions as wire-expressible literals: counts, windows and ``where`` filters.

The wire leaf says only "did E at least ``times`` times in the last ``within`` seconds" plus
``inverse`` (evidence §4). docs/semantics.md §3.2 defines the definitions' counts on exactly
that: ``at_most n`` ≡ ``not at_least n+1`` and ``exactly n`` ≡ ``at_least n and not at_least
n+1``, with the profile-age rule making a windowed leaf UNKNOWN until the person's data covers
the window — which is what ``inverse`` of the live leaf implies. So these rewrites are exact.
"""

from __future__ import annotations

from cioctl.api.journeys.formula import And, Formula, Or, Refusals, comparison_refusal
from cioctl.api.journeys.wire_values import (
    ValueTypes,
    WireValueError,
    canonical_value,
    duration_text,
)
from cioctl.model.base import duration_seconds
from cioctl.model.conditions import EventCondition, PropertyFilter
from cioctl.model.types import OPERATORS_BY_TYPE, Operator, ValueType


def event_literal(
    node: EventCondition, negate: bool, types: ValueTypes, sink: Refusals
) -> Formula | None:
    """``node`` (negated when ``negate``) as ``at_least``/``at_most`` literals, or None."""
    if not types.event_declared(node.event):
        sink.elsewhere(f"event '{node.event}' is undeclared", node)
        return None
    before = len(sink.items)
    within = _within(node, sink)
    where = _where(node, types, sink)
    atoms = _atoms(node, negate, sink)
    if len(sink.items) > before or where is None or atoms is None:
        return None
    leaves: list[Formula] = [
        EventCondition(event=node.event, within=within, where=where,
                       **({"at_least": k} if positive else {"at_most": k - 1}))
        for k, positive in atoms
    ]
    if len(leaves) == 1:
        return leaves[0]
    # exactly n = at_least n AND NOT at_least n+1; under `not`, De Morgan turns it into an OR.
    return Or(leaves) if negate else And(leaves)


def _within(node: EventCondition, sink: Refusals) -> str | None:
    if node.within is None:
        return None
    seconds = duration_seconds(node.within)
    if seconds == 0:
        # evidence §4: `within: 0` on the wire means "ever", the opposite of an empty window.
        sink.refuse(f"'within: {node.within}' is an empty window and matches no event",
                    "leave 'within' out to count events ever", node)
        return None
    return duration_text(seconds)


def _atoms(node: EventCondition, negate: bool, sink: Refusals) -> list[tuple[int, bool]] | None:
    """``(k, positive)`` pairs: "at least k" or "not at least k" (ANDed; ORed once negated)."""
    rule, n = node.count_rule
    if rule == "at_least":
        if n == 0:
            sink.refuse(f"'at_least: 0' {'never' if negate else 'always'} matches",
                        "remove the condition, or count from 1", node)
            return None
        atoms = [(n, True)]
    elif rule == "at_most" or n == 0:
        atoms = [(n + 1, False)]  # at_most n = not at_least n+1; exactly 0 = at_most 0
    else:
        atoms = [(n, True), (n + 1, False)]
    return [(k, positive != negate) for k, positive in atoms]


def _where(node: EventCondition, types: ValueTypes, sink: Refusals) -> list[PropertyFilter] | None:
    """The filters in canonical form: ``not_in`` expanded, a one-value ``in`` as ``eq``."""
    result: list[PropertyFilter] = []
    ok = True
    for item in node.where:
        filters = _filter(node.event, item, types, sink)
        if filters is None:
            ok = False
        else:
            result.extend(filters)
    if not ok:
        return None
    if len(result) > 1 and any(f.operator is Operator.IN for f in result):
        first_in = next(f for f in node.where if f.operator is Operator.IN)
        sink.refuse(
            f"'in' on property '{first_in.property}' of event '{node.event}' can only be the "
            "event's only 'where' filter: the wire's filters are one flat and/or list "
            "(evidence §4)",
            "split it: any: [one event condition per value] — the same count only when "
            "counting at_least: 1", first_in)
        return None
    return result


def _filter(
    event: str, item: PropertyFilter, types: ValueTypes, sink: Refusals
) -> list[PropertyFilter] | None:
    value_type = types.prop(event, item.property)
    if value_type is None or item.operator not in OPERATORS_BY_TYPE[value_type]:
        sink.elsewhere(f"property '{item.property}' is undeclared or misused", item)
        return None
    what = f"property '{item.property}' of event '{event}'"
    refusal = comparison_refusal(item.operator, value_type, item.operator, False, item.value,
                                 what)
    if refusal is not None:
        sink.add(refusal, item)
        return None
    try:
        return _expanded(item, value_type)
    except WireValueError as problem:
        sink.refuse(f"{what}: {problem}", "write the value in the property's declared type",
                    item)
        return None


def _expanded(item: PropertyFilter, value_type: ValueType) -> list[PropertyFilter]:
    prop, operator = item.property, item.operator
    if operator is Operator.NOT_IN:
        # evidence §4: filters are ANDed; not_in = all of neq (semantics §3.3).
        return [PropertyFilter(property=prop, operator=Operator.NEQ,
                               value=canonical_value(value_type, v)) for v in item.value]
    if operator is Operator.IN:
        values = [canonical_value(value_type, v) for v in item.value]
        if len(values) == 1:
            return [PropertyFilter(property=prop, operator=Operator.EQ, value=values[0])]
        return [PropertyFilter(property=prop, operator=operator, value=values)]
    value = None if item.value is None else canonical_value(value_type, item.value)
    return [PropertyFilter(property=prop, operator=operator, value=value)]
