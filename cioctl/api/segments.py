"""Segments on both surfaces.

App API (documented): list, get, create *manual*, delete, ``used_by``, ``customer_count``.
Journeys (modeled, bodies in :mod:`cioctl.api.journeys_modeled`): list, get, create, update and
delete with ``conditions`` — the only way to manage data-driven segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cioctl.api import journeys_modeled as jm
from cioctl.api._wire import (
    JSON,
    int_tuple,
    opt_int,
    opt_str,
    req_int,
    req_str,
    str_tuple,
    unwrap,
    unwrap_list,
)
from cioctl.api.http import ApiClient
from cioctl.api.pagination import journeys_list

JourneysSegment = jm.JourneysSegment


@dataclass(frozen=True, slots=True)
class Segment:
    """A segment as the App API returns it (no conditions there)."""

    id: int
    name: str
    description: str
    type: str
    state: str | None = None
    progress: int | None = None
    tags: tuple[str, ...] = ()
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SegmentUsage:
    """``GET /v1/segments/{id}/used_by``."""

    segment_id: int
    campaigns: tuple[int, ...]
    draft_newsletters: tuple[int, ...]
    sent_newsletters: tuple[int, ...]


def parse_segment(obj: JSON) -> Segment:
    """One App API segment object (unwrapped)."""
    return Segment(
        id=req_int(obj, "id", "segment"),
        name=req_str(obj, "name", "segment"),
        description=opt_str(obj, "description", "segment") or "",
        type=opt_str(obj, "type", "segment") or "dynamic",
        state=opt_str(obj, "state", "segment"),
        progress=opt_int(obj, "progress", "segment"),
        tags=str_tuple(obj, "tags", "segment"),
        raw=obj,
    )


# -- App API ---------------------------------------------------------------------------------


async def list_segments(client: ApiClient) -> list[Segment]:
    """``GET /v1/segments`` (not paginated)."""
    body = await client.app.get("/v1/segments")
    return [parse_segment(obj) for obj in unwrap_list(body, "segments")]


async def get_segment(client: ApiClient, segment_id: int) -> Segment:
    """``GET /v1/segments/{id}``."""
    return parse_segment(unwrap(await client.app.get(f"/v1/segments/{segment_id}"), "segment"))


async def create_manual_segment(
    client: ApiClient, name: str, description: str | None = None
) -> Segment:
    """``POST /v1/segments``: creates a manual segment (the only kind the App API creates)."""
    segment: JSON = {"name": name}
    if description is not None:
        segment["description"] = description
    body = await client.app.post("/v1/segments", {"segment": segment})
    return parse_segment(unwrap(body, "segment"))


async def delete_segment(client: ApiClient, segment_id: int) -> None:
    """``DELETE /v1/segments/{id}`` (204)."""
    await client.app.delete(f"/v1/segments/{segment_id}")


async def segment_used_by(client: ApiClient, segment_id: int) -> SegmentUsage:
    """``GET /v1/segments/{id}/used_by``."""
    body = await client.app.get(f"/v1/segments/{segment_id}/used_by")
    used = body.get("used_by") if isinstance(body, dict) else None
    used = used if isinstance(used, dict) else {}
    return SegmentUsage(
        segment_id=segment_id,
        campaigns=int_tuple(used, "campaigns", "used_by"),
        draft_newsletters=int_tuple(used, "draft_newsletters", "used_by"),
        sent_newsletters=int_tuple(used, "sent_newsletters", "used_by"),
    )


async def segment_customer_count(client: ApiClient, segment_id: int) -> int:
    """``GET /v1/segments/{id}/customer_count`` → the member count."""
    body = await client.app.get(f"/v1/segments/{segment_id}/customer_count")
    return req_int(body if isinstance(body, dict) else {}, "count", "customer_count")


# -- Journeys (modeled) ----------------------------------------------------------------------


async def list_journeys_segments(client: ApiClient) -> list[JourneysSegment]:
    """``GET /v1/environments/{ws}/segments``, every page."""
    return [jm.parse_segment(obj) for obj in await journeys_list(client, "segments", "segments")]


async def get_journeys_segment(client: ApiClient, segment_id: int) -> JourneysSegment:
    """``GET /v1/environments/{ws}/segments/{id}``."""
    return jm.parse_segment_body(await client.journeys.get(client.env_path("segments", segment_id)))


async def create_journeys_segment(
    client: ApiClient,
    name: str,
    *,
    conditions: jm.Condition | None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    manual: bool = False,
) -> JourneysSegment:
    """``POST /v1/environments/{ws}/segments``: a dynamic segment with ``conditions``."""
    request = jm.segment_create_body(
        name, conditions=conditions, description=description, tags=tags, manual=manual
    )
    return jm.parse_segment_body(await client.journeys.post(client.env_path("segments"), request))


async def update_journeys_segment(
    client: ApiClient, segment_id: int, **changes: Any
) -> JourneysSegment:
    """``PUT /v1/environments/{ws}/segments/{id}`` with only ``changes`` (name, description,
    conditions, tags)."""
    request = jm.segment_update_body(**changes)
    path = client.env_path("segments", segment_id)
    return jm.parse_segment_body(await client.journeys.put(path, request))


async def delete_journeys_segment(client: ApiClient, segment_id: int) -> None:
    """``DELETE /v1/environments/{ws}/segments/{id}`` (204)."""
    await client.journeys.delete(client.env_path("segments", segment_id))
