"""Kind ``flow``: a Journeys campaign and its workflow, owned through its tag.

Live write functions: :func:`create`, :func:`update` (whole campaign through Journeys, or
content-only edits through the documented App API action PUT), :func:`delete`,
:func:`recover`; live read: :func:`from_live` (campaign structure from Journeys, message content
from App API actions). Bodies come from the modeled Journeys codec (``jm.campaign_from``,
``JourneysCampaign``); swapping the codec changes these functions only.
"""

from __future__ import annotations

import json
from typing import Any

from cioctl.api import campaigns
from cioctl.api import journeys_modeled as jm
from cioctl.api.campaigns import Action
from cioctl.api.http import ApiClient
from cioctl.api.journeys_modeled import JourneysCampaign
from cioctl.apply.wire import IdBook, message_steps, tags_with_owner
from cioctl.kinds.address import Address
from cioctl.kinds.ops import KindOps, after, live_id
from cioctl.kinds.registry import Kind, Surface, owner_tag
from cioctl.kinds.tags import segment_key, user_tags
from cioctl.model.flows import Flow
from cioctl.plan.change import Change
from cioctl.state.canonical import JSON, map_segment_refs, segment_keys, sort_unordered
from cioctl.state.flows import CONTENT_FIELDS, DEFAULT_RECIPIENT, flow_fields, headers_json
from cioctl.state.references import definition_resource, liquid_needs, texts
from cioctl.state.resource import Resource

# What the App API's documented action PUT can write (push ``title``/``link``, email
# ``from``/``reply_to`` are not among them: those edits go through Journeys).
APP_WRITABLE_CONTENT = frozenset({"subject", "body", "preheader_text", "recipient",
                                  "sending_state", "headers", "method", "url", "image_url"})


async def create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Create the campaign with its workflow and ownership tag, then its sending states."""
    spec = jm.campaign_from(after(change), tags_with_owner(after(change), change.key),
                            ids.segment_id)
    created = await campaigns.create_journeys_campaign(client, spec)
    ids.flows[change.key] = created.id
    ids.action_ids[change.key] = created.action_ids()
    await _fix_sending_states(client, change, ids)
    return created.id


async def update(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Content-only edits through the App API; anything else rewrites the campaign."""
    if change.surface is Surface.APP:
        await _update_contents(client, change, ids)
    else:
        await _update_campaign(client, change, ids)
    return change.live_id


async def _update_campaign(client: ApiClient, change: Change, ids: IdBook) -> None:
    spec = jm.campaign_from(after(change), tags_with_owner(after(change), change.key),
                            ids.segment_id)
    updated = await campaigns.update_journeys_campaign(
        client, live_id(change), name=spec.name, description=spec.description, tags=spec.tags,
        trigger=spec.trigger, filter=spec.filter, goal=spec.goal, frequency=spec.frequency,
        workflow=spec.workflow, state=spec.state)
    ids.action_ids[change.key] = updated.action_ids()
    await _fix_sending_states(client, change, ids)


async def _update_contents(client: ApiClient, change: Change, ids: IdBook) -> None:
    """Content-only edits of existing messages, through the documented App API action PUT."""
    before = message_steps((change.before or {}).get("steps", []))
    action_ids = ids.action_ids.get(change.key, {})
    for name, step in message_steps(after(change).get("steps", [])).items():
        old = before.get(name, {}).get("content", {})
        edits = {k: v for k, v in step["content"].items()
                 if k in APP_WRITABLE_CONTENT and old.get(k) != v}
        if edits:
            await campaigns.update_action(client, live_id(change), action_ids[name], edits)


async def _fix_sending_states(client: ApiClient, change: Change, ids: IdBook) -> None:
    """Journeys creates actions as ``automatic``; set any other sending state (App API)."""
    for name, step in message_steps(after(change).get("steps", [])).items():
        state = step["content"].get("sending_state", "automatic")
        if state != "automatic" and name in ids.action_ids.get(change.key, {}):
            await campaigns.update_action(client, ids.flows[change.key],
                                          ids.action_ids[change.key][name],
                                          {"sending_state": state})


async def delete(client: ApiClient, change: Change) -> None:
    """Delete the campaign by id."""
    await campaigns.delete_journeys_campaign(client, live_id(change))


async def recover(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """A lost create landed if another campaign carries this key's ownership tag."""
    found = [c for c in await campaigns.list_journeys_campaigns(client)
             if owner_tag(change.key) in c.tags and c.id != change.live_id]
    if not found:
        return None
    ids.flows[change.key] = found[0].id
    ids.action_ids[change.key] = found[0].action_ids()
    await _fix_sending_states(client, change, ids)
    return found[0].id


ACTION_TO_STEP = {"twilio": "sms"}


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


def from_live(campaign: JourneysCampaign, actions: dict[int, Action],
              id_to_key: dict[int, str]) -> Resource:
    """A live campaign (structure from Journeys, content from App API actions)."""
    key, managed = segment_key(campaign)
    state = "running" if campaign.state == "running" else "draft"
    fields = sort_unordered({
        "name": campaign.name, "description": campaign.description or "", "state": state,
        "trigger": _trigger(campaign.trigger, id_to_key),
        "filter": map_segment_refs(campaign.filter, id_to_key) if campaign.filter else None,
        "goal": campaign.goal or None, "frequency": campaign.frequency or "once",
        "tags": user_tags(campaign.tags, key),
        "steps": live_steps(list(campaign.workflow), actions, id_to_key),
    })
    return Resource(Kind.FLOW, key, campaign.name, fields, live_id=campaign.id, managed=managed,
                    extra={"state": campaign.state, "action_ids": campaign.action_ids()})


def from_definition(flow: Flow, collections: set[str]) -> Resource:
    """A flow definition, depending on the segments, snippets and collections it uses."""
    fields = flow_fields(flow)
    needs = {Address(Kind.SEGMENT, k) for k in segment_keys(fields)}
    needs |= {Address(Kind.SEGMENT, k) for k in fields["trigger"].get("segment_keys", [])}
    needs |= liquid_needs(texts(fields["steps"]), collections)
    return definition_resource(Kind.FLOW, flow, flow.key, flow.name, fields, needs)


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
