"""Campaign ``update_type`` concerns other than the workflow graph (evidence §5; D4, D5, D7, D8).

Each concern reads only its own fields: anything else in the body is silently ignored, as the
live service does (§2, S11). ``recipients`` is a full replace — an omitted field is reset
(§5, S11/S12); a malformed ``filters``/``anchors`` string is stored as ``null`` (§2, S11).
"""

from __future__ import annotations

from typing import Any

from cioctl.emulator.journeys_common import (
    EMPTY_LIST_B64,
    NotEncodedError,
    decode_b64,
    invalid,
)
from cioctl.emulator.journeys_conditions import check_entries, filter_ok
from cioctl.emulator.store import Doc, Tx

TRIGGER_TYPES = frozenset({
    "transactional", "seg_attr", "behavioral", "date", "form", "object", "relationship",
    "webhook", "api_triggered",
})
RESTART_MODES = frozenset({"never", "rematch"})  # §5 names rematch; never is decided (D5)
RECIPIENT_DEFAULTS: Doc = {
    "type": "none", "event": None, "event_type": None, "attribute_filters": {},
    "filters": EMPTY_LIST_B64, "anchors": EMPTY_LIST_B64, "trigger": None,
    "restart_mode": "never", "date_attribute": None, "frequency": None, "start_hour": None,
    "start_minutes": None, "timezone": None, "use_customer_timezone": None,
}
OTHER_DEFAULTS: Doc = {
    "global_exit_conditions": [], "exit_on_trigger_or_filter_not_matched": True,
    "conversion": None, "exit_on_conversion": False, "use_message_limits": False,
}
# D7 [decided]: window over 7,776,000 s (90 days) → 422 (semantics §7.2; not in the references).
MAX_CONVERSION_WINDOW = 90 * 86400


def _segment_exists(tx: Tx) -> Any:
    return lambda seg_id: tx.get("segment", seg_id) is not None


def recipients(tx: Tx, doc: Doc, body: Doc) -> None:
    """Replace every recipients field (D5); set up the system actions on the first trigger."""
    fields = {key: body.get(key, default) for key, default in RECIPIENT_DEFAULTS.items()}
    kind = fields["type"]
    if kind not in TRIGGER_TYPES:
        raise invalid("type", f"must be one of {', '.join(sorted(TRIGGER_TYPES))}")
    if doc["type"] != "none" and kind != doc["type"]:
        raise invalid("type", "cannot be changed once set (delete and rebuild the campaign)")
    for key in ("trigger", "attribute_filters"):
        if isinstance(fields[key], str):
            raise invalid(key, "must be an object, not an encoded string")
    if fields["trigger"] is not None:
        _check_trigger(tx, fields["trigger"])
    _check_attribute_filters(fields["attribute_filters"])
    fields["filters"] = _flat(tx, fields["filters"], "filters", anchors=False)
    fields["anchors"] = _flat(tx, fields["anchors"], "anchors", anchors=True)
    if fields["restart_mode"] not in RESTART_MODES:
        raise invalid("restart_mode", f"must be one of {', '.join(sorted(RESTART_MODES))}")
    _check_kind_fields(fields)
    first = doc["type"] == "none"
    doc.update(fields)
    if first and not doc["actions"]:
        _system_actions(tx, doc)


def _check_trigger(tx: Tx, node: Any) -> None:
    if not isinstance(node, dict) or len(node) != 1:
        raise invalid("trigger", "must be {\"and\"|\"or\": [...]} of segment/attribute items")
    key, value = next(iter(node.items()))
    if key in ("and", "or") and isinstance(value, list) and value:
        for item in value:
            _check_trigger(tx, item)
    elif key == "segment" and isinstance(value, dict) and type(value.get("id")) is int:
        if tx.get("segment", value["id"]) is None:
            raise invalid("trigger", f"segment {value['id']} not found")
    elif key == "attribute" and filter_ok(value):
        return
    else:
        raise invalid("trigger", f"unreadable trigger item {node!r}")


def _check_attribute_filters(node: Any) -> None:
    if node == {}:
        return
    items = next(iter(node.values())) if isinstance(node, dict) and len(node) == 1 else None
    if next(iter(node), None) not in ("and", "or") or not isinstance(items, list) \
            or not all(filter_ok(item) for item in items):
        raise invalid("attribute_filters", "must be {} or {\"and\"|\"or\": [filter, ...]}")


def _flat(tx: Tx, value: Any, field_name: str, *, anchors: bool) -> str | None:
    """The stored string, or None when it does not decode to a list (stored null, S11)."""
    try:
        entries = decode_b64(value)
    except NotEncodedError:
        return None
    if not isinstance(entries, list):
        return None
    if anchors and any(not isinstance(e, dict) or e.get("type") != "segments_negatable"
                       for e in entries):
        raise invalid(field_name, "entries must be segments_negatable anchors")
    check_entries(entries, field_name, _segment_exists(tx))
    return str(value)


