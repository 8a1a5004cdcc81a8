"""A flow's trigger, audience filter, frequency and goal as the campaign's ``recipients``,
``exit_conditions`` and ``exit_and_conversion`` fields (evidence §5; decisions D3, D5, D7).

- ``recipients`` is a **full replace** (§5: an omitted field is reset): every field of
  :data:`RECIPIENT_FIELDS` is sent; the ones this flow's trigger does not own are copied
  verbatim from the live campaign (``carry``), or take the service default on a create (D5).
- event trigger → ``type: transactional``, ``event``, ``event_type: event`` and the event's
  property filters in ``attribute_filters``, a **raw** object (§5; the §4 filter shape);
  segment trigger → ``type: seg_attr``, ``trigger: {"and": [{"segment": {"id": N}}]}`` (raw);
  date trigger → ``type: date`` and the date fields (D5).
- audience ``filter`` → segment literals as ``anchors`` entries, the rest as the flat
  ``filters`` array, both ``base64(encodeURIComponent(JSON))`` (§5, D3); none → ``"JTVCJTVE"``.
- ``frequency`` → ``restart_mode``: once → ``never``, multiple → ``rematch`` (D5).
- ``exit_conditions``: always no global exits and exit when the trigger/filter stops matching
  (D7); ``exit_and_conversion``: the goal as ``conversion`` with ``exit_on_conversion`` (D7).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cioctl.api.journeys.campaign_conditions import decode_conditions, encode_conditions
from cioctl.api.journeys.campaign_encoding import decode_field, encode_field
from cioctl.api.journeys.errors import (
    CampaignEncodeError,
    CampaignWireError,
    SegmentWireError,
)
from cioctl.api.journeys.wire_filters import filters_from_wire, filters_to_wire
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.model.conditions import EventCondition
from cioctl.state.canonical import filter_json, sort_unordered

JSON = dict[str, Any]
EMPTY = "JTVCJTVE"
"""``base64(encodeURIComponent("[]"))`` (evidence §5)."""

RECIPIENT_DEFAULTS: JSON = {
    "type": None, "event": None, "event_type": None, "attribute_filters": {},
    "filters": EMPTY, "anchors": EMPTY, "trigger": None, "restart_mode": "never",
    "date_attribute": None, "frequency": None, "start_hour": None, "start_minutes": None,
    "timezone": None, "use_customer_timezone": None,
}
"""D5: every recipients field and what the service resets it to when omitted."""
RECIPIENT_FIELDS = tuple(RECIPIENT_DEFAULTS)
_DATE_FIELDS = ("date_attribute", "frequency", "start_hour", "start_minutes", "timezone",
                "use_customer_timezone")
TRIGGER_TYPES = {"event": "transactional", "segment": "seg_attr", "date": "date"}
_RESTART = {"once": "never", "multiple": "rematch"}


def recipients_fields(flow: JSON, segment_ids: Mapping[str, int], types: ValueTypes,
                      carry: Mapping[str, Any] | None = None) -> JSON:
    """Every recipients field: the flow's own, the rest carried from the live read."""
    live = carry or {}
    fields: JSON = {name: live.get(name, default) for name, default in RECIPIENT_DEFAULTS.items()}
    fields |= _trigger_fields(flow["trigger"], segment_ids, types)
    fields |= _filter_fields(flow.get("filter"), segment_ids, types)
    fields["restart_mode"] = _RESTART[flow.get("frequency", "once")]
    return fields


def _trigger_fields(trigger: JSON, ids: Mapping[str, int], types: ValueTypes) -> JSON:
    kind = trigger["type"]
    fields: JSON = {"type": TRIGGER_TYPES[kind]}
    if kind == "event":
        model = EventCondition.model_validate({"event": trigger["event_name"], "where": [
            {"property": f["field"], "operator": f["operator"], "value": f.get("value")}
            for f in trigger["filters"]]})
        return fields | {"event": trigger["event_name"], "event_type": "event",
                         "attribute_filters": filters_to_wire(model, types)}
    if kind == "segment":
        (key,) = trigger["segment_keys"]
        if key not in ids:
            raise CampaignEncodeError(f"trigger: segment '{key}' has no Customer.io id yet",
                                      hint="create the segment first (apply orders them)")
        return fields | {"trigger": {"and": [{"segment": {"id": ids[key]}}]}}
    return fields | {name: trigger[name] for name in _DATE_FIELDS}


