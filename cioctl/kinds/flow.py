"""Kind ``flow``: a Journeys campaign and its workflow, owned through its tag.

Live write functions: :func:`create`, :func:`update` (the campaign through Journeys, one
``update_type`` per concern, or content-only edits through the documented App API action PUT),
:func:`delete`, :func:`recover`; live read: :func:`from_live` (the ``{campaign, actions, edges}``
read decoded by the campaign codec, message content from App API actions — the same templates,
D11). Bodies and reads: :mod:`cioctl.api.journeys.campaign_client` (evidence §5,
docs/journeys-wire.md D4-D14). Both sides of a diff are the codec's canonical form.
"""

from __future__ import annotations

from dataclasses import replace

from cioctl.api import campaigns, workspace
from cioctl.api.campaigns import (
    Action,
    JourneysCampaign,
    message_action_ids,
    sender_texts,
    template_of,
)
from cioctl.api.http import ApiClient
from cioctl.api.journeys import campaign_client
from cioctl.api.journeys.campaign_codec import (
    Context,
    campaign_refusals,
    canonical_flow,
    decode_flow,
)
from cioctl.api.journeys.campaign_types import CampaignRead
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.apply.wire import IdBook, message_steps, tags_with_owner
from cioctl.errors import CioctlError
from cioctl.kinds.address import Address
from cioctl.kinds.condition_words import UnrepresentableError, keyed_definition
from cioctl.kinds.flow_words import flow_codec, flow_words
from cioctl.kinds.ops import KindOps, after, live_id
from cioctl.kinds.registry import Kind, Surface, owner_tag
from cioctl.kinds.tags import segment_key, user_tags
from cioctl.model.flows import Flow
from cioctl.plan.change import Change
from cioctl.state.canonical import JSON, segment_keys
from cioctl.state.flows import flow_fields
from cioctl.state.references import definition_resource, liquid_needs, texts
from cioctl.state.resource import Resource

# What the App API's documented action PUT can write (push ``title``/``link``, email
# ``from``/``reply_to`` are not among them: those edits go through Journeys).
APP_WRITABLE_CONTENT = frozenset({"subject", "body", "preheader_text", "recipient",
                                  "sending_state", "headers", "method", "url", "image_url"})
# The same fields in the definitions' words (what a plan's paths name).
APP_WRITABLE_WORDS = frozenset({"subject", "body", "preheader", "to", "sending", "headers",
                                "method", "url", "image_url"})


def codec_fields(words: JSON, types: ValueTypes) -> JSON:
    """A flow's canonical fields (the definitions' words) as the campaign codec's JSON, which
    the writes encode: canonicalized like a definition unless the codec refuses it."""
    fields = flow_codec(words)
    return fields if campaign_refusals(fields, types) else canonical_flow(fields, types)


async def _context(client: ApiClient, f: JSON, ids: IdBook) -> Context:
    """The campaign codec's context; sender identities are read only when an email names one
    (D11: ``from_identity_id``; App API ``GET /v1/sender_identities``)."""
    senders: dict[str, int] = {}
    if any(s["content"].get("from") for s in message_steps(f.get("steps", [])).values()):
        for identity in await workspace.list_sender_identities(client):
            senders |= {t: identity.id for t in (identity.email, identity.address) if t}
    return campaign_client.context(ids.segment_id, client.value_types, senders,
                                   known=dict(ids.segments))


async def create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Create ``type: none``, then one write per concern, verified by a re-read (§5)."""
    f = codec_fields(after(change), client.value_types)
    read = await campaign_client.create_flow(
        client, f, tags_with_owner(f, change.key), await _context(client, f, ids))
    campaign_id = int(read.campaign["id"])
    ids.flows[change.key] = campaign_id
    ids.action_ids[change.key] = message_action_ids(read)
    return campaign_id


async def update(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Content-only edits through the App API; anything else per concern through Journeys."""
    if change.surface is Surface.APP:
        await _update_contents(client, change, ids)
    elif "unreadable" in (change.before or {}):
        # A campaign the codec cannot read (a half-written create, a UI edit it cannot say)
        # cannot be diffed: it is written again from scratch.
        await campaign_client.delete_campaign(client, live_id(change))
        return await create(client, change, ids)
    else:
        f = codec_fields(after(change), client.value_types)
        contents = {a.id: template_of(a)
                    for a in await campaigns.list_actions(client, live_id(change))}
        read = await campaign_client.update_flow(
            client, live_id(change), f, tags_with_owner(f, change.key),
            await _context(client, f, ids), contents)
        ids.action_ids[change.key] = message_action_ids(read)
    return change.live_id


