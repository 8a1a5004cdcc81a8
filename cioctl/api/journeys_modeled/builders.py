"""Builders of modeled Journeys bodies: conditions, triggers, goals and workflow steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from cioctl.api._wire import (
    JSON,
)
from cioctl.api.journeys_modeled.common import _NO_VALUE, AttrOp, Condition, CountOp, StepType

# -- conditions ------------------------------------------------------------------------------


def all_of(*nodes: Condition) -> Condition:
    """``{"and": [...]}``."""
    return {"and": list(nodes)}


def any_of(*nodes: Condition) -> Condition:
    """``{"or": [...]}``."""
    return {"or": list(nodes)}


def negate(node: Condition) -> Condition:
    """``{"not": node}``."""
    return {"not": node}


def segment_ref(segment_id: int) -> Condition:
    """Membership of another segment: ``{"segment": {"id": ...}}``."""
    return {"segment": {"id": segment_id}}


def _comparison(field_name: str, operator: AttrOp, value: Any) -> JSON:
    node: JSON = {"field": field_name, "operator": operator}
    if value is not _NO_VALUE:
        node["value"] = value
    return node


def attribute(field_name: str, operator: AttrOp, value: Any = _NO_VALUE) -> Condition:
    """A person-attribute comparison (no ``value`` for exists / not_exists)."""
    return {"attribute": _comparison(field_name, operator, value)}


def event_filter(field_name: str, operator: AttrOp, value: Any = _NO_VALUE) -> JSON:
    """A filter on an event's property, for :func:`event` and event triggers."""
    return _comparison(field_name, operator, value)


def event(
    name: str,
    *,
    count_operator: CountOp = "at_least",
    count: int = 1,
    within_seconds: int | None = None,
    filters: Sequence[JSON] = (),
) -> Condition:
    """Performed event ``name`` ``count_operator`` ``count`` times (within a window)."""
    return {
        "event": {
            "name": name, "count_operator": count_operator, "count": count,
            "within_seconds": within_seconds, "filters": list(filters),
        }
    }


# -- campaigns -------------------------------------------------------------------------------


def event_trigger(event_name: str, filters: Sequence[JSON] = ()) -> JSON:
    """Trigger: a person performs ``event_name`` (matching ``filters``)."""
    return {"type": "event", "event_name": event_name, "filters": list(filters)}


def segment_trigger(segment_ids: Sequence[int]) -> JSON:
    """Trigger: a person enters any of ``segment_ids``."""
    return {"type": "segment", "segment_ids": list(segment_ids)}


def date_trigger(
    date_attribute: str,
    *,
    frequency: Literal["once", "monthly", "yearly"] = "once",
    start_hour: int = 0,
    start_minutes: int = 0,
    timezone: str = "UTC",
    use_customer_timezone: bool = False,
) -> JSON:
    """Trigger: a date held in a person attribute."""
    return {
        "type": "date", "date_attribute": date_attribute, "frequency": frequency,
        "start_hour": start_hour, "start_minutes": start_minutes, "timezone": timezone,
        "use_customer_timezone": use_customer_timezone,
    }


def event_goal(event_name: str, within_seconds: int) -> JSON:
    """Conversion goal: ``event_name`` within ``within_seconds`` of entry."""
    return {"type": "event", "event_name": event_name, "within_seconds": within_seconds}


def delay_step(seconds: int) -> JSON:
    """Workflow step: wait a fixed time."""
    return {"type": "delay", "seconds": seconds}


def wait_until_step(condition: Condition, max_seconds: int | None = None) -> JSON:
    """Workflow step: wait until ``condition`` holds (or ``max_seconds`` pass)."""
    return {"type": "wait_until", "condition": condition, "max_seconds": max_seconds}


def message_step(kind: StepType, name: str, content: Mapping[str, Any] | None = None) -> JSON:
    """Workflow step: send a message; ``name`` is cioctl's stable step id."""
    step: JSON = {"type": kind, "name": name}
    if content is not None:
        step["content"] = dict(content)
    return step


def branch_step(condition: Condition, then: Sequence[JSON], otherwise: Sequence[JSON]) -> JSON:
    """Workflow step: if/else on ``condition``."""
    return {"type": "branch", "condition": condition, "then": list(then), "else": list(otherwise)}


def attribute_update_step(field_name: str, value: Any) -> JSON:
    """Workflow step: set a person attribute."""
    return {"type": "attribute_update", "field": field_name, "value": value}


def exit_step() -> JSON:
    """Workflow step: leave the flow."""
    return {"type": "exit"}




# -- from cioctl's canonical form (segments by key) ------------------------------------------

SegmentIds = Callable[[str], int]
"""Resolves a segment key to the live segment id (apply supplies it)."""


def resolve_condition(node: Any, segment_id: SegmentIds) -> Any:
    """A canonical condition (``{"segment": {"key": k}}``) as a modeled one (by id)."""
    if isinstance(node, dict):
        segment = node.get("segment")
        if len(node) == 1 and isinstance(segment, dict) and "key" in segment:
            return segment_ref(segment_id(segment["key"]))
        return {k: resolve_condition(v, segment_id) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_condition(v, segment_id) for v in node]
    return node


def trigger_from(trigger: JSON, segment_id: SegmentIds) -> JSON:
    """A canonical trigger (segments by key) as the modeled trigger."""
    if trigger.get("type") == "segment":
        return segment_trigger([segment_id(k) for k in trigger.get("segment_keys", [])])
    if trigger.get("type") == "event":
        return event_trigger(trigger["event_name"], trigger.get("filters", []))
    fields = {k: v for k, v in trigger.items() if k not in ("type", "date_attribute")}
    return date_trigger(trigger["date_attribute"], **fields)


def workflow_from(steps: Sequence[JSON], segment_id: SegmentIds) -> list[JSON]:
    """Canonical steps as the modeled workflow: content inline (sending state is set through
    the App API), conditions by segment id."""
    return [_step_from(step, segment_id) for step in steps]


def _step_from(step: JSON, segment_id: SegmentIds) -> JSON:
    kind = step.get("type")
    if "content" in step:
        content = {k: v for k, v in step["content"].items() if k != "sending_state"}
        return message_step(kind, step["name"], content)  # type: ignore[arg-type]
    if kind == "branch":
        return branch_step(resolve_condition(step["condition"], segment_id),
                           workflow_from(step.get("then", []), segment_id),
                           workflow_from(step.get("else", []), segment_id))
    if kind == "delay":
        return delay_step(step["seconds"])
    if kind == "wait_until":
        return wait_until_step(resolve_condition(step["condition"], segment_id),
                               step.get("max_seconds"))
    if kind == "attribute_update":
        return attribute_update_step(step["field"], step.get("value"))
    return exit_step()
