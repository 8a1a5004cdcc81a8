"""Definitions conditions → conjunctive normal form over wire-expressible literals.

This is the "exact or refused" core. It rewrites a condition tree, in the definitions' own
vocabulary, into an ``and`` of ``or`` clauses of *literals* — the leaves the wire can hold one
to one — and collects a :class:`Refusal` for everything it cannot rewrite exactly. Every rewrite
is an identity of three-valued (Kleene) logic, the rule docs/semantics.md §2 decides:

- ``not`` is pushed to the leaves by De Morgan (exact in Kleene logic) and folded into the leaf:
  ``not eq`` → ``neq``, ``not gt`` → ``lte``, ``not contains`` → ``not_contains``,
  ``not at_least n`` → ``at_most n-1``; on the wire each of those is the positive leaf with
  ``inverse`` (evidence §4: negation is ``inverse``; it is UNKNOWN for a missing attribute
  exactly like the definitions' ``not``);
- ``in`` → ``any`` of ``eq``; ``not_in`` → ``all`` of ``neq`` (docs/semantics.md §3.3);
- ``exactly n`` → ``at_least n`` and ``at_most n`` (= ``not at_least n+1``, semantics §3.2);
- ``any`` over ``all`` distributes; no clause is simplified (no excluded middle in Kleene logic).

Literals are: attribute conditions with operator ``eq neq exists gt gte lt lte contains
not_contains``; event conditions with exactly one of ``at_least n`` (n ≥ 1) / ``at_most n``
and canonical ``within``/``where``; ``{segment}`` and ``not {segment}``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from cioctl.api.journeys.event_literals import event_literal
from cioctl.api.journeys.formula import (
    And,
    Clause,
    Formula,
    Or,
    Refusal,
    Refusals,
    comparison_refusal,
)
from cioctl.api.journeys.wire_values import ValueTypes, WireValueError, canonical_value
from cioctl.model.conditions import (
    AllOf,
    AnyOf,
    AttributeCondition,
    Condition,
    Not,
    SegmentCondition,
)
from cioctl.model.types import OPERATORS_BY_TYPE, Operator

MAX_CNF_LEAVES = 100
"""Largest number of wire leaves one segment may have after distribution into CNF."""

_NEGATED = {
    Operator.EQ: Operator.NEQ, Operator.NEQ: Operator.EQ,
    Operator.GT: Operator.LTE, Operator.LTE: Operator.GT,
    Operator.LT: Operator.GTE, Operator.GTE: Operator.LT,
    Operator.CONTAINS: Operator.NOT_CONTAINS, Operator.NOT_CONTAINS: Operator.CONTAINS,
    Operator.IN: Operator.NOT_IN, Operator.NOT_IN: Operator.IN,
    Operator.EXISTS: Operator.NOT_EXISTS, Operator.NOT_EXISTS: Operator.EXISTS,
}


@dataclass
class Normalized:
    """The CNF clauses, or the refusals that prevent writing the condition exactly."""

    clauses: list[Clause] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def normalize(condition: Condition, types: ValueTypes) -> Normalized:
    """``condition`` as CNF literals, or every reason it cannot be written exactly."""
    sink = Refusals()
    formula = _push(condition, False, types, sink)
    if sink.items or formula is None:
        return Normalized(refusals=sink.items)
    size = _cnf_size(formula)
    if size > MAX_CNF_LEAVES:
        return Normalized(refusals=[Refusal(
            f"this condition needs more than {MAX_CNF_LEAVES} leaves once written as an 'all' "
            f"of 'any' groups (the only shape the segment API takes, evidence §4)",
            "move an inner 'all' or 'any' into a segment of its own and refer to it with "
            "{segment: key}; an 'any' over several 'all's multiplies their sizes",
            condition,
        )])
    return Normalized(clauses=_cnf(formula))


def _push(node: Condition, negate: bool, types: ValueTypes, sink: Refusals) -> Formula | None:
    """Negation normal form: ``not`` moved to the leaves (De Morgan is exact in Kleene logic)."""
    if isinstance(node, Not):
        return _push(node.not_, not negate, types, sink)
    if isinstance(node, AllOf | AnyOf):
        children = node.all if isinstance(node, AllOf) else node.any
        parts = [_push(child, negate, types, sink) for child in children]
        kept = [p for p in parts if p is not None]
        if len(kept) < len(parts):
            return None
        # De Morgan: not all = any not, not any = all not.
        return And(kept) if isinstance(node, AllOf) != negate else Or(kept)
    if isinstance(node, SegmentCondition):
        # A segment reference is TRUE/FALSE (semantics §2); never inlined; `inverse` negates.
        plain = SegmentCondition(segment=node.segment)
        return Not.model_validate({"not": plain}) if negate else plain
    if isinstance(node, AttributeCondition):
        return _attribute(node, negate, types, sink)
    return event_literal(node, negate, types, sink)


def _attribute(
    node: AttributeCondition, negate: bool, types: ValueTypes, sink: Refusals
) -> Formula | None:
    value_type = types.attribute(node.attribute)
    if value_type is None or node.operator not in OPERATORS_BY_TYPE[value_type]:
        sink.elsewhere(f"attribute '{node.attribute}' is undeclared or misused", node)
        return None
    operator = _NEGATED.get(node.operator, node.operator) if negate else node.operator
    refusal = comparison_refusal(operator, value_type, node.operator, negate, node.value,
                                 f"attribute '{node.attribute}'")
    if refusal is not None:
        sink.add(refusal, node)
        return None
    try:
        if operator in (Operator.IN, Operator.NOT_IN):
            values = [canonical_value(value_type, v) for v in node.value]
        else:
            value = None if node.value is None else canonical_value(value_type, node.value)
    except WireValueError as problem:
        sink.refuse(f"attribute '{node.attribute}': {problem}", "write the value in the "
                    "attribute's declared type", node)
        return None
    if operator in (Operator.IN, Operator.NOT_IN):
        single = Operator.EQ if operator is Operator.IN else Operator.NEQ
        leaves: list[Formula] = [
            AttributeCondition(attribute=node.attribute, operator=single, value=v)
            for v in values
        ]
        return Or(leaves) if operator is Operator.IN else And(leaves)
    return AttributeCondition(attribute=node.attribute, operator=operator, value=value)


def _cnf_size(formula: Formula) -> int:
    """Leaves of the CNF of ``formula``, stopping early once past the limit."""
    return sum(len(clause) for clause in _clauses(formula, MAX_CNF_LEAVES + 1))


def _cnf(formula: Formula) -> list[Clause]:
    return list(_clauses(formula, None))


def _clauses(formula: Formula, cap: int | None) -> Iterator[Clause]:
    """Distribution: and = concatenation of clause lists, or = their cross product."""
    if isinstance(formula, And):
        total = 0
        for part in formula.parts:
            for clause in _clauses(part, cap):
                total += len(clause)
                yield clause
                if cap is not None and total >= cap:
                    return
    elif isinstance(formula, Or):
        yield from _product([list(_clauses(p, cap)) for p in formula.parts], cap)
    else:
        yield [formula]


def _product(options: Sequence[list[Clause]], cap: int | None) -> Iterator[Clause]:
    result: list[Clause] = [[]]
    for choices in options:
        result = [done + more for done in result for more in choices]
        # Each intermediate clause list is at most `cap` leaves before the next product.
        if cap is not None and sum(len(c) for c in result) >= cap:
            yield from result
            return
    yield from result
