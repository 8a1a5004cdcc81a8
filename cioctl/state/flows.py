"""Canonical JSON of flows: trigger, goal and the step tree with message content inline."""

from __future__ import annotations

from typing import Any

from cioctl.model.base import duration_seconds
from cioctl.model.flows import DateTrigger, EventTrigger, Flow, SegmentTrigger
from cioctl.model.messages import Email, InApp, Message, Push, Sms, Webhook
from cioctl.model.steps import (
    BranchStep,
    ExitStep,
    Step,
    UpdateAttributeStep,
    WaitStep,
    WaitUntilStep,
    message_of,
)
from cioctl.state.canonical import JSON, condition_json, filter_json, sort_unordered

DEFAULT_RECIPIENT = "{{customer.email}}"
CONTENT_FIELDS: dict[str, tuple[str, ...]] = {
    "email": ("subject", "body", "preheader_text", "from", "reply_to", "recipient", "headers",
              "sending_state"),
    "sms": ("body", "image_url", "sending_state"),
    "push": ("title", "body", "link", "sending_state"),
    "in_app": ("body", "sending_state"),
    "webhook": ("method", "url", "body", "headers", "sending_state"),
}
MESSAGE_TYPES = tuple(CONTENT_FIELDS)


def headers_json(headers: dict[str, str] | list[Any]) -> list[JSON]:
    """Headers as a list of ``{name, value}`` sorted by name."""
    pairs = headers.items() if isinstance(headers, dict) else (
        (h.get("name"), h.get("value")) for h in headers if isinstance(h, dict))
    return sorted(({"name": str(n), "value": str(v)} for n, v in pairs),
                  key=lambda h: h["name"])


def message_type(message: Message) -> str:
    """The step type of a message model."""
    return {Email: "email", Sms: "sms", Push: "push", InApp: "in_app", Webhook: "webhook"}[
        type(message)]


def message_content(message: Message) -> JSON:
    """The message's content fields with documented defaults filled in."""
    kind = message_type(message)
    values: JSON = {"sending_state": message.sending, "body": getattr(message, "body", "") or ""}
    if isinstance(message, Email):
        values |= {"subject": message.subject, "preheader_text": message.preheader or "",
                   "from": message.from_ or "", "reply_to": message.reply_to or "",
                   "recipient": message.to or DEFAULT_RECIPIENT,
                   "headers": headers_json(message.headers)}
    elif isinstance(message, Sms):
        values |= {"image_url": message.image_url or ""}
    elif isinstance(message, Push):
        values |= {"title": message.title or "", "link": message.link or ""}
    elif isinstance(message, Webhook):
        values |= {"method": message.method, "url": message.url,
                   "headers": headers_json(message.headers)}
    return {name: values[name] for name in CONTENT_FIELDS[kind]}


def step_json(step: Step) -> JSON:
    """One step in the canonical grammar."""
    message = message_of(step)
    if message is not None:
        return {"type": message_type(message), "name": message.id,
                "content": message_content(message)}
    if isinstance(step, WaitStep):
        return {"type": "delay", "seconds": duration_seconds(step.wait)}
    if isinstance(step, WaitUntilStep):
        limit = step.wait_until.max
        return {"type": "wait_until", "condition": condition_json(step.wait_until.condition),
                "max_seconds": duration_seconds(limit) if limit else None}
    if isinstance(step, BranchStep):
        return {"type": "branch", "condition": condition_json(step.branch.if_),
                "then": [step_json(s) for s in step.branch.then],
                "else": [step_json(s) for s in step.branch.else_]}
    if isinstance(step, UpdateAttributeStep):
        return {"type": "attribute_update", "field": step.update_attribute.name,
                "value": step.update_attribute.value}
    assert isinstance(step, ExitStep)
    return {"type": "exit"}


def trigger_json(flow: Flow) -> JSON:
    """The trigger in the canonical grammar (segments by key)."""
    trigger = flow.trigger
    if isinstance(trigger, EventTrigger):
        return {"type": "event", "event_name": trigger.event,
                "filters": [filter_json(f) for f in trigger.where]}
    if isinstance(trigger, SegmentTrigger):
        return {"type": "segment", "segment_keys": [trigger.segment]}
    assert isinstance(trigger, DateTrigger)
    hour, minute = (int(part) for part in trigger.at.split(":"))
    customer_zone = trigger.timezone == "customer"
    return {"type": "date", "date_attribute": trigger.date_attribute,
            "frequency": trigger.repeat, "start_hour": hour, "start_minutes": minute,
            "timezone": "UTC" if customer_zone else trigger.timezone,
            "use_customer_timezone": customer_zone}


def flow_fields(flow: Flow) -> JSON:
    """Every field of a flow that cioctl manages."""
    fields: JSON = sort_unordered({
        "name": flow.name,
        "description": flow.description or "",
        "state": flow.state,
        "trigger": trigger_json(flow),
        "filter": condition_json(flow.filter) if flow.filter else None,
        "goal": ({"type": "event", "event_name": flow.goal.event,
                  "within_seconds": duration_seconds(flow.goal.within)} if flow.goal else None),
        "frequency": flow.frequency,
        "tags": sorted(set(flow.tags)),  # a set: writes send each tag once
        "steps": [step_json(s) for s in flow.steps],
    })
    return fields
