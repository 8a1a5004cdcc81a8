"""Kind ``segment``: a Journeys segment (data-driven or manual), owned through its tag.

Live write functions: :func:`create`, :func:`update`, :func:`delete`, :func:`recover`; live
read: :func:`from_live`. They use the modeled Journeys codec today (``ids.conditions`` resolves
keys to ids in that codec's shape, ``JourneysSegment.conditions`` is read as canonical);
swapping the codec changes these functions only.
"""

from __future__ import annotations

from cioctl.api import segments
from cioctl.api.http import ApiClient
from cioctl.api.journeys_modeled import JourneysSegment
from cioctl.apply.wire import IdBook, tags_with_owner
from cioctl.kinds.address import Address
from cioctl.kinds.ops import KindOps, after, live_id
from cioctl.kinds.registry import Kind, owner_tag
from cioctl.kinds.tags import segment_key, user_tags
from cioctl.model.segments import Segment
from cioctl.plan.change import Change
from cioctl.state.canonical import condition_json, map_segment_refs, segment_keys, sort_unordered
from cioctl.state.references import definition_resource
from cioctl.state.resource import Resource


async def create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Create the segment with its ownership tag in the same request."""
    f = after(change)
    conditions = ids.conditions(f["conditions"]) if f.get("conditions") else None
    created = await segments.create_journeys_segment(
        client, f["name"], conditions=conditions, description=f.get("description") or None,
        tags=tags_with_owner(f, change.key), manual=f["type"] == "manual")
    ids.segments[change.key] = created.id
    return created.id


async def update(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Write the whole segment."""
    f = after(change)
    await segments.update_journeys_segment(
        client, live_id(change), name=f["name"], description=f.get("description") or "",
        conditions=ids.conditions(f["conditions"]) if f.get("conditions") else None,
        tags=tags_with_owner(f, change.key))
    ids.segments[change.key] = live_id(change)  # a rename may change the key others use
    return change.live_id


async def delete(client: ApiClient, change: Change) -> None:
    """Delete the segment by id."""
    await segments.delete_journeys_segment(client, live_id(change))


async def recover(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """A lost create landed if another segment carries this key's ownership tag."""
    found = [s for s in await segments.list_journeys_segments(client)
             if owner_tag(change.key) in s.tags and s.id != change.live_id]
    if found:
        ids.segments[change.key] = found[0].id
        return found[0].id
    return None


def from_live(segment: JourneysSegment, id_to_key: dict[int, str]) -> Resource:
    """A live (Journeys) segment as a canonical resource."""
    key, managed = segment_key(segment)
    conditions = sort_unordered(map_segment_refs(segment.conditions, id_to_key)) \
        if segment.conditions else None
    return Resource(Kind.SEGMENT, key, segment.name, {
        "name": segment.name, "description": segment.description or "", "type": segment.type,
        "conditions": conditions, "tags": user_tags(segment.tags, key)},
        live_id=segment.id, managed=managed)


def from_definition(segment: Segment) -> Resource:
    """A segment definition, depending on the segments its conditions name."""
    conditions = sort_unordered(condition_json(segment.conditions)) if \
        segment.conditions else None
    return definition_resource(Kind.SEGMENT, segment, segment.key, segment.name, {
        "name": segment.name, "description": segment.description or "",
        "type": "manual" if segment.manual else "dynamic", "conditions": conditions,
        "tags": sorted(set(segment.tags))},
        {Address(Kind.SEGMENT, k) for k in segment_keys(conditions)})


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
