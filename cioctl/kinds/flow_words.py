"""Flows in the definitions' words: the canonical form plans diff and the importer writes.

The campaign codec reads a flow back as its canonical JSON (:mod:`cioctl.state.flows`, the
round-trip target of :func:`~cioctl.api.journeys.campaign_codec.canonical_flow`); this module
says that JSON again in the definitions' vocabulary, the same way for the definitions and for a
live read, so an unchanged flow plans nothing and a change reads ``within: 14d`` or
``steps > email tips > subject``. :func:`flow_codec` is the way back, through the model.

Trigger, filter, goal, frequency, state, tags and the step tree: ``delay`` → ``wait``, message
steps → ``email | sms | push | in_app | webhook`` with ``id`` = the step name and their content
mapped back (``preheader_text`` → ``preheader``, ``recipient`` → ``to`` unless it is the default
``{{customer.email}}``, headers list → mapping, ``sending_state`` → ``sending`` unless
automatic), ``branch``, ``wait_until``, ``attribute_update`` → ``update_attribute``, ``exit``.
"""

from __future__ import annotations

from typing import Any, Required, TypedDict

from pydantic import ValidationError

from cioctl.errors import CioctlError
from cioctl.kinds.condition_words import (
    Data,
    UnrepresentableError,
    condition_words,
    duration,
    property_filters,
)
from cioctl.model.flows import Flow
from cioctl.state.flows import DEFAULT_RECIPIENT, MESSAGE_TYPES, flow_fields

condition = condition_words


def _headers(headers: Any) -> dict[str, str]:
    if not isinstance(headers, list):
        raise UnrepresentableError(f"headers {headers!r} are not a list")
    mapping: dict[str, str] = {}
    for header in headers:
        name, value = header.get("name"), header.get("value")
        if name in mapping:
            raise UnrepresentableError(f"header '{name}' is given twice")
        mapping[str(name)] = str(value)
    return mapping


def _optional(result: Data, key: str, value: Any, default: Any = "") -> None:
    if value not in (default, None):
        result[key] = value


def message(step_type: str, name: Any, content: Any) -> Data:
    """A message step's definitions mapping (``id`` and its content fields)."""
    if not isinstance(name, str):
        raise UnrepresentableError(f"a {step_type} step has no name")
    if not isinstance(content, dict):
        raise UnrepresentableError(f"{step_type} step '{name}' has no content")
    result: Data = {"id": name}
    if step_type == "email":
        result["subject"] = content.get("subject")
        _optional(result, "preheader", content.get("preheader_text"))
        _optional(result, "from", content.get("from"))
        _optional(result, "reply_to", content.get("reply_to"))
        _optional(result, "to", content.get("recipient"), DEFAULT_RECIPIENT)
        if content.get("headers"):
            result["headers"] = _headers(content["headers"])
        result["body"] = content.get("body") or ""
    elif step_type == "sms":
        result["body"] = content.get("body") or ""
        _optional(result, "image_url", content.get("image_url"))
    elif step_type == "push":
        _optional(result, "title", content.get("title"))
        _optional(result, "link", content.get("link"))
        _optional(result, "body", content.get("body"))
    elif step_type == "in_app":
        _optional(result, "body", content.get("body"))
    else:
        result["method"] = content.get("method") or "post"  # a change reads post → put
        result["url"] = content.get("url")
        if content.get("headers"):
            result["headers"] = _headers(content["headers"])
        _optional(result, "body", content.get("body"))
    _optional(result, "sending", content.get("sending_state"), "automatic")
    return result


def step(node: Any) -> Data:
    """One canonical step as a one-key definitions mapping."""
    if not isinstance(node, dict):
        raise UnrepresentableError(f"step {node!r} is not an object")
    kind = node.get("type")
    if kind in MESSAGE_TYPES:
        return {str(kind): message(str(kind), node.get("name"), node.get("content"))}
    if kind == "delay":
        return {"wait": duration(node.get("seconds"))}
    if kind == "wait_until":
        body: Data = {"condition": condition(node.get("condition"))}
        if node.get("max_seconds") is not None:
            body["max"] = duration(node["max_seconds"])
        return {"wait_until": body}
    if kind == "branch":
        branch: Data = {"if": condition(node.get("condition"))}
        for part in ("then", "else"):
            if node.get(part):
                branch[part] = steps(node[part])
        return {"branch": branch}
    if kind == "attribute_update":
        return {"update_attribute": {"name": node.get("field"), "value": node.get("value")}}
    if kind == "exit":
        return {"exit": True}
    raise UnrepresentableError(f"step type '{kind}' is not supported by cioctl")


