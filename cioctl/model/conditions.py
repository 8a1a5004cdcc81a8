"""Segment and filter conditions: all / any / not trees over attributes, segments and events."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import Discriminator, Field, Tag, model_validator

from cioctl.model.base import Count, Key, Spec, Window
from cioctl.model.types import (
    LIST_OPERATORS,
    VALUELESS_OPERATORS,
    Operator,
    unsendable_number,
)


class _Comparison(Spec):
    operator: Operator
    value: Any = None

    @model_validator(mode="after")
    def _value_matches_operator(self) -> Self:
        if self.operator in VALUELESS_OPERATORS and self.value is not None:
            raise ValueError(f"operator '{self.operator}' takes no value; remove 'value'")
        if self.operator not in VALUELESS_OPERATORS and self.value is None:
            raise ValueError(f"operator '{self.operator}' needs a 'value'")
        if self.operator in LIST_OPERATORS and not isinstance(self.value, list):
            raise ValueError(f"operator '{self.operator}' needs a list value")
        if (problem := unsendable_number(self.value)) is not None:
            raise ValueError(f"value: {problem}")
        return self


class AttributeCondition(_Comparison):
    """A person attribute compared with a value: ``{attribute: plan, operator: eq, value: pro}``."""

    attribute: str


class PropertyFilter(_Comparison):
    """An event property compared with a value, inside an event condition or trigger."""

    property: str


class SegmentCondition(Spec):
    """Membership of another segment: ``{segment: churn_risk}`` (a segment key)."""

    segment: Key


class EventCondition(Spec):
    """How often a person performed an event, optionally within a window and with filters."""

    event: str
    at_least: Count | None = None
    at_most: Count | None = None
    exactly: Count | None = None
    within: Window | None = None
    where: list[PropertyFilter] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_count(self) -> Self:
        given = [c for c in (self.at_least, self.at_most, self.exactly) if c is not None]
        if len(given) > 1:
            raise ValueError("give only one of at_least, at_most, exactly")
        return self

    @property
    def count_rule(self) -> tuple[str, int]:
        """``("at_least", 1)`` when no count was given."""
        for name in ("exactly", "at_most", "at_least"):
            value = getattr(self, name)
            if value is not None:
                return name, value
        return "at_least", 1


class AllOf(Spec):
    """Every condition holds."""

    all: list[Condition] = Field(min_length=1)


class AnyOf(Spec):
    """At least one condition holds."""

    any: list[Condition] = Field(min_length=1)


class Not(Spec):
    """The condition does not hold."""

    not_: Condition = Field(alias="not")


_TAGS = ("all", "any", "not", "attribute", "segment", "event")


def condition_tag(data: Any) -> str | None:
    """Which kind of condition a mapping is, from its distinguishing key."""
    if isinstance(data, dict):
        return next((tag for tag in _TAGS if tag in data), None)
    return next((tag for tag, cls in _CLASSES.items() if isinstance(data, cls)), None)


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[AttributeCondition, Tag("attribute")]
    | Annotated[SegmentCondition, Tag("segment")]
    | Annotated[EventCondition, Tag("event")],
    Discriminator(
        condition_tag,
        custom_error_type="condition_kind",
        custom_error_message="a condition needs one of the keys all, any, not, attribute, "
        "segment, event",
    ),
]

_CLASSES: dict[str, type[Spec]] = {
    "all": AllOf,
    "any": AnyOf,
    "not": Not,
    "attribute": AttributeCondition,
    "segment": SegmentCondition,
    "event": EventCondition,
}

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()


def walk(condition: Condition) -> list[Condition]:
    """Every node of a condition tree, depth first, the root included."""
    nodes: list[Condition] = [condition]
    if isinstance(condition, AllOf):
        children = condition.all
    elif isinstance(condition, AnyOf):
        children = condition.any
    elif isinstance(condition, Not):
        children = [condition.not_]
    else:
        children = []
    for child in children:
        nodes.extend(walk(child))
    return nodes
