"""Campaigns (flows) and their actions.

App API (documented): list and get campaigns; list a campaign's actions (10 per page, ``start``
cursor); get and update an action's content (``PUT`` body **unwrapped**, response wrapped in
``action``), also per language. Quirk: ``headers`` is a JSON *string* in responses but an
*array* of ``{name, value}`` in ``PUT`` bodies; :class:`Action` always holds a tuple of
:class:`Header` and :func:`action_update_body` always sends the array.

Journeys (evidence §5): the campaign list and delete here; the writes and reads of one
campaign (create ``type: none`` then one ``update_type`` per concern, ``{campaign, actions,
edges}`` reads) in :mod:`cioctl.api.journeys.campaign_client`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from cioctl.api._wire import (
    JSON,
    int_tuple,
    opt_bool,
    opt_int,
    opt_str,
    req_int,
    req_str,
    str_tuple,
    unwrap,
    unwrap_list,
)
from cioctl.api.errors import ApiProtocolError
from cioctl.api.http import ApiClient
from cioctl.api.journeys import tags
from cioctl.api.journeys.campaign_client import delete_campaign
from cioctl.api.journeys.campaign_encoding import decode_field
from cioctl.api.journeys.campaign_recipients import EMPTY as EMPTY_LIST
from cioctl.api.journeys.campaign_types import CampaignRead
from cioctl.api.journeys.errors import CampaignWireError
from cioctl.api.pagination import collect_cursor, journeys_list

WRITABLE_ACTION_FIELDS = frozenset({
    "subject", "body", "body_amp", "preheader_text", "recipient", "from_id", "reply_to_id",
    "sending_state", "headers", "image_url", "method", "url", "body_json", "tracked",
    "send_to_unsubscribed", "sender_identity_id",
})


@dataclass(frozen=True, slots=True)
class ActionRef:
    """An entry of a campaign's shallow ``actions`` list."""

    id: int
    type: str


@dataclass(frozen=True, slots=True)
class Campaign:
    """A campaign as the App API returns it (trigger ids and names only, no workflow)."""

    id: int
    name: str
    description: str
    type: str | None
    state: str | None
    active: bool | None
    tags: tuple[str, ...]
    actions: tuple[ActionRef, ...]
    trigger_segment_ids: tuple[int, ...]
    filter_segment_ids: tuple[int, ...]
    event_name: str | None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Header:
    """One custom header of an email or webhook action."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Action:
    """A campaign action (message content); fields absent for a type are None."""

    id: int
    type: str
    campaign_id: int | None
    name: str
    language: str
    sending_state: str | None
    subject: str | None
    body: str | None
    preheader_text: str | None
    recipient: str | None
    from_id: int | None
    reply_to_id: int | None
    method: str | None
    url: str | None
    headers: tuple[Header, ...]
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


def parse_campaign(obj: JSON) -> Campaign:
    """One App API campaign object (unwrapped)."""
    refs = unwrap_list({"actions": obj.get("actions") or []}, "actions")
    return Campaign(
        id=req_int(obj, "id", "campaign"),
        name=opt_str(obj, "name", "campaign") or "",
        description=opt_str(obj, "description", "campaign") or "",
        type=opt_str(obj, "type", "campaign"),
        state=opt_str(obj, "state", "campaign"),
        active=opt_bool(obj, "active", "campaign"),
        tags=str_tuple(obj, "tags", "campaign"),
        actions=tuple(ActionRef(req_int(r, "id"), req_str(r, "type")) for r in refs),
        trigger_segment_ids=int_tuple(obj, "trigger_segment_ids", "campaign"),
        filter_segment_ids=int_tuple(obj, "filter_segment_ids", "campaign"),
        event_name=opt_str(obj, "event_name", "campaign"),
        raw=obj,
    )


def parse_headers(value: Any) -> tuple[Header, ...]:
    """``headers`` as the API returns it (a JSON string; an array is accepted too)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ApiProtocolError("unexpected API response: action.headers is not JSON") from None
    items = unwrap_list({"headers": value}, "headers")
    return tuple(Header(req_str(h, "name", "header"), str(h.get("value", ""))) for h in items)


