"""Live API objects → canonical resources (server-owned fields out, defaults in, ids → keys)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cioctl.api.campaigns import (
    Action,
    JourneysCampaign,
    message_action_ids,
    sender_texts,
    template_of,
)
from cioctl.api.collections import Collection as LiveCollection
from cioctl.api.data_index import AttributeInfo, EventInfo
from cioctl.api.journeys.campaign_codec import Context, decode_flow
from cioctl.api.journeys.campaign_types import CampaignRead
from cioctl.api.journeys.segment_json import live_conditions
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.api.reporting_webhooks import ReportingWebhook as LiveWebhook
from cioctl.api.segments import JourneysSegment
from cioctl.api.snippets import Snippet as LiveSnippet
from cioctl.errors import CioctlError
from cioctl.model.base import slugify
from cioctl.state.canonical import JSON
from cioctl.state.kinds import Kind, key_from_tags, owner_tag
from cioctl.state.resource import Resource


def segment_key(segment: JourneysSegment | JourneysCampaign) -> tuple[str, bool]:
    """The cioctl key of a live segment or campaign and whether cioctl owns it (tagged)."""
    key = key_from_tags(segment.tags)
    return (key, True) if key else (slugify(segment.name), False)


def _user_tags(tags: tuple[str, ...], key: str) -> list[str]:
    return sorted({t for t in tags if t != owner_tag(key)})


def live_segment(segment: JourneysSegment, id_to_key: dict[int, str],
                 types: ValueTypes | None = None) -> Resource:
    """A live (Journeys) segment as a canonical resource (conditions decoded from the wire's
    CNF into the form the desired side is canonicalized to)."""
    key, managed = segment_key(segment)
    conditions = live_conditions(segment.conditions, id_to_key, types or ValueTypes()) \
        if segment.type != "manual" and segment.conditions else None
    return Resource(Kind.SEGMENT, key, segment.name, {
        "name": segment.name, "description": segment.description or "", "type": segment.type,
        "conditions": conditions, "tags": _user_tags(segment.tags, key)},
        live_id=segment.id, managed=managed)


def live_flow(campaign: JourneysCampaign, read: CampaignRead | None,
              actions: Mapping[int, Action], id_to_key: dict[int, str],
              types: ValueTypes | None = None) -> Resource:
    """A live campaign: structure from the Journeys read decoded by the campaign codec,
    message content from the App API actions (the same templates, D11). A campaign cioctl
    neither owns nor is asked about is not read in full (``read`` None): name and tags only.
    A shape the definitions cannot say reads as ``{"unreadable": why}`` (a plan shows it)."""
    key, managed = segment_key(campaign)
    base: JSON = {"name": campaign.name, "description": campaign.description or "",
                  "state": "running" if campaign.state == "running" else "draft",
                  "tags": _user_tags(campaign.tags, key)}
    if read is None:
        return Resource(Kind.FLOW, key, campaign.name, base, live_id=campaign.id,
                        managed=managed, extra={"state": campaign.state, "action_ids": {}})
    mine = {a["id"] for a in read.actions if isinstance(a, dict)}
    contents = {i: template_of(a) for i, a in actions.items() if i in mine}
    own = {a.id: a for a in actions.values() if a.id in mine}
    ctx = Context({k: i for i, k in id_to_key.items()}, types or ValueTypes(),
                  sender_texts(own))
    try:
        fields = decode_flow(replace(read, contents=contents), ctx)
    except CioctlError as problem:
        fields = {**base, "unreadable": problem.message}
    return Resource(Kind.FLOW, key, campaign.name, fields, live_id=campaign.id,
                    managed=managed, extra={"state": campaign.state,
                                            "action_ids": message_action_ids(read)})


def _description(read: str | None, address: str, written: dict[str, str]) -> tuple[str, JSON]:
    """A data-index description and the resource's ``extra``. The Journeys lists carry none
    (evidence §6): then it is the one cioctl last wrote (its ``cioctl_descriptions``
    collection), or "" if it never wrote one — so a definition without a description never
    wipes one cioctl cannot see — and the plan says the value is not verified."""
    if read is not None:
        return read, {}
    return written.get(address, ""), {"unverified": ["description"]}


def live_attribute(info: AttributeInfo, ledger: frozenset[str],
                   written: dict[str, str] | None = None) -> Resource:
    """Attribute metadata from the data index; owned when the ledger lists it."""
    address = f"attribute:{info.name}"
    description, extra = _description(info.description, address, written or {})
    return Resource(Kind.ATTRIBUTE, info.name, info.name, {
        "description": description, "privacy_level": info.privacy_level or 0},
        managed=address in ledger, extra=extra)


def live_event(info: EventInfo, ledger: frozenset[str],
               written: dict[str, str] | None = None) -> Resource:
    """Event metadata from ``/event_names``; owned when the ledger lists it."""
    address = f"event:{info.name}"
    description, extra = _description(info.description, address, written or {})
    return Resource(Kind.EVENT, info.name, info.name, {"description": description},
                    managed=address in ledger, extra=extra)


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
