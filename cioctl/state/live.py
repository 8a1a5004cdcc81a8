"""Reading the live workspace with the fewest requests the API allows.

One request per page of each list route (Journeys lists paged until a short page, at the sizes
of :data:`cioctl.api.pagination.PAGE_SIZES`; event names from ``/event_names``, never
``/data_index/events``, which queues an export), then, concurrently within
the client's rate limit, one request per page of campaign actions for the flows cioctl manages
or is about to adopt, and one content read per collection it manages. No per-resource GET where
a list already has the data.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import anyio

from cioctl.api import campaigns, data_index, reporting_webhooks, segments, snippets
from cioctl.api import collections as api_collections
from cioctl.api.campaigns import Action
from cioctl.api.endpoints import Surface as ApiSurface
from cioctl.api.http import ApiClient
from cioctl.api.journeys import campaign_client
from cioctl.api.journeys.campaign_types import CampaignRead
from cioctl.kinds import attribute as attribute_kind
from cioctl.kinds import collection as collection_kind
from cioctl.kinds import event as event_kind
from cioctl.kinds import flow as flow_kind
from cioctl.kinds import reporting_webhook as webhook_kind
from cioctl.kinds import segment as segment_kind
from cioctl.kinds import snippet as snippet_kind
from cioctl.kinds.address import Address
from cioctl.kinds.registry import (
    DESCRIPTIONS_COLLECTION,
    KINDS,
    LEDGER_COLLECTION,
    Kind,
    Surface,
)
from cioctl.kinds.tags import segment_key
from cioctl.state.duplicates import leftover_keys, rekeyed, segment_references
from cioctl.state.resource import Resource

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LiveState:
    """What the environment holds now, canonical, plus how it was read."""

    resources: dict[Address, Resource]
    unreadable: frozenset[Kind] = frozenset()
    ledger: frozenset[str] = frozenset()
    ledger_id: int | None = None
    # Further ``cioctl_managed`` collections (two applies racing created one each): their rows
    # are in ``ledger`` too; apply merges them into ``ledger_id`` and deletes these.
    ledger_duplicates: tuple[int, ...] = ()
    requests: dict[str, int] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    """Data-index descriptions cioctl last wrote, by address (its ``cioctl_descriptions``
    collection): the Journeys reads cannot return them (evidence §6)."""
    descriptions_id: int | None = None

    @property
    def fingerprint(self) -> str:
        """A digest of everything read (ids included), to detect a stale saved plan."""
        items = sorted((r.address, r.live_id, r.managed, r.fields)
                       for r in self.resources.values())
        text = json.dumps([items, sorted(self.unreadable), sorted(self.ledger)],
                          sort_keys=True, default=str)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _readable(client: ApiClient) -> tuple[frozenset[Kind], bool, bool]:
    app = client.has_credential(ApiSurface.APP)
    journeys = client.has_credential(ApiSurface.JOURNEYS)
    missing = {k for k, info in KINDS.items() if
               (info.read_surface is Surface.APP and not app) or
               (info.read_surface is Surface.JOURNEYS and not journeys)}
    if not app:
        missing.add(Kind.FLOW)  # message content is read through the App API's actions
    return frozenset(missing), app, journeys


async def read_live(client: ApiClient, wanted: Collection[Address],
                    progress: Progress | None = None) -> LiveState:
    """Read every kind the environment's credentials allow.

    ``wanted`` holds the addresses the definitions use (previous names included, as slugs):
    their content is read even when cioctl does not own them yet, so they can be adopted.
    """
    note = progress or (lambda _message: None)
    unreadable, app, journeys = _readable(client)
    lists: dict[str, Any] = {}
    async with anyio.create_task_group() as group:
        for name, reader in _list_readers(app, journeys).items():
            group.start_soon(_store, lists, name, reader, client, note)
    recorded: dict[str, Any] = {}
    async with anyio.create_task_group() as group:  # two independent collection reads
        group.start_soon(_store, recorded, "descriptions",
                         partial(_descriptions, lists.get("collections", [])), client, note)
        ledger, ledger_ids = await _ledger(client, lists.get("collections", []))
    written, written_id = recorded["descriptions"]
    resources = await _resources(client, lists, wanted, ledger, note, written)
    readable = {a: r for a, r in resources.items() if r.kind not in unreadable}
    return LiveState(readable, unreadable, ledger, ledger_ids[0] if ledger_ids else None,
                     tuple(ledger_ids[1:]), dict(client.stats.requests), written, written_id)


def _list_readers(app: bool, journeys: bool) -> dict[str, Callable[[ApiClient], Any]]:
    readers: dict[str, Callable[[ApiClient], Any]] = {}
    if journeys:
        readers |= {"segments": segments.list_journeys_segments,
                    "campaigns": campaigns.list_journeys_campaigns,
                    "attributes": data_index.list_attributes,
                    "events": data_index.list_events}
    if app:
        readers |= {"snippets": snippets.list_snippets,
                    "collections": api_collections.list_collections,
                    "webhooks": reporting_webhooks.list_webhooks}
    return readers


async def _store(into: dict[str, Any], name: str, reader: Callable[[ApiClient], Any],
                 client: ApiClient, note: Progress) -> None:
    into[name] = await reader(client)
    note(f"read {name}")


async def _ledger(client: ApiClient, live: list[Any]) -> tuple[frozenset[str], list[int]]:
    """The ledger's rows and its collections' ids, oldest first: concurrent first applies can
    each create one, so every copy is read and their rows united."""
    rows: set[str] = set()
    ids = sorted(c.id for c in live if c.name == LEDGER_COLLECTION)
    for collection_id in ids:
        content = await api_collections.get_collection_content(client, collection_id)
        rows |= {str(r.get("address")) for r in (content if isinstance(content, list) else [])
                 if isinstance(r, dict)}
    return frozenset(rows), ids


async def _descriptions(live: list[Any], client: ApiClient) -> tuple[dict[str, str], int | None]:
    """The data-index descriptions cioctl wrote (rows ``{"address", "description"}``)."""
    for collection in live:
        if collection.name == DESCRIPTIONS_COLLECTION:
            content = await api_collections.get_collection_content(client, collection.id)
            rows = content if isinstance(content, list) else []
            return {str(r.get("address")): r["description"] for r in rows
                    if isinstance(r, dict) and isinstance(r.get("description"), str)}, \
                collection.id
    return {}, None


async def _resources(client: ApiClient, lists: dict[str, Any], wanted: Collection[Address],
                     ledger: frozenset[str], note: Progress,
                     written: dict[str, str]) -> dict[Address, Resource]:
    found: list[Resource] = []
    live_segments, live_campaigns = lists.get("segments", []), lists.get("campaigns", [])
    references = segment_references(live_segments, live_campaigns)
    moved = leftover_keys(live_segments, references)
    id_to_key = {s.id: moved.get(s.id) or segment_key(s)[0] for s in live_segments}
    found += [rekeyed(segment_kind.from_live(s, id_to_key, client.value_types), moved,
                      references)
              for s in live_segments]
    found += [attribute_kind.from_live(a, ledger, written) for a in lists.get("attributes", [])]
    found += [event_kind.from_live(e, ledger, written) for e in lists.get("events", [])]
    found += [snippet_kind.from_live(s, ledger) for s in lists.get("snippets", [])]
    found += [webhook_kind.from_live(w, ledger) for w in lists.get("webhooks", [])]
    found += await _collections(client, lists.get("collections", []), wanted, ledger)
    if Kind.FLOW not in _readable(client)[0]:
        flows = await _flows(client, live_campaigns, wanted, id_to_key, note)
        moved_flows = leftover_keys(live_campaigns, Counter())
        found += [rekeyed(flow, moved_flows, Counter()) for flow in flows]
    return index_by_key(found)


def index_by_key(found: list[Resource]) -> dict[Address, Resource]:
    """Resources by (kind, key). Two live resources can share a key (an untagged one named
    like a managed one, or a duplicate left by someone else): the owned one keeps the key, the
    other is kept under ``key#id`` so it is still seen — as unmanaged, or, if owned too, as a
    duplicate to delete."""
    result: dict[Address, Resource] = {}
    for resource in found:
        address = resource.ref
        other = result.get(address)
        if other is None:
            result[address] = resource
            continue
        keep, move = (resource, other) if resource.managed and not other.managed else \
            (other, resource)
        result[address] = keep
        moved = replace(move, key=f"{move.key}#{move.live_id}")
        result[moved.ref] = moved
    return result


async def _collections(client: ApiClient, live: list[Any], wanted: Collection[Address],
                       ledger: frozenset[str]) -> list[Resource]:
    result: list[Resource] = []

    async def read(collection: Any) -> None:
        data = await api_collections.get_collection_content(client, collection.id)
        result.append(collection_kind.from_live(collection, data, ledger))

    async with anyio.create_task_group() as group:
        for collection in live:
            if collection.name in (LEDGER_COLLECTION, DESCRIPTIONS_COLLECTION):
                continue
            if Address(Kind.COLLECTION, collection.name) in wanted or \
                    str(Address(Kind.COLLECTION, collection.name)) in ledger:
                group.start_soon(read, collection)
            else:
                result.append(collection_kind.from_live(collection, None, ledger))
    return result


async def _flows(client: ApiClient, live: list[Any], wanted: Collection[Address],
                 id_to_key: dict[int, str], note: Progress) -> list[Resource]:
    """Each flow cioctl owns or is asked about: its Journeys read (``{campaign, actions,
    edges}``, evidence §5) and its App API actions (the content), concurrently."""
    actions: dict[int, Action] = {}
    reads: dict[int, CampaignRead] = {}

    async def read(campaign_id: int) -> None:
        reads[campaign_id] = await campaign_client.read_campaign(client, campaign_id)
        for action in await campaigns.list_actions(client, campaign_id):
            actions[action.id] = action

    relevant = [c for c in live if segment_key(c)[1] or
                Address(Kind.FLOW, segment_key(c)[0]) in wanted]
    async with anyio.create_task_group() as group:
        for campaign in relevant:
            group.start_soon(read, campaign.id)
    note(f"read actions of {len(relevant)} flows")
    return [flow_kind.from_live(c, reads.get(c.id), actions, id_to_key, client.value_types)
            for c in live]
