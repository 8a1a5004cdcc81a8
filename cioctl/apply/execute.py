"""Carrying out one change through the API surface it names.

A create whose outcome is unknown — its response was lost (the connection dropped after the
request was sent) or it answered 5xx — is never retried blindly: the kind's ``recover``
(:mod:`cioctl.kinds`) re-reads the workspace to see whether it landed, and only creates again
when it did not (up to ``CREATE_TRIES`` creates in all). Each kind's writes live in its own
module under :mod:`cioctl.kinds`; this module only dispatches.

A replace creates the new copy first (segment and campaign names need not be unique, so it
takes the same name and ownership tag) and leaves the old copy live: changes that refer to the
resource then point at the new id, and :mod:`cioctl.apply.replace` deletes the old copy last.
A failure at any step leaves both copies, never none.
"""

from __future__ import annotations

from dataclasses import replace

from cioctl.api import segments
from cioctl.api.errors import ApiConnectionError, ApiNotFound, ApiServerError
from cioctl.api.http import ApiClient
from cioctl.apply.wire import IdBook
from cioctl.kinds.data_index import write_data_index
from cioctl.kinds.operations import OPERATIONS
from cioctl.plan.change import Action, Change
from cioctl.state.canonical import segment_keys

__all__ = ["CREATE_TRIES", "delete_copy", "execute", "write_data_index"]


async def execute(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Carry out ``change``; returns the resource's live id when it has one."""
    await _segments_built(client, change, ids)
    if change.action is Action.DELETE:
        await _delete(client, change)
        return None
    if change.action is Action.REPLACE:
        created = await _create(client, change, ids)
        ids.retired[change.address] = _id(change)  # deleted once nothing refers to it
        return created
    if change.action is Action.CREATE:
        return await _create(client, change, ids)
    return await OPERATIONS[change.kind].update(client, change, ids)


CREATE_TRIES = 3


async def _segments_built(client: ApiClient, change: Change, ids: IdBook) -> None:
    """A change that refers to segments written in this run waits until they are built
    (evidence §4: a written segment is in ``build`` for a while; D13, bounded)."""
    keys = segment_keys(change.after or {})  # a segment trigger included
    for key in sorted(keys):
        seg_id = ids.segments.get(key)
        if seg_id is not None and seg_id in ids.building:
            await segments.wait_until_built(client, seg_id)
            ids.building.discard(seg_id)


async def _create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    ops = OPERATIONS[change.kind]
    for tries in range(1, CREATE_TRIES + 1):
        try:
            return await ops.create(client, change, ids)
        except (ApiConnectionError, ApiServerError):
            if tries == CREATE_TRIES:
                raise
        landed = await ops.recover(client, change, ids)
        if landed is not None:
            return landed
    raise AssertionError("unreachable")  # pragma: no cover


def _id(change: Change) -> int:
    assert change.live_id is not None, f"{change.address} has no live id"
    return change.live_id


async def delete_copy(client: ApiClient, change: Change, live_id: int) -> None:
    """Delete the copy ``live_id`` of ``change``'s resource (a replace's old copy)."""
    await _delete(client, replace(change, action=Action.DELETE, live_id=live_id))


async def _delete(client: ApiClient, change: Change) -> None:
    try:
        await OPERATIONS[change.kind].delete(client, change)
    except ApiNotFound:
        return  # already gone: a retried DELETE whose first response was lost
