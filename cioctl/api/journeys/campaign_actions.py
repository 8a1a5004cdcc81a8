"""One step ↔ one workflow action's own fields, and message content ↔ template fields
(evidence §5; decisions D6 and D11 in docs/journeys-wire.md).

- email / sms / push / in_app / webhook → ``{"type": "email_action" | "twilio_action" |
  "push_action" | "in_app_action" | "webhook_action", "name": <step id>, "sending_state"}``;
- wait → ``{"type": "delay_seconds_action", "delay": seconds}``;
- wait_until → ``{"type": "conditional_wait_action", "multi_conditions": b64([[…]]),
  "delay": max or 0, "exit_type": "continue" (with max) or "never"}``;
- branch → ``{"type": "conditional_branch_action", "conditions": b64([…])}``;
- update_attribute → ``{"type": "attribute_update_action", "attribute_name",
  "attribute_value"}`` (the value verbatim);
- exit → ``{"type": "exit_action"}``.

Content goes to the message action's template (§5, D11); ``sending_state`` stays on the action.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cioctl.api.journeys.campaign_conditions import decode_conditions, encode_conditions
from cioctl.api.journeys.campaign_encoding import decode_field, encode_field
from cioctl.api.journeys.errors import CampaignEncodeError, CampaignWireError
from cioctl.api.journeys.wire_values import ValueTypes

JSON = dict[str, Any]
MESSAGE_ACTIONS = {"email": "email_action", "sms": "twilio_action", "push": "push_action",
                   "in_app": "in_app_action", "webhook": "webhook_action"}
MESSAGE_KINDS = {action: kind for kind, action in MESSAGE_ACTIONS.items()}
SYSTEM_ROOT = "filter_match_delay_action"
"""D5: the entry gate the service creates for a segment trigger."""
GATED_TYPES = frozenset({"seg_attr", "behavioral"})
"""D5: the campaign types whose trigger creates :data:`SYSTEM_ROOT` (the others get only an
exit); the contract dry run, which cannot re-read, places the gate by this."""
EXIT = "exit_action"


def action_fields(step: JSON, ids: Mapping[str, int], types: ValueTypes) -> JSON:
    """The action JSON of one step, without ``id`` (D6)."""
    kind = step["type"]
    if kind in MESSAGE_ACTIONS:
        return {"type": MESSAGE_ACTIONS[kind], "name": step["name"],
                "sending_state": step["content"]["sending_state"]}
    if kind == "delay":
        return {"type": "delay_seconds_action", "delay": step["seconds"]}
    if kind == "wait_until":
        limit = step["max_seconds"]
        return {"type": "conditional_wait_action",
                "multi_conditions": encode_field([encode_conditions(step["condition"], ids,
                                                                    types)]),
                "delay": limit or 0, "exit_type": "continue" if limit else "never"}
    if kind == "branch":
        return {"type": "conditional_branch_action",
                "conditions": encode_field(encode_conditions(step["condition"], ids, types))}
    if kind == "attribute_update":
        return {"type": "attribute_update_action", "attribute_name": step["field"],
                "attribute_value": step["value"]}
    if kind == "exit":
        return {"type": EXIT}
    raise ValueError(f"unknown step type {kind!r}")


def step_of_action(action: Mapping[str, Any], keys: Mapping[int, str], types: ValueTypes,
                   contents: Mapping[int, JSON], senders: Mapping[int, str]) -> JSON | None:
    """The step an action decodes to (a branch without its paths); None for an exit."""
    kind, ident = action.get("type"), action.get("id")
    what = f"action {ident} ({kind})"
    if not isinstance(kind, str):  # a damaged read: never a TypeError from the lookups below
        raise CampaignWireError(f"{what} has no action type (a string is expected)")
    if kind == EXIT:
        return None
    if kind in MESSAGE_KINDS:
        name = action.get("name")
        if not isinstance(name, str) or not name:
            raise CampaignWireError(f"{what} has no name; cioctl names a message action by "
                                    "its step id")
        step_kind = MESSAGE_KINDS[str(kind)]
        content = template_content(step_kind, contents.get(int(str(ident)), {}), senders)
        return {"type": step_kind, "name": name,
                "content": content | {"sending_state": action.get("sending_state",
                                                                  "automatic")}}
    if kind == "delay_seconds_action":
        return {"type": "delay", "seconds": _int(action, "delay", what)}
    if kind == "conditional_wait_action":
        paths = decode_field(action.get("multi_conditions"), "multi_conditions")
        if not isinstance(paths, list) or len(paths) != 1:
            raise CampaignWireError(f"{what}: multi_conditions is not one path (D3)")
        limit = _int(action, "delay", what)
        exit_type = action.get("exit_type")
        if exit_type not in ("continue", "never") or (exit_type == "continue") != (limit > 0):
            raise CampaignWireError(f"{what}: exit_type {exit_type!r} with delay {limit} has "
                                    "no definitions form (max: D ↔ continue after D)")
        return {"type": "wait_until",
                "condition": decode_conditions(paths[0], keys, types, what),
                "max_seconds": limit or None}
    if kind == "conditional_branch_action":
        conditions = decode_field(action.get("conditions"), "conditions")
        return {"type": "branch", "condition": decode_conditions(conditions, keys, types, what)}
    if kind == "attribute_update_action":
        name = action.get("attribute_name")
        if not isinstance(name, str):
            raise CampaignWireError(f"{what} has no attribute_name")
        return {"type": "attribute_update", "field": name,
                "value": action.get("attribute_value")}
    raise CampaignWireError(f"{what}: this action type has no definitions form (cioctl "
                            "writes message, delay, wait-until, branch, attribute update and "
                            "exit actions)")


def _int(action: Mapping[str, Any], key: str, what: str) -> int:
    value = action.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CampaignWireError(f"{what}: '{key}' is {value!r}, not seconds")
    return value


def template_fields(step: JSON, senders: Mapping[str, int]) -> JSON:
    """The template body of a message step's content (D11; ``senders``: from → identity id)."""
    content, kind = step["content"], step["type"]
    if kind == "email":
        sender = content["from"]
        if sender and sender not in senders:
            raise CampaignEncodeError(
                f"email '{step['name']}': no sender identity '{sender}' in the workspace "
                "(D11: the template takes from_identity_id)",
                hint="add the sender in Customer.io (App API GET /v1/sender_identities lists "
                "them), or change 'from'")
        return {"subject": content["subject"], "body": content["body"],
                "preheader_text": content["preheader_text"],
                "from_identity_id": senders[sender] if sender else None,
                "reply_to": content["reply_to"], "recipient": content["recipient"],
                "headers": content["headers"]}
    if kind == "sms":
        return {"body": content["body"], "image_url": content["image_url"]}
    if kind == "push":  # D11: body_json is a JSON *string*, absent keys omitted
        payload = {k: content[k] for k in ("title", "body", "link") if content[k]}
        return {"body_json": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}
    if kind == "in_app":
        return {"body": content["body"]}
    return {"method": content["method"], "url": content["url"], "body": content["body"],
            "headers": content["headers"]}


