"""Every name a definition uses must be declared, with a type that fits how it is used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cioctl.checks.symbols import Symbols, did_you_mean
from cioctl.errors import CioctlError, Location, ReferenceCheckError
from cioctl.model.base import Spec
from cioctl.model.conditions import (
    AttributeCondition,
    Condition,
    EventCondition,
    PropertyFilter,
    SegmentCondition,
    walk,
)
from cioctl.model.flows import DateTrigger, EventTrigger, Flow, SegmentTrigger
from cioctl.model.steps import (
    BranchStep,
    UpdateAttributeStep,
    WaitUntilStep,
    message_of,
    walk_steps,
)
from cioctl.model.types import (
    OPERATORS_BY_TYPE,
    VALUELESS_OPERATORS,
    Operator,
    ValueType,
    value_fits,
)
from cioctl.model.workspace import Workspace


def reference_problems(workspace: Workspace, symbols: Symbols) -> list[CioctlError]:
    """Unknown attributes, events, properties and segments; operators that misfit types."""
    problems: list[CioctlError] = []
    for segment in workspace.segments:
        if segment.conditions is not None:
            problems.extend(_condition(segment.conditions, symbols, segment.source))
    for flow in workspace.flows:
        problems.extend(_flow(flow, symbols))
    return problems


def _error(message: str, at: Location | None, hint: str) -> ReferenceCheckError:
    return ReferenceCheckError(message, location=at, hint=hint)


def _at(node: Spec, fallback: Location | None) -> Location | None:
    return node.source or fallback


def _condition(root: Condition, symbols: Symbols, at: Location | None) -> Iterator[CioctlError]:
    for node in walk(root):
        where = _at(node, at)
        if isinstance(node, AttributeCondition):
            yield from _attribute_use(node, symbols, where)
        elif isinstance(node, SegmentCondition) and node.segment not in symbols.segments \
                and not symbols.invalid("segments", node.segment):
            yield _error(f"unknown segment '{node.segment}'", where,
                         did_you_mean(node.segment, symbols.segments, "segments"))
        elif isinstance(node, EventCondition):
            yield from _event_use(node.event, node.where, symbols, where)


def _attribute_use(
    node: AttributeCondition, symbols: Symbols, at: Location | None
) -> Iterator[CioctlError]:
    value_type = symbols.attributes.get(node.attribute)
    if value_type is None and symbols.invalid("attributes", node.attribute):
        return
    if value_type is None:
        yield _error(f"unknown attribute '{node.attribute}'", at,
                     did_you_mean(node.attribute, symbols.attributes, "attributes"))
        return
    yield from _comparison(node.attribute, "attribute", value_type,
                           symbols.attribute_enums.get(node.attribute), node, at)


def _comparison(
    name: str, what: str, value_type: ValueType, enum: list[Any] | None,
    node: AttributeCondition | PropertyFilter, at: Location | None,
) -> Iterator[CioctlError]:
    allowed = OPERATORS_BY_TYPE[value_type]
    if node.operator not in allowed:
        yield _error(
            f"operator '{node.operator}' does not apply to {what} '{name}' of type {value_type}",
            at, "use one of: " + ", ".join(sorted(allowed)),
        )
    elif node.operator not in VALUELESS_OPERATORS:
        if not value_fits(value_type, node.operator, node.value):
            yield _error(f"value for {what} '{name}' is not a {value_type}", at,
                         f"write a {value_type} value (quote strings, leave numbers bare)")
        elif enum is not None and not _in_enum(node.value, enum, node.operator):
            yield _error(f"value for {what} '{name}' is not one of its enum values", at,
                         "use one of: " + ", ".join(str(v) for v in enum))


def _in_enum(value: Any, enum: list[Any], operator: Operator) -> bool:
    values = value if isinstance(value, list) else [value]
    if operator in (Operator.CONTAINS, Operator.STARTS_WITH, Operator.NOT_CONTAINS):
        return True
    return all(v in enum for v in values)


def _event_use(
    event: str, filters: list[PropertyFilter], symbols: Symbols, at: Location | None
) -> Iterator[CioctlError]:
    declared = symbols.events.get(event)
    if declared is None and symbols.invalid("events", event):
        return
    if declared is None:
        yield _error(f"unknown event '{event}'", at, did_you_mean(event, symbols.events, "events"))
        return
    for item in filters:
        spec = declared.properties.get(item.property)
        where = _at(item, at)
        if spec is None:
            yield _error(f"event '{event}' has no property '{item.property}'", where,
                         did_you_mean(item.property, declared.properties,
                                      f"events[{event}].properties"))
            continue
        yield from _comparison(item.property, "property", spec.type,
                               list(spec.enum) if spec.enum else None, item, where)


def _flow(flow: Flow, symbols: Symbols) -> Iterator[CioctlError]:
    yield from _trigger(flow, symbols)
    if flow.filter is not None:
        yield from _condition(flow.filter, symbols, flow.field_source("filter"))
    if flow.goal is not None and flow.goal.event not in symbols.events:
        yield _error(f"unknown event '{flow.goal.event}' in goal", _at(flow.goal, flow.source),
                     did_you_mean(flow.goal.event, symbols.events, "events"))
    yield from _steps(flow, symbols)


def _trigger(flow: Flow, symbols: Symbols) -> Iterator[CioctlError]:
    trigger, at = flow.trigger, _at(flow.trigger, flow.field_source("trigger"))
    if isinstance(trigger, EventTrigger):
        yield from _event_use(trigger.event, trigger.where, symbols, at)
    elif isinstance(trigger, SegmentTrigger) and trigger.segment not in symbols.segments \
            and not symbols.invalid("segments", trigger.segment):
        yield _error(f"unknown segment '{trigger.segment}'", at,
                     did_you_mean(trigger.segment, symbols.segments, "segments"))
    elif isinstance(trigger, DateTrigger):
        kind = symbols.attributes.get(trigger.date_attribute)
        if kind is None:
            yield _error(f"unknown attribute '{trigger.date_attribute}'", at,
                         did_you_mean(trigger.date_attribute, symbols.attributes, "attributes"))
        elif kind is not ValueType.TIMESTAMP:
            yield _error(f"date trigger attribute '{trigger.date_attribute}' is a {kind}", at,
                         "a date trigger needs an attribute of type timestamp")


def _steps(flow: Flow, symbols: Symbols) -> Iterator[CioctlError]:
    seen: set[str] = set()
    for step in walk_steps(flow.steps):
        at = _at(step, flow.source)
        if isinstance(step, BranchStep):
            yield from _condition(step.branch.if_, symbols, at)
        elif isinstance(step, WaitUntilStep):
            yield from _condition(step.wait_until.condition, symbols, at)
        elif isinstance(step, UpdateAttributeStep):
            yield from _update(step, symbols, at)
        message = message_of(step)
        if message is not None:
            if message.id in seen:
                yield _error(f"step id '{message.id}' is used twice in flow '{flow.name}'",
                             _at(message, at), "give every message step its own id")
            seen.add(message.id)


def _update(
    step: UpdateAttributeStep, symbols: Symbols, at: Location | None
) -> Iterator[CioctlError]:
    name, value = step.update_attribute.name, step.update_attribute.value
    kind = symbols.attributes.get(name)
    if kind is None:
        yield _error(f"unknown attribute '{name}'", at,
                     did_you_mean(name, symbols.attributes, "attributes"))
    elif value is not None and not value_fits(kind, Operator.EQ, value):
        yield _error(f"value for attribute '{name}' is not a {kind}", at,
                     f"write a {kind} value")
