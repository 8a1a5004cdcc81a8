"""Message content: one template per message action (evidence §5; docs/journeys-wire.md D11).

A message action's content is stored in its App API action document (same id on both
surfaces), so ``GET /v1/campaigns/{id}/actions`` and ``PUT /templates/{id}`` read and write the
same fields. The template document only maps a template id to its action.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.actions import new_action, save_action
from cioctl.emulator.context import workspace
from cioctl.emulator.journeys_common import BASE, check_env, invalid, refuse_live_edit
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import dedup, not_found, object_body, ok, path_int

# Message action types §5; their App API type names D11.
MESSAGE_TYPES = {
    "email_action": "email", "twilio_action": "twilio", "push_action": "push",
    "in_app_action": "in_app", "webhook_action": "webhook",
}
# Template fields per channel: D11 (§5 for subject/body/from_identity_id/preheader_text/
# body_json; the rest decided).
_EMAIL = ("subject", "body", "preheader_text", "from_identity_id", "reply_to", "recipient",
          "headers")
TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {
    "email": _EMAIL, "twilio": ("body", "image_url", "recipient"), "push": ("body_json",),
    "in_app": ("body",), "webhook": ("method", "url", "body", "headers"),
}
# Not in the references (D11 names the webhook ``method`` field only): cioctl assumes these
# lower-case values, as in its definitions.
_METHODS = ("get", "post", "put", "patch", "delete")


def create_message(tx: Tx, campaign_id: int, action_type: str, name: str | None,
                   sending_state: str) -> tuple[int, int]:
    """The App API action and the template of a new message action: (action id, template id)."""
    app_type = MESSAGE_TYPES[action_type]
    doc = new_action(tx, campaign_id, app_type, name or "", 0)
    if app_type == "push":
        doc["body_json"] = "{}"
    doc["sending_state"] = sending_state
    save_action(tx, doc, 0)
    template_id = tx.next_id("template")
    tx.put("template", {"id": template_id, "action_id": doc["id"], "campaign_id": campaign_id})
    return int(doc["id"]), template_id


def delete_message(tx: Tx, action: Doc) -> None:
    tx.delete("action", action["id"])
    if action.get("template_id") is not None:
        tx.delete("template", action["template_id"])


def sending_state(tx: Tx, action_id: int) -> str:
    doc = tx.get("action", action_id)
    return str(doc["sending_state"]) if doc else "automatic"


def sync_message(tx: Tx, action_id: int, sending: str, name: str | None) -> None:
    """Carry a Journeys edit of ``sending_state``/``name`` to the App API action (one object)."""
    doc = tx.get("action", action_id)
    if doc is not None and (doc["sending_state"], doc["name"]) != (sending, name or ""):
        doc.update(sending_state=sending, name=name or "", updated=tx.now)
        save_action(tx, doc, 0)


def _template_view(template: Doc, action: Doc) -> Doc:
    view: Doc = {"id": template["id"], "action_id": action["id"]}
    for key in TEMPLATE_FIELDS[action["type"]]:
        if key == "from_identity_id":
            view[key] = action.get("from_id")
        elif key == "headers":
            view[key] = json.loads(action.get("headers") or "[]")
        else:
            view[key] = action.get(key)
    return view


def _apply(tx: Tx, action: Doc, body: Doc) -> None:
    """Write the template fields of the action's channel; unknown keys are ignored (D11)."""
    for key in TEMPLATE_FIELDS[action["type"]]:
        if key not in body:
            continue
        value: Any = body[key]
        if key == "from_identity_id":
            _sender(tx, action, value)
        elif key == "headers":
            if not isinstance(value, list) or not all(
                    isinstance(h, dict) and isinstance(h.get("name"), str)
                    and isinstance(h.get("value"), str) for h in value):
                raise invalid(key, "must be an array of {name, value} strings")
            action[key] = json.dumps([{"name": h["name"], "value": h["value"]} for h in value])
        elif key == "method" and value not in _METHODS:
            raise invalid(key, f"must be one of {', '.join(_METHODS)}")
        elif not isinstance(value, str):
            raise invalid(key, "must be a string")
        elif key == "body_json" and not _json_object(value):
            raise invalid(key, "must be a JSON object encoded as a string")
        else:
            action[key] = value


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _sender(tx: Tx, action: Doc, value: Any) -> None:
    if value is None:
        action.pop("from_id", None)
        action["from"] = ""
        return
    sender = tx.get("sender_identity", value) if type(value) is int else None
    if sender is None:
        raise invalid("from_identity_id", f"sender identity {value!r} not found")
    action["from_id"], action["from"] = sender["id"], sender["address"]


def _template(tx: Tx, request: Request) -> tuple[Doc, Doc]:
    template_id = path_int(request, "template_id")
    template = tx.get("template", template_id)
    action = tx.get("action", template["action_id"]) if template else None
    if template is None or action is None:
        raise not_found(f"template {template_id}")
    return template, action


async def get_template(request: Request) -> Response:
    check_env(request)
    with workspace(request).store.read() as tx:
        template, action = _template(tx, request)
        return ok({"template": _template_view(template, action)})


async def put_template(request: Request) -> Response:
    check_env(request)
    body = await object_body(request, "template")
    with workspace(request).store.write() as tx:
        template, action = _template(tx, request)
        campaign = tx.get("campaign", template["campaign_id"])
        if campaign is not None and campaign["state"] == "running":
            refuse_live_edit(request, tx)
        _apply(tx, action, body)
        action["updated"] = tx.now
        save_action(tx, dedup(action, "updated"), 0)
        return ok({"template": _template_view(template, action)})


ROUTES = [
    Route(f"{BASE}/templates/{{template_id}}", get_template, methods=["GET"]),
    Route(f"{BASE}/templates/{{template_id}}", put_template, methods=["PUT"]),
]
