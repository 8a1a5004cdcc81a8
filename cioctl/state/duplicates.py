"""Live segments and flows that exist twice under one cioctl key: which copy keeps the key.

Two applies racing against one real workspace (Customer.io has nothing to lock with) or a
replace whose last step failed leave two tagged copies. The copy that live resources refer to
keeps the key — deleting it would leave them pointing at nothing —, ties going to the oldest
(the diff may still prefer an unreferenced copy that already has the definition's immutable
fields: a replace's new copy, see :func:`prefer_finished_replace`). Every other copy is read
as ``key#id``: a leftover the plan deletes, after repointing whatever still refers to it (its
referrers then read ``key#id`` too, so they differ from the definitions and are written again
with the kept copy's id).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from cioctl.api.campaigns import JourneysCampaign
from cioctl.api.segments import JourneysSegment
from cioctl.kinds.address import Address
from cioctl.kinds.registry import key_from_tags
from cioctl.state.resource import Resource


def segment_ids_in(node: Any) -> list[int]:
    """Every segment id a live (Journeys) condition, trigger or workflow refers to."""
    found: list[int] = []
    if isinstance(node, dict):
        segment = node.get("segment")
        if isinstance(segment, dict) and isinstance(segment.get("id"), int):
            found.append(segment["id"])
        listed = node.get("segment_ids")
        if isinstance(listed, list):
            found += [i for i in listed if isinstance(i, int)]
        for value in node.values():
            found += segment_ids_in(value)
    elif isinstance(node, list | tuple):
        for value in node:
            found += segment_ids_in(value)
    return found


def segment_references(segments: Sequence[JourneysSegment],
                       campaigns: Sequence[JourneysCampaign]) -> Counter[int]:
    """How many times live segments and campaigns refer to each segment id."""
    counts = Counter[int]()
    for segment in segments:
        counts.update(segment_ids_in(segment.conditions))
    for campaign in campaigns:
        counts.update(campaign.segment_ids)
    return counts


def leftover_keys(items: Sequence[JourneysSegment] | Sequence[JourneysCampaign],
                  references: Counter[int]) -> dict[int, str]:
    """Live id → ``key#id`` for every tagged copy that does not keep its key."""
    groups: dict[str, list[JourneysSegment | JourneysCampaign]] = {}
    for item in items:
        key = key_from_tags(item.tags)
        if key:
            groups.setdefault(key, []).append(item)
    moved: dict[int, str] = {}
    for key, copies in groups.items():
        if len(copies) > 1:
            keeper = max(copies, key=lambda c: (references[c.id], -c.id))
            moved |= {c.id: f"{key}#{c.id}" for c in copies if c is not keeper}
    return moved


def rekeyed(resource: Resource, moved: dict[int, str], references: Counter[int]) -> Resource:
    """``resource`` under its leftover key, if it is a leftover copy, noting whether live
    resources refer to it."""
    referenced = bool(resource.live_id is not None and references[resource.live_id])
    resource = replace(resource, extra={**resource.extra, "referenced": referenced})
    if resource.live_id in moved:
        return replace(resource, key=moved[resource.live_id])
    return resource


def prefer_finished_replace(resources: dict[Address, Resource], want: Resource,
                            immutable: tuple[str, ...]) -> None:
    """When ``want``'s live copy differs in an immutable field but an unreferenced leftover
    copy already has the wanted values (a replace whose old copy was not deleted), swap their
    keys in ``resources``: the leftover is kept and the stale copy becomes the one deleted, so
    re-running apply finishes the replace instead of replacing again."""
    keeper = resources.get(want.ref)
    if keeper is None or not immutable or keeper.extra.get("referenced") or \
            _same(keeper, want, immutable):
        return
    prefix = f"{want.key}#"
    for address, copy in list(resources.items()):
        if address.kind is want.kind and address.key.startswith(prefix) and copy.managed and \
                not copy.extra.get("referenced") and _same(copy, want, immutable):
            resources[want.ref] = replace(copy, key=want.key)
            stale = f"{want.key}#{keeper.live_id}"
            del resources[address]
            resources[Address(want.kind, stale)] = replace(keeper, key=stale)
            return


def _same(have: Resource, want: Resource, paths: tuple[str, ...]) -> bool:
    """Both have the same immutable keys (a trigger of one kind, manual or not): presence,
    not value, is what makes Customer.io need a new resource."""
    return all((_at(have.fields, p) is None) == (_at(want.fields, p) is None) for p in paths)


def _at(fields: dict[str, Any], path: str) -> Any:
    value: Any = fields
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value
