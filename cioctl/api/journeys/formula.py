"""Shared pieces of the normal-form rewrite: formula nodes and refusals with their wording."""

from __future__ import annotations

from dataclasses import dataclass, field

from cioctl.model.base import Spec
from cioctl.model.conditions import AttributeCondition, EventCondition, Not, SegmentCondition
from cioctl.model.types import Operator, ValueType

Literal = AttributeCondition | EventCondition | SegmentCondition | Not
"""A leaf the wire holds one to one (``Not`` only ever wraps a ``SegmentCondition``)."""


@dataclass(frozen=True)
class And:
    """Conjunction, before distribution."""

    parts: list[Formula]


@dataclass(frozen=True)
class Or:
    """Disjunction, before distribution."""

    parts: list[Formula]


Formula = Literal | And | Or
Clause = list[Literal]
"""One disjunction of the CNF."""


@dataclass(frozen=True)
class Refusal:
    """Why a condition cannot be written exactly, where (``node``) and how to rewrite it."""

    message: str
    hint: str
    node: Spec | None = None
    reported_elsewhere: bool = False
    """An undeclared name or an operator misfit: the reference check already reports it."""


@dataclass
class Refusals:
    """Collects refusals so that one pass reports them all."""

    items: list[Refusal] = field(default_factory=list)

    def refuse(self, message: str, hint: str, node: Spec) -> None:
        """Record a refusal at ``node``."""
        self.items.append(Refusal(message, hint, node))

    def add(self, wording: tuple[str, str], node: Spec) -> None:
        """Record a ``(message, hint)`` pair at ``node``."""
        self.refuse(wording[0], wording[1], node)

    def elsewhere(self, message: str, node: Spec) -> None:
        """Record a problem the reference check reports with its own wording."""
        self.items.append(Refusal(message, "", node, reported_elsewhere=True))


_ABSENT = (
    "the segment API negates only through 'inverse', which never matches {who} "
    "(evidence §4), so no leaf can say 'absent'"
)


def comparison_refusal(
    operator: Operator, value_type: ValueType, written: Operator, negated: bool,
    value: object, what: str,
) -> tuple[str, str] | None:
    """Wording when comparison ``operator`` (after folding ``not``) cannot be written exactly.

    ``what`` names the compared thing (``attribute 'plan'`` / ``property 'role' of 'x'``).
    """
    who = ("people who never had the attribute" if what.startswith("attribute")
           else "events without the property")
    if operator is Operator.NOT_EXISTS:
        said = "'not' over 'exists'" if negated and written is Operator.EXISTS else \
            "operator 'not_exists'"
        return (f"{said} on {what} cannot be written exactly: " + _ABSENT.format(who=who),
                "there is no exact form; send a default value (e.g. false or 0) and compare "
                "with 'eq', or keep these people in a manual segment")
    if written is Operator.STARTS_WITH:
        return (f"operator 'starts_with' on {what} has no counterpart in the segment API "
                "(evidence §4 lists eq, exists, lt, gt, contains, bw and timestamp_*)",
                "use 'contains', or 'in' with the complete values")
    if value_type is ValueType.TIMESTAMP and operator in (Operator.EQ, Operator.NEQ):
        return (f"timestamp {what} cannot be compared with '{operator}': the segment API "
                "compares timestamps only as absolute Unix times before/after a point "
                "(timestamp_lta/timestamp_gta, evidence §4)",
                "write a range: all: [{operator: gte, value: T1}, {operator: lt, value: T2}]")
    if operator in (Operator.IN, Operator.NOT_IN) and isinstance(value, list) and not value:
        never = (operator is Operator.IN) != negated
        return (f"'{written}' with no values on {what} "
                f"{'never' if never else 'always'} matches",
                "list at least one value, or remove the condition")
    return None
