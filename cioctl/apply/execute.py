"""Carrying out one change through the API surface it names.

A create whose outcome is unknown — its response was lost (the connection dropped after the
request was sent) or it answered 5xx — is never retried blindly: :func:`_recover_create`
re-reads the workspace to see whether it landed, and only creates again when it did not (up to
``CREATE_TRIES`` creates in all).

A replace creates the new copy first (segment and campaign names need not be unique, so it
takes the same name and ownership tag) and leaves the old copy live: changes that refer to the
resource then point at the new id, and :mod:`cioctl.apply.replace` deletes the old copy last.
A failure at any step leaves both copies, never none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from cioctl.api import campaigns, data_index, reporting_webhooks, segments, snippets, workspace
from cioctl.api import collections as api_collections
from cioctl.api.errors import ApiConnectionError, ApiNotFound, ApiServerError
from cioctl.api.http import ApiClient
from cioctl.api.journeys import campaign_client
from cioctl.api.journeys.campaign_codec import Context
from cioctl.api.journeys.segment_json import wire_conditions
from cioctl.apply.wire import IdBook, message_steps, tags_with_owner
from cioctl.errors import CioctlError
from cioctl.plan.change import Action, Change
from cioctl.plan.diff import APP_WRITABLE_CONTENT
from cioctl.state.canonical import JSON, segment_keys
from cioctl.state.kinds import Kind, Surface, owner_tag


async def execute(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Carry out ``change``; returns the resource's live id when it has one."""
    await _segments_built(client, change, ids)
    if change.action is Action.DELETE:
        await _delete(client, change)
        return None
    if change.action is Action.REPLACE:
        created = await _create(client, change, ids)
        ids.retired[change.address] = _id(change)  # deleted once nothing refers to it
        return created
    if change.action is Action.CREATE:
        return await _create(client, change, ids)
    return await _update(client, change, ids)


CREATE_TRIES = 3


async def _segments_built(client: ApiClient, change: Change, ids: IdBook) -> None:
    """A change that refers to segments written in this run waits until they are built
    (evidence §4: a written segment is in ``build`` for a while; D13, bounded)."""
    after = change.after or {}
    keys = segment_keys(after) | set(after.get("trigger", {}).get("segment_keys", []))
    for key in sorted(keys):
        seg_id = ids.segments.get(key)
        if seg_id is not None and seg_id in ids.building:
            await segments.wait_until_built(client, seg_id)
            ids.building.discard(seg_id)


async def _create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    for tries in range(1, CREATE_TRIES + 1):
        try:
            return await _CREATE[change.kind](client, change, ids)
        except (ApiConnectionError, ApiServerError):
            if tries == CREATE_TRIES:
                raise
        landed = await _recover_create(client, change, ids)
        if landed is not None:
            return landed
    raise AssertionError("unreachable")  # pragma: no cover


