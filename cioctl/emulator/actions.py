"""Campaign actions (§3.2 of the reference): creation from a workflow step, content edits, views.

Stored actions are App API action objects; ``headers`` is kept as the JSON **string** the API
returns, while requests give it as an array of ``{name, value}``.
"""

from __future__ import annotations

import json
from typing import Any

from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, dedup

STEP_TO_ACTION_TYPE = {
    "email": "email", "sms": "twilio", "push": "push", "webhook": "webhook",
    "in_app": "in_app", "slack": "slack",
}
_STR = ("subject", "body", "body_amp", "preheader_text", "recipient", "image_url", "url",
        "body_json", "title", "link", "from", "reply_to")
_INT = ("from_id", "sender_identity_id")
_NULLABLE_INT = ("reply_to_id",)
_BOOL = ("tracked", "send_to_unsubscribed")
_ENUMS = {
    "sending_state": ("automatic", "draft", "off"),
    "method": ("get", "post", "put", "delete", "patch"),
}
_MESSAGE_WRITABLE = frozenset({
    "subject", "body", "body_amp", "preheader_text", "recipient", "from_id", "reply_to_id",
    "sending_state", "headers",
})  # as the reference lists them; a push's title and link are written through Journeys
WRITABLE: dict[str, frozenset[str]] = {
    "email": _MESSAGE_WRITABLE, "push": _MESSAGE_WRITABLE, "in_app": _MESSAGE_WRITABLE,
    "slack": _MESSAGE_WRITABLE,
    "twilio": frozenset({"body", "image_url", "recipient", "sending_state"}),
    "whatsapp": frozenset({"body", "body_json", "recipient", "sending_state", "tracked",
                           "send_to_unsubscribed", "sender_identity_id"}),
    "webhook": frozenset({"body", "headers", "method", "url", "sending_state"}),
}
JOURNEYS_CONTENT: dict[str, frozenset[str]] = {
    "email": frozenset({"subject", "body", "preheader_text", "from", "reply_to", "recipient",
                        "headers"}),
    "twilio": frozenset({"body", "image_url"}),
    "push": frozenset({"body", "title", "link"}),
    "webhook": frozenset({"method", "url", "body", "headers"}),
    "in_app": frozenset({"body"}),
    "slack": frozenset({"body"}),
}


def _defaults(action_type: str) -> Doc:
    if action_type == "twilio":
        return {"body": "", "image_url": "", "recipient": "{{customer.phone}}"}
    if action_type == "webhook":
        return {"body": "", "headers": "[]", "method": "post", "url": ""}
    return {
        "subject": "", "body": "", "body_amp": "", "preheader_text": "",
        "recipient": "{{customer.email}}" if action_type == "email" else "",
        "from": "", "reply_to": "", "reply_to_id": None, "bcc": "", "cc": "",
        "fake_bcc": False, "headers": "[]", "preprocessor": "premailer",
    }


def new_action(tx: Tx, campaign_id: int, action_type: str, name: str, pos: int) -> Doc:
    """A new, empty action of ``action_type`` (an App API type) in the campaign."""
    doc: Doc = {
        "id": tx.next_id("action"), "campaign_id": campaign_id, "name": name,
        "type": action_type, "language": "", "layout": "", "sending_state": "automatic",
        **_defaults(action_type), "created": tx.now, "updated": tx.now,
    }
    return save_action(tx, doc, pos)


def save_action(tx: Tx, doc: Doc, pos: int) -> Doc:
    return tx.put("action", dedup(doc, "updated"), parent=doc["campaign_id"], pos=pos)


def apply_fields(tx: Tx, action: Doc, fields: Doc, allowed: frozenset[str], pointer: str) -> Doc:
    """Validate ``fields`` (only ``allowed`` keys count; others are ignored) onto ``action``."""
    for key, value in fields.items():
        if key in allowed:
            action[key] = _check(key, value, f"{pointer}/{key}")
    if "from" in fields and "from" in allowed:
        _resolve_sender(tx, action)
    action["updated"] = tx.now
    return action


def _resolve_sender(tx: Tx, action: Doc) -> None:
    for sender in tx.docs("sender_identity"):
        if action["from"] in (sender["address"], sender["email"]):
            action["from_id"] = sender["id"]
            return
    action.pop("from_id", None)


def _check(key: str, value: Any, pointer: str) -> Any:
    if key == "headers":
        return _headers(value, pointer)
    ok = (
        (key in _STR and isinstance(value, str))
        or (key in _INT and type(value) is int)
        or (key in _NULLABLE_INT and (value is None or type(value) is int))
        or (key in _BOOL and isinstance(value, bool))
        or (key in _ENUMS and value in _ENUMS[key])
    )
    if not ok:
        expected = ", ".join(_ENUMS[key]) if key in _ENUMS else _kind(key)
        raise ApiError(400, f"{key} must be {expected}", pointer=pointer)
    return value


def _kind(key: str) -> str:
    if key in _INT:
        return "an integer"
    if key in _NULLABLE_INT:
        return "an integer or null"
    return "a boolean" if key in _BOOL else "a string"


def _headers(value: Any, pointer: str) -> str:
    """Request headers (array of {name, value}) → the stored JSON string."""
    if not isinstance(value, list) or not all(
        isinstance(h, dict) and isinstance(h.get("name"), str) and isinstance(h.get("value"), str)
        for h in value
    ):
        raise ApiError(400, "headers must be an array of {name, value} strings", pointer=pointer)
    return json.dumps([{"name": h["name"], "value": h["value"]} for h in value])

