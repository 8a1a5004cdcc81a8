"""Kind ``segment``: a Journeys segment (data-driven or manual), owned through its tag.

Live write functions: :func:`create`, :func:`update`, :func:`delete`, :func:`recover`; live
read: :func:`from_live`. Conditions travel as the evidence-based CNF (evidence §4,
docs/journeys-wire.md D13) through :mod:`cioctl.api.journeys.segment_json`; both sides of a diff
are the codec's canonical form, so an unchanged workspace plans nothing. A written segment is
in ``build`` for a while: what relies on it waits (``IdBook.building``, apply/execute).
"""

from __future__ import annotations

from typing import Required, TypedDict

from cioctl.api import segments
from cioctl.api.http import ApiClient
from cioctl.api.journeys.segment_conditions import refusals
from cioctl.api.journeys.segment_json import desired_conditions, live_conditions, wire_conditions
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.api.segments import JourneysSegment
from cioctl.apply.wire import IdBook, tags_with_owner
from cioctl.kinds.address import Address
from cioctl.kinds.condition_words import (
    UnrepresentableError,
    condition_codec,
    condition_words,
    keyed_definition,
)
from cioctl.kinds.ops import KindOps, after, live_id, recovered
from cioctl.kinds.registry import Kind, owner_tag
from cioctl.kinds.tags import segment_key, user_tags
from cioctl.model.segments import Segment
from cioctl.plan.change import Change
from cioctl.state.canonical import JSON, condition_json, segment_keys, sort_unordered
from cioctl.state.references import definition_resource
from cioctl.state.resource import Resource


def _wire_conditions(client: ApiClient, f: JSON, ids: IdBook) -> JSON | None:
    if not f.get("conditions"):
        return None
    return dict(wire_conditions(condition_codec(f["conditions"]), ids.segment_id,
                                client.value_types))


async def create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Create the segment with its ownership tag in the same request (tag ids, D12)."""
    f = after(change)
    created = await segments.create_journeys_segment(
        client, f["name"], conditions=_wire_conditions(client, f, ids),
        description=f.get("description") or None, tags=tags_with_owner(f, change.key),
        manual=bool(f.get("manual")))
    ids.segments[change.key] = created.id
    ids.building.add(created.id)
    return created.id


async def update(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Write the whole segment (evidence §4: a PUT replaces it)."""
    f = after(change)
    await segments.update_journeys_segment(
        client, live_id(change), name=f["name"], description=f.get("description") or "",
        conditions=_wire_conditions(client, f, ids), tags=tags_with_owner(f, change.key),
        manual=bool(f.get("manual")))
    ids.segments[change.key] = live_id(change)  # a rename may change the key others use
    ids.building.add(live_id(change))
    return change.live_id


async def delete(client: ApiClient, change: Change) -> None:
    """Delete the segment by id."""
    await segments.delete_journeys_segment(client, live_id(change))


async def recover(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """A lost create landed if another segment carries this key's ownership tag."""
    return recovered(ids.segments, change.key,
                     [s.id for s in await segments.list_journeys_segments(client)
                      if owner_tag(change.key) in s.tags and s.id != change.live_id])


def from_live(segment: JourneysSegment, id_to_key: dict[int, str],
              types: ValueTypes | None = None) -> Resource:
    """A live (Journeys) segment as a canonical resource (conditions decoded from the CNF,
    then said in the definitions' words)."""
    key, managed = segment_key(segment)
    conditions = live_conditions(segment.conditions, id_to_key, types or ValueTypes()) \
        if segment.type != "manual" and segment.conditions else None
    return Resource(Kind.SEGMENT, key, segment.name, segment_fields(
        segment.name, segment.description, segment.type == "manual", conditions,
        user_tags(segment.tags, key)), live_id=segment.id, managed=managed)


class SegmentFields(TypedDict, total=False):
    """A segment's canonical fields: what its definition says, defaults left out."""

    name: Required[str]
    description: str
    manual: bool
    conditions: JSON  # the definitions' condition words (kinds/condition_words)
    tags: list[str]


def segment_fields(name: str, description: str | None, manual: bool, conditions: JSON | None,
                   tags: list[str]) -> JSON:
    """The canonical fields, in the definitions' words: what a segment definition says, with
    its defaults (no description, not manual, no tags) left out."""
    fields: SegmentFields = {"name": name}
    if description:
        fields["description"] = description
    if manual:
        fields["manual"] = True
    if conditions is not None:
        try:
            fields["conditions"] = condition_words(conditions)
        except UnrepresentableError as problem:
            fields["conditions"] = {"unreadable": str(problem)}
    if tags:
        fields["tags"] = sorted(set(tags))
    return dict(fields)


def from_definition(segment: Segment, types: ValueTypes | None = None) -> Resource:
    """A segment definition, depending on the segments its conditions name; conditions in
    the codec's canonical form (what a live read of them decodes to), unless the codec
    refuses them (validation reports that; the plain form keeps tests of invalid input)."""
    known = types or ValueTypes()
    if segment.conditions is None:
        conditions = None
    elif refusals(segment.conditions, known):
        conditions = sort_unordered(condition_json(segment.conditions))
    else:
        conditions = desired_conditions(segment.conditions, known)
    return definition_resource(Kind.SEGMENT, segment, segment.key, segment.name, segment_fields(
        segment.name, segment.description, segment.manual, conditions, segment.tags),
        {Address(Kind.SEGMENT, k) for k in segment_keys(conditions)})


def to_definition(resource: Resource) -> JSON:
    """What the importer writes for a live segment: its canonical fields, which are already
    the definitions' words."""
    data = keyed_definition(resource.name, resource.key, resource.fields)
    if not data.get("manual") and data.get("conditions") is None:
        raise UnrepresentableError("a dynamic segment without conditions")
    return data


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