def _check_kind_fields(fields: Doc) -> None:
    kind = fields["type"]
    if kind == "transactional" and not (isinstance(fields["event"], str) and fields["event"]):
        raise invalid("event", "is required for an event-triggered campaign")
    if kind == "seg_attr" and fields["trigger"] is None:
        raise invalid("trigger", "is required for a segment-triggered campaign")
    if kind != "date":
        return
    checks = {
        "date_attribute": isinstance(fields["date_attribute"], str) and fields["date_attribute"],
        "frequency": fields["frequency"] in ("once", "monthly", "yearly"),
        "start_hour": type(fields["start_hour"]) is int and 0 <= fields["start_hour"] <= 23,
        "start_minutes": type(fields["start_minutes"]) is int
        and 0 <= fields["start_minutes"] <= 59,
        "timezone": isinstance(fields["timezone"], str),
        "use_customer_timezone": isinstance(fields["use_customer_timezone"], bool),
    }
    for key, good in checks.items():
        if not good:
            raise invalid(key, "is missing or invalid for a date-triggered campaign")


def _system_actions(tx: Tx, doc: Doc) -> None:
    """Setting the trigger creates the entry gate (segment triggers) and an exit (§5, D5)."""
    def system(kind: str) -> Doc:
        return {"id": tx.next_id("action"), "type": kind, "sub_type": None, "name": None,
                "system": True}

    if doc["type"] in ("seg_attr", "behavioral"):
        gate, exit_action = system("filter_match_delay_action"), system("exit_action")
        doc["actions"] = [gate, exit_action]
        doc["edges"] = [{"from": gate["id"], "to": exit_action["id"], "type": "continue"}]
    else:
        doc["actions"] = [system("exit_action")]
        doc["edges"] = []


def exit_conditions(tx: Tx, doc: Doc, body: Doc) -> None:
    """``global_exit_conditions`` and ``exit_on_trigger_or_filter_not_matched`` (§5, D7)."""
    if "global_exit_conditions" in body:
        value = body["global_exit_conditions"]
        if not isinstance(value, list) or not all(
                isinstance(c, dict) and set(c) == {"segment"} and isinstance(c["segment"], dict)
                and type(c["segment"].get("id")) is int for c in value):
            raise invalid("global_exit_conditions", "must be [{\"segment\": {\"id\": N}}, ...]")
        for condition in value:
            if tx.get("segment", condition["segment"]["id"]) is None:
                raise invalid("global_exit_conditions",
                              f"segment {condition['segment']['id']} not found")
        doc["global_exit_conditions"] = value
    _flag(doc, body, "exit_on_trigger_or_filter_not_matched")


def exit_and_conversion(tx: Tx, doc: Doc, body: Doc) -> None:
    """``conversion`` (an event and a window in seconds) and ``exit_on_conversion`` (D7)."""
    if "conversion" in body:
        value = body["conversion"]
        if value is not None and not (
                isinstance(value, dict) and value.get("type") == "event"
                and isinstance(value.get("event_name"), str) and value["event_name"]
                and type(value.get("window")) is int
                and 0 < value["window"] <= MAX_CONVERSION_WINDOW):
            raise invalid("conversion", "must be null or {\"type\": \"event\", \"event_name\", "
                          f"\"window\": 1..{MAX_CONVERSION_WINDOW}}}")
        doc["conversion"] = value
    _flag(doc, body, "exit_on_conversion")


def global_settings(tx: Tx, doc: Doc, body: Doc) -> None:
    _flag(doc, body, "use_message_limits")


def details(tx: Tx, doc: Doc, body: Doc) -> None:
    """Name and description (D4; no such update_type is evidenced)."""
    if "name" in body:
        if not isinstance(body["name"], str) or not body["name"].strip():
            raise invalid("name", "must be a non-empty string")
        doc["name"] = body["name"]
    if "description" in body:
        if not isinstance(body["description"], str):
            raise invalid("description", "must be a string")
        doc["description"] = body["description"]


def state(tx: Tx, doc: Doc, body: Doc) -> None:
    """draft → running, running → stopped, stopped → running (D8; unknown on the service)."""
    allowed = {"draft": ("running",), "running": ("stopped",), "stopped": ("running",)}
    target = body.get("state")
    if target not in allowed[doc["state"]]:
        raise invalid("state", f"cannot go from {doc['state']} to {target!r}")
    if target == "running" and doc["type"] == "none":
        raise invalid("state", "a campaign without a trigger cannot run")
    doc["state"] = target
    if target == "running" and not doc.get("first_started"):
        doc["first_started"] = tx.now


def _flag(doc: Doc, body: Doc, key: str) -> None:
    if key in body:
        if not isinstance(body[key], bool):
            raise invalid(key, "must be a boolean")
        doc[key] = body[key]