async def _recover_create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Whether a create whose response was lost landed anyway (then its id, or 0)."""
    if change.kind is Kind.SEGMENT:
        found = [s for s in await segments.list_journeys_segments(client)
                 if owner_tag(change.key) in s.tags and s.id != change.live_id]
        if found:
            ids.segments[change.key] = found[0].id
            return found[0].id
    elif change.kind is Kind.FLOW:
        campaigns_found = [c for c in await campaigns.list_journeys_campaigns(client)
                           if owner_tag(change.key) in c.tags and c.id != change.live_id]
        if campaigns_found:
            return await _recover_flow(client, change, ids, campaigns_found[0].id)
    elif change.kind is Kind.SNIPPET:
        if any(s.name == change.key for s in await snippets.list_snippets(client)):
            await snippets.update_snippet(client, change.key, _after(change)["value"])
            return 0
    elif change.kind is Kind.COLLECTION:
        found_ids = [c.id for c in await api_collections.list_collections(client)
                     if c.name == change.key]
        if found_ids:
            ids.collections[change.key] = found_ids[0]
            return found_ids[0]
    elif change.kind is Kind.REPORTING_WEBHOOK:
        hooks = [w.id for w in await reporting_webhooks.list_webhooks(client)
                 if w.name == change.name]
        if hooks:
            ids.webhooks[change.key] = hooks[0]
            return hooks[0]
    return None


def _after(change: Change) -> JSON:
    assert change.after is not None, change.address
    return change.after


async def _data_index(client: ApiClient, change: Change, _ids: IdBook) -> None:
    await write_data_index(client, [change])


async def write_data_index(client: ApiClient, changes: list[Change]) -> None:
    """Attribute or event metadata of several changes (one kind) in as few POSTs as allowed."""
    # The description is always sent, "" included: omitting it would leave a cleared one as is.
    if changes[0].kind is Kind.ATTRIBUTE:
        await data_index.update_attributes(client, [data_index.AttributeMeta(
            c.key, _after(c)["description"], _after(c)["privacy_level"]) for c in changes])
    else:
        await data_index.update_events(client, [data_index.EventMeta(
            c.key, _after(c)["description"]) for c in changes])


async def _create_data_index(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    await _data_index(client, change, ids)
    return None


async def _create_snippet(client: ApiClient, change: Change, _ids: IdBook) -> int | None:
    await snippets.create_snippet(client, change.key, _after(change)["value"])
    return None


async def _create_collection(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    created = await api_collections.create_collection(client, change.key,
                                                      data=_after(change)["data"])
    ids.collections[change.key] = created.id
    return created.id


def _webhook_body(change: Change) -> JSON:
    f = _after(change)
    return reporting_webhooks.webhook_body(
        f["name"], f["endpoint"], f["events"], disabled=f["disabled"],
        full_resolution=f["full_resolution"], with_content=f["with_content"])


async def _create_webhook(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    created = await reporting_webhooks.create_webhook(client, _webhook_body(change))
    ids.webhooks[change.key] = created.id
    return created.id


def _wire_conditions(client: ApiClient, f: JSON, ids: IdBook) -> JSON | None:
    if not f.get("conditions"):
        return None
    return dict(wire_conditions(f["conditions"], ids.segment_id, client.value_types))


async def _create_segment(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    f = _after(change)
    created = await segments.create_journeys_segment(
        client, f["name"], conditions=_wire_conditions(client, f, ids),
        description=f.get("description") or None, tags=tags_with_owner(f, change.key),
        manual=f["type"] == "manual")
    ids.segments[change.key] = created.id
    ids.building.add(created.id)
    return created.id


async def _flow_context(client: ApiClient, f: JSON, ids: IdBook) -> Context:
    """The campaign codec's context; sender identities are read only when an email names one
    (D11: ``from_identity_id``; App API ``GET /v1/sender_identities``)."""
    senders: dict[str, int] = {}
    if any(s["content"].get("from") for s in message_steps(f.get("steps", [])).values()):
        for identity in await workspace.list_sender_identities(client):
            senders |= {t: identity.id for t in (identity.email, identity.address) if t}
    return campaign_client.context(ids.segment_id, client.value_types, senders,
                                   known=dict(ids.segments))


async def _create_flow(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    f = _after(change)
    read = await campaign_client.create_flow(
        client, f, tags_with_owner(f, change.key), await _flow_context(client, f, ids))
    campaign_id = int(read.campaign["id"])
    ids.flows[change.key] = campaign_id
    ids.action_ids[change.key] = campaigns.message_action_ids(read)
    return campaign_id


async def _recover_flow(client: ApiClient, change: Change, ids: IdBook,
                        campaign_id: int) -> int | None:
    """A create whose outcome was unknown left campaign ``campaign_id``: kept when it reads
    back complete, otherwise deleted so the create runs again (never two copies)."""
    f = _after(change)
    try:
        read = await campaign_client.verify(client, campaign_id, f,
                                            await _flow_context(client, f, ids))
    except CioctlError:
        await campaign_client.delete_campaign(client, campaign_id)
        return None
    ids.flows[change.key] = campaign_id
    ids.action_ids[change.key] = campaigns.message_action_ids(read)
    return campaign_id


_CREATE: dict[Kind, Callable[[ApiClient, Change, IdBook], Awaitable[int | None]]] = {
    Kind.ATTRIBUTE: _create_data_index, Kind.EVENT: _create_data_index,
    Kind.SNIPPET: _create_snippet, Kind.COLLECTION: _create_collection,
    Kind.REPORTING_WEBHOOK: _create_webhook, Kind.SEGMENT: _create_segment,
    Kind.FLOW: _create_flow,
}


async def _update(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    kind, f = change.kind, _after(change)
    if kind in (Kind.ATTRIBUTE, Kind.EVENT):
        await _data_index(client, change, ids)
    elif kind is Kind.SNIPPET:
        await snippets.update_snippet(client, change.key, f["value"])
    elif kind is Kind.COLLECTION:
        await api_collections.update_collection(client, _id(change), change.key, data=f["data"])
    elif kind is Kind.REPORTING_WEBHOOK:
        await reporting_webhooks.update_webhook(client, _id(change), _webhook_body(change))
    elif kind is Kind.SEGMENT:
        await segments.update_journeys_segment(
            client, _id(change), name=f["name"], description=f.get("description") or "",
            conditions=_wire_conditions(client, f, ids), tags=tags_with_owner(f, change.key),
            manual=f["type"] == "manual")
        ids.segments[change.key] = _id(change)  # a rename may change the key others use
        ids.building.add(_id(change))
    elif change.surface is Surface.APP:
        await _update_contents(client, change, ids)
    else:
        await _update_flow(client, change, ids)
    return change.live_id


async def _update_flow(client: ApiClient, change: Change, ids: IdBook) -> None:
    f = _after(change)
    contents = {a.id: campaigns.template_of(a)
                for a in await campaigns.list_actions(client, _id(change))}
    read = await campaign_client.update_flow(
        client, _id(change), f, tags_with_owner(f, change.key),
        await _flow_context(client, f, ids), contents)
    ids.action_ids[change.key] = campaigns.message_action_ids(read)


async def _update_contents(client: ApiClient, change: Change, ids: IdBook) -> None:
    """Content-only edits of existing messages, through the documented App API action PUT."""
    before = message_steps((change.before or {}).get("steps", []))
    action_ids = ids.action_ids.get(change.key, {})
    for name, step in message_steps(_after(change).get("steps", [])).items():
        old = before.get(name, {}).get("content", {})
        edits = {k: v for k, v in step["content"].items()
                 if k in APP_WRITABLE_CONTENT and old.get(k) != v}
        if edits:
            await campaigns.update_action(client, _id(change), action_ids[name], edits)


def _id(change: Change) -> int:
    assert change.live_id is not None, f"{change.address} has no live id"
    return change.live_id


async def delete_copy(client: ApiClient, change: Change, live_id: int) -> None:
    """Delete the copy ``live_id`` of ``change``'s resource (a replace's old copy)."""
    await _delete(client, replace(change, action=Action.DELETE, live_id=live_id))


async def _delete(client: ApiClient, change: Change) -> None:
    deleters: dict[Kind, Callable[[], Awaitable[Any]]] = {
        Kind.SNIPPET: lambda: snippets.delete_snippet(client, change.key),
        Kind.COLLECTION: lambda: api_collections.delete_collection(client, _id(change)),
        Kind.REPORTING_WEBHOOK: lambda: reporting_webhooks.delete_webhook(client, _id(change)),
        Kind.SEGMENT: lambda: segments.delete_journeys_segment(client, _id(change)),
        Kind.FLOW: lambda: campaigns.delete_journeys_campaign(client, _id(change)),
    }
    try:
        await deleters[change.kind]()
    except ApiNotFound:
        return  # already gone: a retried DELETE whose first response was lost