async def _update_contents(client: ApiClient, change: Change, ids: IdBook) -> None:
    """Content-only edits of existing messages, through the documented App API action PUT."""
    before = message_steps(_codec_or_empty(change.before or {}).get("steps", []))
    action_ids = ids.action_ids.get(change.key, {})
    wanted = codec_fields(after(change), client.value_types)
    for name, step in message_steps(wanted.get("steps", [])).items():
        old = before.get(name, {}).get("content", {})
        edits = {k: v for k, v in step["content"].items()
                 if k in APP_WRITABLE_CONTENT and old.get(k) != v}
        if edits:
            await campaigns.update_action(client, live_id(change), action_ids[name], edits)


def _codec_or_empty(words: JSON) -> JSON:
    """The live side as codec JSON; a live flow the model cannot hold gives nothing (every
    content field is then written)."""
    try:
        return flow_codec(words)
    except ValueError:  # pydantic's ValidationError is one
        return {}


async def delete(client: ApiClient, change: Change) -> None:
    """Delete the campaign by id (D14: its actions and templates go with it)."""
    await campaigns.delete_journeys_campaign(client, live_id(change))


async def recover(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """A create whose outcome was unknown left a tagged campaign: kept when it reads back
    complete, otherwise deleted so the create runs again (never two copies). A create whose
    answer was lost leaves an untagged ``type: none`` campaign of the same name (the tags come
    after the POST): removed too."""
    live = await campaigns.list_journeys_campaigns(client)
    for orphan in live:
        if orphan.name == after(change)["name"] and orphan.type in (None, "none") and \
                not orphan.tags and orphan.id != change.live_id:
            await campaign_client.delete_campaign(client, orphan.id)
    found = [c for c in live if owner_tag(change.key) in c.tags and c.id != change.live_id]
    if not found:
        return None
    f = codec_fields(after(change), client.value_types)
    try:
        read = await campaign_client.verify(client, found[0].id, f,
                                            await _context(client, f, ids))
    except CioctlError:
        await campaign_client.delete_campaign(client, found[0].id)
        return None
    ids.flows[change.key] = found[0].id
    ids.action_ids[change.key] = message_action_ids(read)
    return found[0].id


def from_live(campaign: JourneysCampaign, read: CampaignRead | None,
              actions: dict[int, Action], id_to_key: dict[int, str],
              types: ValueTypes | None = None) -> Resource:
    """A live campaign: the Journeys read decoded by the campaign codec, message content from
    the App API actions. One cioctl neither owns nor is asked about is not read in full
    (``read`` None): name and tags only. A shape the definitions cannot say reads as
    ``{"unreadable": why}``, which a plan shows."""
    key, managed = segment_key(campaign)
    base: JSON = {"name": campaign.name}
    if campaign.description:
        base["description"] = campaign.description
    base["state"] = "running" if campaign.state == "running" else "draft"
    if user_tags(campaign.tags, key):
        base["tags"] = user_tags(campaign.tags, key)
    if read is None:
        return Resource(Kind.FLOW, key, campaign.name, base, live_id=campaign.id,
                        managed=managed, extra={"state": campaign.state, "action_ids": {}})
    mine = {a["id"] for a in read.actions if isinstance(a, dict)}
    own = {i: a for i, a in actions.items() if i in mine}
    ctx = Context({k: i for i, k in id_to_key.items()}, types or ValueTypes(),
                  sender_texts(own))
    try:
        fields = flow_words(decode_flow(replace(read, contents={i: template_of(a)
                                                                for i, a in own.items()}), ctx))
    except CioctlError as problem:
        fields = {**base, "unreadable": problem.message}
    except UnrepresentableError as problem:
        fields = {**base, "unreadable": str(problem)}
    return Resource(Kind.FLOW, key, campaign.name, fields, live_id=campaign.id,
                    managed=managed, extra={"state": campaign.state,
                                            "action_ids": message_action_ids(read)})


def from_definition(flow: Flow, collections: set[str],
                    types: ValueTypes | None = None) -> Resource:
    """A flow definition, depending on the segments, snippets and collections it uses: first in
    the campaign codec's canonical form (what a live read decodes to) unless the codec refuses
    it (validation reports that), then in the definitions' words like a live read."""
    fields = flow_fields(flow)
    known = types or ValueTypes()
    if not campaign_refusals(fields, known):
        fields = canonical_flow(fields, known)
    fields = flow_words(fields)
    needs = {Address(Kind.SEGMENT, k) for k in segment_keys(fields)}  # the trigger's too
    needs |= liquid_needs(texts(fields["steps"]), collections)
    return definition_resource(Kind.FLOW, flow, flow.key, flow.name, fields, needs)


def to_definition(resource: Resource) -> JSON:
    """What the importer writes for a live flow: its canonical fields (the definitions'
    words), the definitions' defaults left out."""
    data = keyed_definition(resource.name, resource.key, resource.fields)
    for name, default in (("state", "running"), ("frequency", "once")):
        if data.get(name) == default:
            del data[name]
    return data


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