def parse_action(obj: JSON) -> Action:
    """One action object (unwrapped)."""
    return Action(
        id=req_int(obj, "id", "action"),
        type=req_str(obj, "type", "action"),
        campaign_id=opt_int(obj, "campaign_id", "action"),
        name=opt_str(obj, "name", "action") or "",
        language=opt_str(obj, "language", "action") or "",
        sending_state=opt_str(obj, "sending_state", "action"),
        subject=opt_str(obj, "subject", "action"),
        body=opt_str(obj, "body", "action"),
        preheader_text=opt_str(obj, "preheader_text", "action"),
        recipient=opt_str(obj, "recipient", "action"),
        from_id=opt_int(obj, "from_id", "action"),
        reply_to_id=opt_int(obj, "reply_to_id", "action"),
        method=opt_str(obj, "method", "action"),
        url=opt_str(obj, "url", "action"),
        headers=parse_headers(obj.get("headers")),
        raw=obj,
    )


def action_update_body(changes: Mapping[str, Any]) -> JSON:
    """The unwrapped ``PUT`` body; ``headers`` (Header, mappings or a JSON string) → array."""
    unknown = set(changes) - WRITABLE_ACTION_FIELDS
    if unknown:
        raise ValueError(f"not writable through the App API: {sorted(unknown)}")
    body = dict(changes)
    if body.get("headers") is not None:
        body["headers"] = [{"name": h.name, "value": h.value} for h in _headers(body["headers"])]
    return body


def _headers(value: Any) -> tuple[Header, ...]:
    if isinstance(value, str):
        return parse_headers(value)
    return tuple(h if isinstance(h, Header) else Header(h["name"], h["value"]) for h in value)


def _action_path(campaign_id: int, action_id: int, language: str | None) -> str:
    path = f"/v1/campaigns/{campaign_id}/actions/{action_id}"
    return path if language is None else f"{path}/language/{quote(language, safe='')}"


# -- App API ---------------------------------------------------------------------------------


async def list_campaigns(client: ApiClient) -> list[Campaign]:
    """``GET /v1/campaigns`` (not paginated)."""
    body = await client.app.get("/v1/campaigns")
    return [parse_campaign(obj) for obj in unwrap_list(body, "campaigns")]


async def get_campaign(client: ApiClient, campaign_id: int) -> Campaign:
    """``GET /v1/campaigns/{id}``."""
    return parse_campaign(unwrap(await client.app.get(f"/v1/campaigns/{campaign_id}"), "campaign"))


async def list_actions(client: ApiClient, campaign_id: int) -> list[Action]:
    """``GET /v1/campaigns/{id}/actions``, following the ``start``/``next`` cursor."""
    path = f"/v1/campaigns/{campaign_id}/actions"

    async def fetch(start: str | None) -> Any:
        return await client.app.get(path, params=None if start is None else {"start": start})

    return [parse_action(obj) for obj in await collect_cursor(fetch, "actions")]


async def get_action(
    client: ApiClient, campaign_id: int, action_id: int, *, language: str | None = None
) -> Action:
    """``GET /v1/campaigns/{id}/actions/{action_id}[/language/{language}]``."""
    body = await client.app.get(_action_path(campaign_id, action_id, language))
    return parse_action(unwrap(body, "action"))


async def update_action(
    client: ApiClient,
    campaign_id: int,
    action_id: int,
    changes: Mapping[str, Any],
    *,
    language: str | None = None,
) -> Action:
    """``PUT .../actions/{action_id}[/language/{language}]`` with the unwrapped ``changes``."""
    path = _action_path(campaign_id, action_id, language)
    body = await client.app.put(path, action_update_body(changes))
    return parse_action(unwrap(body, "action"))


# -- Journeys (evidence §5, docs/journeys-wire.md D4-D14) -------------------------------------