def template_content(kind: str, template: Mapping[str, Any],
                     senders: Mapping[int, str]) -> JSON:
    """A template read back as canonical content (without ``sending_state``)."""
    if kind == "email":
        sender = template.get("from_identity_id")
        return {"subject": _text(template, "subject"), "body": _text(template, "body"),
                "preheader_text": _text(template, "preheader_text"),
                "from": senders.get(sender, "") if isinstance(sender, int) else "",
                "reply_to": _text(template, "reply_to"),
                "recipient": _text(template, "recipient"),
                "headers": list(template.get("headers") or [])}
    if kind == "sms":
        return {"body": _text(template, "body"), "image_url": _text(template, "image_url")}
    if kind == "push":
        try:
            payload = json.loads(str(template.get("body_json") or "{}"))
        except ValueError:
            raise CampaignWireError("push body_json is not JSON (D11)") from None
        return {k: str(payload.get(k, "")) for k in ("title", "body", "link")}
    if kind == "in_app":
        return {"body": _text(template, "body")}
    return {"method": _text(template, "method"), "url": _text(template, "url"),
            "body": _text(template, "body"), "headers": list(template.get("headers") or [])}


def _text(template: Mapping[str, Any], key: str) -> str:
    value = template.get(key)
    return value if isinstance(value, str) else ""
