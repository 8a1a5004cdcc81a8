"""Kind ``flow``: a Journeys campaign and its workflow, owned through its tag.

Live write functions: :func:`create`, :func:`update` (whole campaign through Journeys, or
content-only edits through the documented App API action PUT), :func:`delete`,
:func:`recover`. The body comes from the modeled Journeys codec (``jm.campaign_from``); swapping
the codec changes these functions only.
"""

from __future__ import annotations

from cioctl.api import campaigns
from cioctl.api import journeys_modeled as jm
from cioctl.api.http import ApiClient
from cioctl.apply.wire import IdBook, message_steps, tags_with_owner
from cioctl.kinds.ops import KindOps, after, live_id
from cioctl.kinds.registry import Surface, owner_tag
from cioctl.plan.change import Change
from cioctl.plan.diff import APP_WRITABLE_CONTENT


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


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