@dataclass(frozen=True, slots=True)
class JourneysCampaign:
    """A campaign as the Journeys list returns it (no actions/edges: :func:`read_campaign`
    reads those); ``tags`` are names (the wire carries ``tag_ids``, D12), ``segment_ids`` the
    segments its trigger and audience (``anchors``) name."""

    id: int
    name: str
    description: str
    state: str | None
    type: str | None
    tags: tuple[str, ...]
    segment_ids: tuple[int, ...]
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


def _recipient_segments(obj: JSON) -> tuple[int, ...]:
    # trigger: raw object with {"segment": {"id"}} items; anchors: base64 list of
    # segments_negatable entries (evidence §5, S8/S11; D5).
    found: list[int] = []
    trigger = obj.get("trigger")
    for item in trigger.get("and", []) if isinstance(trigger, dict) else []:
        ref = item.get("segment") if isinstance(item, dict) else None
        if isinstance(ref, dict) and isinstance(ref.get("id"), int):
            found.append(ref["id"])
    try:
        anchors = decode_field(obj.get("anchors") or EMPTY_LIST, "anchors")
    except CampaignWireError:
        anchors = []
    for entry in anchors if isinstance(anchors, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("segments"), list):
            found += [i for i in entry["segments"] if isinstance(i, int)]
    return tuple(found)


def parse_journeys_campaign(obj: JSON, tag_names: Mapping[str, str]) -> JourneysCampaign:
    """One Journeys campaign object (unwrapped)."""
    return JourneysCampaign(
        id=req_int(obj, "id", "campaign"),
        name=req_str(obj, "name", "campaign"),
        description=opt_str(obj, "description", "campaign") or "",
        state=opt_str(obj, "state", "campaign"),
        type=opt_str(obj, "type", "campaign"),
        tags=tags.names_of(obj.get("tag_ids"), tag_names),
        segment_ids=_recipient_segments(obj),
        raw=obj,
    )


async def list_journeys_campaigns(client: ApiClient) -> list[JourneysCampaign]:
    """``GET /v1/environments/{ws}/campaigns``, every page (§3: 20 a page from page 0)."""
    names = await tags.tag_names(client)
    return [parse_journeys_campaign(obj, names)
            for obj in await journeys_list(client, "campaigns", "campaigns")]


def message_action_ids(read: CampaignRead) -> dict[str, int]:
    """``step id → action id`` of every message action of a read (the action's ``name``)."""
    return {str(a["name"]): int(a["id"]) for a in read.actions
            if isinstance(a, dict) and a.get("type") in MESSAGE_ACTION_TYPES
            and isinstance(a.get("name"), str) and isinstance(a.get("id"), int)}


# Message action types: evidence §5 (S8, S10, S12).
MESSAGE_ACTION_TYPES = frozenset({"email_action", "twilio_action", "push_action",
                                  "in_app_action", "webhook_action"})


def template_of(action: Action) -> JSON:
    """An App API action's content as the Journeys template fields (D11: both surfaces read
    the same template; the App API list is ⌈messages/10⌉ requests instead of one each)."""
    raw = dict(action.raw)
    template: JSON = {k: raw.get(k) for k in ("subject", "body", "preheader_text", "reply_to",
                                              "recipient", "image_url", "method", "url",
                                              "body_json")}
    template["from_identity_id"] = raw.get("from_id")
    template["headers"] = [{"name": h.name, "value": h.value} for h in action.headers]
    return template


def sender_texts(actions: Mapping[int, Action]) -> dict[str, int]:
    """Sender identities as the actions name them (``from`` text → ``from_id``)."""
    return {str(a.raw.get("from")): int(a.raw["from_id"]) for a in actions.values()
            if isinstance(a.raw.get("from_id"), int) and a.raw.get("from")}


async def delete_journeys_campaign(client: ApiClient, campaign_id: int) -> None:
    """``DELETE /v1/environments/{ws}/campaigns/{id}`` (204; D14: its actions go with it)."""
    await delete_campaign(client, campaign_id)
