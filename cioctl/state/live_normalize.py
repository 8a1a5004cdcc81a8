"""Live API objects → canonical resources (server-owned fields out, defaults in, ids → keys)."""

from __future__ import annotations

import json
from typing import Any

from cioctl.api.campaigns import Action
from cioctl.api.collections import Collection as LiveCollection
from cioctl.api.data_index import AttributeInfo, EventInfo
from cioctl.api.journeys_modeled import JourneysCampaign, JourneysSegment
from cioctl.api.reporting_webhooks import ReportingWebhook as LiveWebhook
from cioctl.api.snippets import Snippet as LiveSnippet
from cioctl.kinds.registry import Kind, key_from_tags, owner_tag
from cioctl.model.base import slugify
from cioctl.state.canonical import JSON, map_segment_refs, sort_unordered
from cioctl.state.flows import CONTENT_FIELDS, DEFAULT_RECIPIENT, headers_json
from cioctl.state.resource import Resource

ACTION_TO_STEP = {"twilio": "sms"}


def segment_key(segment: JourneysSegment | JourneysCampaign) -> tuple[str, bool]:
    """The cioctl key of a live segment or campaign and whether cioctl owns it (tagged)."""
    key = key_from_tags(segment.tags)
    return (key, True) if key else (slugify(segment.name), False)


def _user_tags(tags: tuple[str, ...], key: str) -> list[str]:
    return sorted({t for t in tags if t != owner_tag(key)})


def live_segment(segment: JourneysSegment, id_to_key: dict[int, str]) -> Resource:
    """A live (Journeys) segment as a canonical resource."""
    key, managed = segment_key(segment)
    conditions = sort_unordered(map_segment_refs(segment.conditions, id_to_key)) \
        if segment.conditions else None
    return Resource(Kind.SEGMENT, key, segment.name, {
        "name": segment.name, "description": segment.description or "", "type": segment.type,
        "conditions": conditions, "tags": _user_tags(segment.tags, key)},
        live_id=segment.id, managed=managed)


def _content(step_type: str, action: Action | None) -> JSON:
    raw: dict[str, Any] = dict(action.raw) if action else {}
    values: JSON = {name: raw.get(name) or "" for name in CONTENT_FIELDS[step_type]}
    values["sending_state"] = raw.get("sending_state") or "automatic"
    if "headers" in values:
        headers = raw.get("headers") or "[]"
        values["headers"] = headers_json(json.loads(headers) if isinstance(headers, str)
                                         else headers)
    if step_type == "email":
        values["recipient"] = raw.get("recipient") or DEFAULT_RECIPIENT
    if step_type == "webhook":
        values["method"] = raw.get("method") or "post"
    return values


def live_steps(steps: list[JSON] | tuple[JSON, ...], actions: dict[int, Action],
               id_to_key: dict[int, str]) -> list[JSON]:
    """The Journeys workflow with each message step's content read from its App API action."""
    result: list[JSON] = []
    for step in steps:
        kind = ACTION_TO_STEP.get(step.get("type", ""), step.get("type", ""))
        if kind in CONTENT_FIELDS:
            action = actions.get(step.get("action_id", -1))
            result.append({"type": kind, "name": step.get("name"),
                           "content": _content(kind, action)})
        elif kind == "branch":
            result.append({"type": "branch",
                           "condition": map_segment_refs(step.get("condition"), id_to_key),
                           "then": live_steps(step.get("then", []), actions, id_to_key),
                           "else": live_steps(step.get("else", []), actions, id_to_key)})
        else:
            clean = {k: v for k, v in step.items() if k != "action_id"}
            result.append(map_segment_refs(clean, id_to_key))
    return result


def _trigger(trigger: JSON, id_to_key: dict[int, str]) -> JSON:
    if trigger.get("type") == "segment":
        ids = trigger.get("segment_ids", [])
        return {"type": "segment", "segment_keys": [id_to_key.get(i, f"#{i}") for i in ids]}
    if trigger.get("type") == "event":
        return {"type": "event", "event_name": trigger.get("event_name"),
                "filters": trigger.get("filters", [])}
    return dict(trigger)


def live_flow(campaign: JourneysCampaign, actions: dict[int, Action],
              id_to_key: dict[int, str]) -> Resource:
    """A live campaign (structure from Journeys, content from App API actions)."""
    key, managed = segment_key(campaign)
    state = "running" if campaign.state == "running" else "draft"
    fields = sort_unordered({
        "name": campaign.name, "description": campaign.description or "", "state": state,
        "trigger": _trigger(campaign.trigger, id_to_key),
        "filter": map_segment_refs(campaign.filter, id_to_key) if campaign.filter else None,
        "goal": campaign.goal or None, "frequency": campaign.frequency or "once",
        "tags": _user_tags(campaign.tags, key),
        "steps": live_steps(list(campaign.workflow), actions, id_to_key),
    })
    return Resource(Kind.FLOW, key, campaign.name, fields, live_id=campaign.id, managed=managed,
                    extra={"state": campaign.state, "action_ids": campaign.action_ids()})


def live_attribute(info: AttributeInfo, ledger: frozenset[str]) -> Resource:
    """Attribute metadata from the data index; owned when the ledger lists it."""
    return Resource(Kind.ATTRIBUTE, info.name, info.name, {
        "description": info.description or "", "privacy_level": info.privacy_level or 0},
        managed=f"attribute:{info.name}" in ledger)


def live_event(info: EventInfo, ledger: frozenset[str]) -> Resource:
    """Event metadata from the data index; owned when the ledger lists it."""
    return Resource(Kind.EVENT, info.name, info.name, {"description": info.description or ""},
                    managed=f"event:{info.name}" in ledger)


def live_snippet(snippet: LiveSnippet, ledger: frozenset[str]) -> Resource:
    """A snippet; owned when the ledger lists it."""
    return Resource(Kind.SNIPPET, snippet.name, snippet.name, {"value": snippet.value.strip()},
                    managed=f"snippet:{snippet.name}" in ledger)


def live_collection(collection: LiveCollection, data: Any, ledger: frozenset[str]) -> Resource:
    """A collection with its content (None when the content was not read)."""
    return Resource(Kind.COLLECTION, collection.name, collection.name, {"data": data},
                    live_id=collection.id, managed=f"collection:{collection.name}" in ledger)


def live_webhook(hook: LiveWebhook, ledger: frozenset[str]) -> Resource:
    """A reporting webhook, keyed by a slug of its name."""
    key = slugify(hook.name)
    return Resource(Kind.REPORTING_WEBHOOK, key, hook.name, {
        "name": hook.name, "endpoint": hook.endpoint, "events": sorted(hook.events),
        "disabled": hook.disabled, "full_resolution": hook.full_resolution,
        "with_content": hook.with_content}, live_id=hook.id,
        managed=f"reporting_webhook:{key}" in ledger)
