"""Event and attribute metadata (the data index).

Writes go through the App API's ``POST /v1/data_index/{attributes,events}`` (204, at most 100
items a request — longer lists are sent in chunks). Those POSTs overwrite metadata, so repeating
one yields the same state: they are marked idempotent and retried on 5xx like a PUT.
The App API cannot read the index; reads use the Journeys routes of evidence §6: event names
from ``/event_names`` and attributes from the paged ``/attributes`` (parsed in
:mod:`cioctl.api.journeys_modeled.data_index`). ``GET /data_index/events`` is never called: on
the real service it answers 204 and queues an export, a side effect a plan must not have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cioctl.api import journeys_modeled as jm
from cioctl.api._wire import JSON
from cioctl.api.http import ApiClient
from cioctl.api.pagination import chunks, journeys_list

MAX_ITEMS_PER_REQUEST = 100
AttributeInfo = jm.AttributeInfo
EventInfo = jm.EventInfo


@dataclass(frozen=True, slots=True)
class AttributeMeta:
    """Metadata to write for one attribute (privacy_level 1 = sensitive)."""

    name: str
    description: str | None = None
    privacy_level: int | None = None

    def to_json(self) -> JSON:
        """The wire item, omitting unset fields."""
        item: JSON = {"name": self.name}
        if self.description is not None:
            item["description"] = self.description
        if self.privacy_level is not None:
            item["privacy_level"] = self.privacy_level
        return item


@dataclass(frozen=True, slots=True)
class EventMeta:
    """Metadata to write for one event."""

    name: str
    description: str | None = None

    def to_json(self) -> JSON:
        """The wire item, omitting unset fields."""
        item: JSON = {"name": self.name}
        if self.description is not None:
            item["description"] = self.description
        return item


async def _post_chunked(client: ApiClient, kind: str, items: list[JSON]) -> int:
    batches = chunks(items, MAX_ITEMS_PER_REQUEST)
    for batch in batches:
        await client.app.post(f"/v1/data_index/{kind}", {kind: batch}, idempotent=True)
    return len(batches)


async def update_attributes(client: ApiClient, attributes: Sequence[AttributeMeta]) -> int:
    """Write attribute metadata in chunks of 100; returns the number of requests sent."""
    return await _post_chunked(client, "attributes", [a.to_json() for a in attributes])


async def update_events(client: ApiClient, events: Sequence[EventMeta]) -> int:
    """Write event metadata in chunks of 100; returns the number of requests sent."""
    return await _post_chunked(client, "events", [e.to_json() for e in events])


async def list_attributes(client: ApiClient) -> list[AttributeInfo]:
    """``GET /v1/environments/{ws}/attributes?page&size``, every page (evidence §3, §6)."""
    return jm.parse_attributes(await journeys_list(client, "attributes", "attributes"))


async def list_events(client: ApiClient) -> list[EventInfo]:
    """``GET /v1/environments/{ws}/event_names``, every page, decoded defensively (§6).

    Never ``GET .../data_index/events``: on the real service that queues an export."""
    route = "GET " + client.env_path("event_names")

    def extract(body: Any) -> list[JSON]:
        return jm.event_name_items(body, route)

    return jm.parse_events(await journeys_list(client, "event_names", "event_names",
                                               extract=extract))