def steps(nodes: Any) -> list[Data]:
    """A canonical step list."""
    if not isinstance(nodes, list):
        raise UnrepresentableError(f"steps {nodes!r} are not a list")
    return [step(n) for n in nodes]


def trigger(node: Any) -> Data:
    """A canonical trigger as definitions data."""
    if not isinstance(node, dict):
        raise UnrepresentableError(f"trigger {node!r} is not an object")
    kind = node.get("type")
    if kind == "event":
        where = property_filters(node.get("filters") or [])
        result: Data = {"event": node.get("event_name")}
        if where:
            result["where"] = where
        return result
    if kind == "segment":
        keys = node.get("segment_keys") or []
        if len(keys) != 1 or not isinstance(keys[0], str):
            raise UnrepresentableError(f"segment trigger {keys!r} is not exactly one segment")
        return {"segment": keys[0]}  # "#<id>" when it names no known segment
    if kind == "date":
        return _date_trigger(node)
    raise UnrepresentableError(f"trigger type '{kind}' is not supported by cioctl")


def _date_trigger(node: Data) -> Data:
    hour, minute = node.get("start_hour", 9), node.get("start_minutes", 0)
    if not (isinstance(hour, int) and isinstance(minute, int)):
        raise UnrepresentableError(f"date trigger time {hour!r}:{minute!r} is not numeric")
    result = {"date_attribute": node.get("date_attribute")}
    _optional(result, "repeat", node.get("frequency"), "once")
    result["at"] = f"{hour:02d}:{minute:02d}"
    if node.get("use_customer_timezone"):
        if node.get("timezone", "UTC") != "UTC":
            raise UnrepresentableError("a date trigger in the customer's time zone with a fallback "
                                  f"zone {node.get('timezone')!r} (cioctl writes UTC)")
        result["timezone"] = "customer"
    else:
        _optional(result, "timezone", node.get("timezone"), "UTC")
    return result


class FlowFields(TypedDict, total=False):
    """A flow's canonical fields: what its definition says (``unreadable`` instead of its
    trigger and steps when a live campaign has a shape the definitions cannot say)."""

    name: Required[str]
    description: str
    state: str
    trigger: Data
    filter: Data
    frequency: str
    goal: Data
    tags: list[str]
    steps: list[Data]
    unreadable: str


def flow_words(fields: Data) -> Data:
    """A flow's canonical (codec JSON) fields in the definitions' words; ``name``, ``state``,
    ``trigger``, ``frequency`` and ``steps`` always (a change of them reads ``once →
    multiple``), the rest only where they differ from the default (as a definition says it)."""
    result: Data = {"name": fields.get("name")}
    _optional(result, "description", fields.get("description"))
    result["state"] = fields.get("state") or "running"
    result["trigger"] = trigger(fields.get("trigger"))
    if fields.get("filter") is not None:
        result["filter"] = condition(fields["filter"])
    result["frequency"] = fields.get("frequency") or "once"
    goal = fields.get("goal")
    if goal is not None:
        if not isinstance(goal, dict) or goal.get("type", "event") != "event":
            raise UnrepresentableError(f"goal {goal!r} is not an event goal")
        result["goal"] = {"event": goal.get("event_name"),
                          "within": duration(goal.get("within_seconds"))}
    if fields.get("tags"):
        result["tags"] = list(fields["tags"])
    # The codec leaves out a final exit (every path ends in one); a flow of nothing else
    # still has that one step in the definitions' words.
    result["steps"] = steps(fields.get("steps")) or [{"exit": True}]
    return result


def flow_codec(words: Data) -> Data:
    """Words → the codec's canonical JSON (what the campaign writes encode), through the
    definitions' model (the same path a definition takes)."""
    try:
        return flow_fields(Flow.model_validate(words))
    except ValidationError as problem:
        first = problem.errors()[0]
        raise FlowWordsError(
            f"flow '{words.get('name')}' cannot be written: "
            f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}",
            hint="re-run plan; if it persists, the definition or the live flow has a shape "
                 "cioctl cannot say (report it)") from None


class FlowWordsError(CioctlError):
    """A flow's canonical fields that do not make a flow again (a bug, never silent)."""
