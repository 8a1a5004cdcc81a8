"""Segments on both surfaces.

App API (documented): list, get, create *manual*, delete, ``used_by``, ``customer_count``.
Journeys (evidence §4, docs/journeys-wire.md D13): list, get, create and whole-segment update
with CNF ``conditions``, ``static`` for manual segments, ``tag_ids``; delete; the ``build``
status a later change waits out — the only way to manage data-driven segments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import anyio

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
from cioctl.api.journeys import tags
from cioctl.api.pagination import journeys_list
from cioctl.errors import CioctlError


class SegmentBuildTimeoutError(CioctlError):
    """A written segment did not reach ``complete`` within the bounded wait."""


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


# -- Journeys (evidence §4, docs/journeys-wire.md D13) ---------------------------------------


@dataclass(frozen=True, slots=True)
class JourneysSegment:
    """A segment as the Journeys routes return it: ``conditions`` is the wire's CNF (segment
    leaves by id; :func:`cioctl.api.journeys.segment_json.live_conditions` decodes it),
    ``type`` is cioctl's ``dynamic``/``manual`` (the wire says ``static``), ``tags`` are names
    (the wire carries ``tag_ids``, D12)."""

    id: int
    name: str
    description: str
    type: str
    conditions: JSON | None
    tags: tuple[str, ...] = ()
    state: str | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


def parse_journeys_segment(obj: JSON, tag_names: Mapping[str, str]) -> JourneysSegment:
    """One Journeys segment object (unwrapped), its ``tag_ids`` named from ``tag_names``."""
    kind = opt_str(obj, "type", "segment") or "dynamic"
    conditions = obj.get("conditions")
    return JourneysSegment(
        id=req_int(obj, "id", "segment"),
        name=req_str(obj, "name", "segment"),
        description=opt_str(obj, "description", "segment") or "",
        type="manual" if kind == "static" else kind,
        conditions=conditions if isinstance(conditions, dict) else None,
        tags=tags.names_of(obj.get("tag_ids"), tag_names),
        state=opt_str(obj, "state", "segment"),
        raw=obj,
    )


async def list_journeys_segments(client: ApiClient) -> list[JourneysSegment]:
    """``GET /v1/environments/{ws}/segments``, every page, with the tags' names."""
    names = await tags.tag_names(client)
    return [parse_journeys_segment(obj, names)
            for obj in await journeys_list(client, "segments", "segments")]


async def get_journeys_segment(client: ApiClient, segment_id: int) -> JourneysSegment:
    """``GET /v1/environments/{ws}/segments/{id}``."""
    body = await client.journeys.get(client.env_path("segments", segment_id))
    return parse_journeys_segment(unwrap(body, "segment"), await tags.tag_names(client))


async def _segment_body(client: ApiClient, name: str, conditions: JSON | None,
                        description: str | None, tag_names: Sequence[str] | None,
                        manual: bool) -> JSON:
    """The *whole* segment (§4: a PUT replaces it; omitted description/tag_ids are reset)."""
    segment: JSON = {"type": "static" if manual else "dynamic", "name": name,
                     "description": description or "",
                     "tag_ids": await tags.tag_ids(client, tag_names or ())}
    if not manual:
        segment["conditions"] = conditions
    return {"segment": segment}


async def create_journeys_segment(
    client: ApiClient,
    name: str,
    *,
    conditions: JSON | None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    manual: bool = False,
) -> JourneysSegment:
    """``POST /v1/environments/{ws}/segments`` with wire ``conditions`` (CNF, segments by id;
    see :func:`cioctl.api.journeys.segment_json.wire_conditions`)."""
    body = await _segment_body(client, name, conditions, description, tags, manual)
    answer = await client.journeys.post(client.env_path("segments"), body)
    return parse_journeys_segment(unwrap(answer, "segment"), _names(body, tags))


async def update_journeys_segment(
    client: ApiClient,
    segment_id: int,
    *,
    name: str,
    conditions: JSON | None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    manual: bool = False,
) -> JourneysSegment:
    """``PUT /v1/environments/{ws}/segments/{id}`` with the whole segment (§4)."""
    body = await _segment_body(client, name, conditions, description, tags, manual)
    answer = await client.journeys.put(client.env_path("segments", segment_id), body)
    return parse_journeys_segment(unwrap(answer, "segment"), _names(body, tags))


def _names(body: JSON, names: Sequence[str] | None) -> dict[str, str]:
    return dict(zip(body["segment"]["tag_ids"], sorted(set(names or ())), strict=True))


async def delete_journeys_segment(client: ApiClient, segment_id: int) -> None:
    """``DELETE /v1/environments/{ws}/segments/{id}`` (204: §2, S5; D13)."""
    await client.journeys.delete(client.env_path("segments", segment_id))


BUILD_WAIT_SECONDS = 120.0


async def wait_until_built(client: ApiClient, segment_id: int, *,
                           timeout: float = BUILD_WAIT_SECONDS) -> None:
    """Poll ``GET /segments/{id}/status`` until ``complete`` (§4: a written segment is in
    ``build`` for a while; D13: what relies on it waits, bounded). Raises when it never ends."""
    delay, waited = 0.05, 0.0
    path = client.env_path("segments", segment_id, "status")
    while True:
        body = await client.journeys.get(path)
        state = body.get("state") if isinstance(body, dict) else None  # body decided (D13)
        if state == "complete":
            return
        if waited >= timeout:
            raise SegmentBuildTimeoutError(
                f"segment {segment_id} is still '{state}' after {timeout:.0f}s",
                hint="Customer.io is still building it; run apply again later (what is done "
                     "stays done)")
        await anyio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 5.0)