def canonical_trigger(trigger: JSON, types: ValueTypes) -> JSON:
    """What decoding gives back for ``trigger`` (typed values, ``in`` of one is ``eq``)."""
    ids = {key: number for number, key in enumerate(trigger.get("segment_keys", []), 1)}
    fields = RECIPIENT_DEFAULTS | _trigger_fields(trigger, ids, types)
    return _decode_trigger(fields["type"], fields, {n: k for k, n in ids.items()}, types)


def _filter_fields(condition: JSON | None, ids: Mapping[str, int], types: ValueTypes) -> JSON:
    if condition is None:
        return {"filters": EMPTY, "anchors": EMPTY}
    entries = encode_conditions(condition, ids, types)
    anchors = [{"negate": e["negate"], "segments": e["segments"], "type": e["type"]}
               for e in entries if e["type"] == "segments_negatable"]
    rest = [e for e in entries if e["type"] != "segments_negatable"]
    return {"filters": encode_field(rest), "anchors": encode_field(anchors)}


def decode_recipients(campaign: Mapping[str, Any], segment_keys: Mapping[int, str],
                      types: ValueTypes) -> JSON:
    """``trigger``, ``filter`` and ``frequency`` of a live campaign, canonical."""
    kind = campaign.get("type")
    restart = {v: k for k, v in _RESTART.items()}.get(str(campaign.get("restart_mode")))
    if restart is None:
        raise CampaignWireError(f"restart_mode {campaign.get('restart_mode')!r} has no "
                                "definitions form (once = never, multiple = rematch)")
    return {"trigger": _decode_trigger(kind, campaign, segment_keys, types),
            "filter": _decode_filter(campaign, segment_keys, types), "frequency": restart}


def _decode_trigger(kind: object, campaign: Mapping[str, Any], keys: Mapping[int, str],
                    types: ValueTypes) -> JSON:
    if kind == "transactional":
        name = campaign.get("event")
        if not isinstance(name, str):
            raise CampaignWireError(f"event trigger without an event name: {name!r}")
        try:
            where = filters_from_wire(name, campaign.get("attribute_filters"), types)
        except SegmentWireError as problem:
            raise CampaignWireError(f"trigger filters: {problem.message}") from None
        return {"type": "event", "event_name": name,
                "filters": sort_unordered([filter_json(f) for f in where])}
    if kind == "seg_attr":
        trigger = campaign.get("trigger")
        items = trigger.get("and") if isinstance(trigger, dict) else None
        ref = items[0].get("segment") if isinstance(items, list) and len(items) == 1 and \
            isinstance(items[0], dict) else None
        seg_id = ref.get("id") if isinstance(ref, dict) else None
        if not isinstance(seg_id, int) or seg_id not in keys:
            raise CampaignWireError(f"segment trigger {trigger!r} is not one segment cioctl "
                                    "knows")
        return {"type": "segment", "segment_keys": [keys[seg_id]]}
    if kind == "date":
        return {"type": "date"} | {name: campaign.get(name) for name in _DATE_FIELDS}
    raise CampaignWireError(f"trigger type {kind!r} has no definitions form "
                            "(event, segment or date triggers)")


def _decode_filter(campaign: Mapping[str, Any], keys: Mapping[int, str],
                   types: ValueTypes) -> JSON | None:
    anchors = decode_field(campaign.get("anchors", EMPTY), "anchors")
    rest = decode_field(campaign.get("filters", EMPTY), "filters")
    if not isinstance(anchors, list) or not isinstance(rest, list):
        raise CampaignWireError("anchors/filters are not arrays")
    entries = [*rest, *anchors]
    if not entries:
        return None
    return decode_conditions(entries, keys, types, "flow filter")


EXIT_CONDITIONS: JSON = {"global_exit_conditions": [],
                         "exit_on_trigger_or_filter_not_matched": True}
"""D7: cioctl always writes exactly this (semantics §7.1's default exit)."""


def goal_fields(goal: JSON | None) -> JSON:
    """``exit_and_conversion`` fields of a flow's goal (D7)."""
    if goal is None:
        return {"conversion": None, "exit_on_conversion": False}
    return {"conversion": {"type": "event", "event_name": goal["event_name"],
                           "window": goal["within_seconds"]}, "exit_on_conversion": True}


def decode_goal(campaign: Mapping[str, Any]) -> JSON | None:
    """A live campaign's goal, canonical."""
    conversion = campaign.get("conversion")
    if conversion is None:
        return None
    if not isinstance(conversion, dict) or conversion.get("type") != "event":
        raise CampaignWireError(f"conversion {conversion!r} is not an event goal")
    return {"type": "event", "event_name": conversion.get("event_name"),
            "within_seconds": conversion.get("window")}
