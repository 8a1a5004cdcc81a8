"""Kind ``snippet``: a named Liquid snippet, identified by its name (App API)."""

from __future__ import annotations

from typing import TypedDict

from cioctl.api import snippets
from cioctl.api.http import ApiClient
from cioctl.api.snippets import Snippet as LiveSnippet
from cioctl.apply.wire import IdBook
from cioctl.kinds.address import Address
from cioctl.kinds.ops import KindOps, after
from cioctl.kinds.registry import Kind
from cioctl.model.resources import Snippet
from cioctl.plan.change import Change
from cioctl.state.canonical import JSON
from cioctl.state.references import definition_resource, liquid_needs
from cioctl.state.resource import Resource


async def create(client: ApiClient, change: Change, _ids: IdBook) -> int | None:
    """Create the snippet (it has no id; its name is its key)."""
    await snippets.create_snippet(client, change.key, after(change)["value"])
    return None


async def update(client: ApiClient, change: Change, _ids: IdBook) -> int | None:
    """Write the snippet's value."""
    await snippets.update_snippet(client, change.key, after(change)["value"])
    return change.live_id


async def delete(client: ApiClient, change: Change) -> None:
    """Delete the snippet by name."""
    await snippets.delete_snippet(client, change.key)


async def recover(client: ApiClient, change: Change, _ids: IdBook) -> int | None:
    """A lost create landed if a snippet of that name exists: write the value to be sure."""
    if any(s.name == change.key for s in await snippets.list_snippets(client)):
        await snippets.update_snippet(client, change.key, after(change)["value"])
        return 0
    return None


class SnippetFields(TypedDict):
    """A snippet's canonical fields: its value, outer whitespace trimmed."""

    value: str


def from_live(snippet: LiveSnippet, ledger: frozenset[str]) -> Resource:
    """A snippet; owned when the ledger lists it."""
    return Resource(Kind.SNIPPET, snippet.name, snippet.name,
                    dict(SnippetFields(value=snippet.value.strip())),
                    managed=str(Address(Kind.SNIPPET, snippet.name)) in ledger)


def from_definition(s: Snippet, collections: set[str]) -> Resource:
    """A snippet definition, depending on the snippets and collections its Liquid reads."""
    return definition_resource(Kind.SNIPPET, s, s.name, s.name,
                               dict(SnippetFields(value=s.value.strip())),
                               liquid_needs([s.value], collections))


def to_definition(resource: Resource) -> JSON:
    """What the importer writes for a live snippet."""
    return {"name": resource.name, "value": resource.fields["value"]}


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
