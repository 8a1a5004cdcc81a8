"""Kind ``collection``: a named data collection and its rows (App API)."""

from __future__ import annotations

from typing import Any, TypedDict

from cioctl.api import collections as api_collections
from cioctl.api.collections import Collection as LiveCollection
from cioctl.api.http import ApiClient
from cioctl.apply.wire import IdBook
from cioctl.kinds.address import Address
from cioctl.kinds.condition_words import UnrepresentableError
from cioctl.kinds.ops import KindOps, after, live_id, recovered
from cioctl.kinds.registry import Kind
from cioctl.model.resources import Collection as CollectionSpec
from cioctl.plan.change import Change
from cioctl.state.canonical import JSON
from cioctl.state.references import definition_resource
from cioctl.state.resource import Resource


async def create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Create the collection with its data."""
    created = await api_collections.create_collection(client, change.key,
                                                      data=after(change)["data"])
    ids.collections[change.key] = created.id
    return created.id


async def update(client: ApiClient, change: Change, _ids: IdBook) -> int | None:
    """Replace the collection's data."""
    await api_collections.update_collection(client, live_id(change), change.key,
                                            data=after(change)["data"])
    return change.live_id


async def delete(client: ApiClient, change: Change) -> None:
    """Delete the collection by id."""
    await api_collections.delete_collection(client, live_id(change))


async def recover(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """A lost create landed if a collection of that name exists."""
    return recovered(ids.collections, change.key,
                     [c.id for c in await api_collections.list_collections(client)
                      if c.name == change.key])


class CollectionFields(TypedDict):
    """A collection's canonical fields: its rows (``None`` when the content was not read)."""

    data: Any


def from_live(collection: LiveCollection, data: Any, ledger: frozenset[str]) -> Resource:
    """A collection with its content (None when the content was not read)."""
    return Resource(Kind.COLLECTION, collection.name, collection.name,
                    dict(CollectionFields(data=data)),
                    live_id=collection.id,
                    managed=str(Address(Kind.COLLECTION, collection.name)) in ledger)


def from_definition(c: CollectionSpec) -> Resource:
    """A collection definition as a canonical resource."""
    return definition_resource(Kind.COLLECTION, c, c.name, c.name,
                               dict(CollectionFields(data=c.data or [])))


def to_definition(resource: Resource) -> JSON:
    """What the importer writes for a live collection."""
    if resource.fields.get("data") is None:
        raise UnrepresentableError("its content could not be read")
    return {"name": resource.name, "data": resource.fields["data"]}


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
