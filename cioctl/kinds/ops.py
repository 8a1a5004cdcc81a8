"""What every kind module offers apply: create, update, delete and recover over the client.

A kind module (``cioctl/kinds/<kind>.py``) exposes one :class:`KindOps`; apply
(:mod:`cioctl.apply.execute`) only dispatches to it. These functions are the only place a kind
builds request bodies, so swapping the wire codec under a kind changes them and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from cioctl.api.http import ApiClient
from cioctl.apply.wire import IdBook
from cioctl.plan.change import Change
from cioctl.state.canonical import JSON

Write = Callable[[ApiClient, Change, IdBook], Awaitable[int | None]]
Delete = Callable[[ApiClient, Change], Awaitable[None]]


async def _nothing_to_recover(_client: ApiClient, _change: Change, _ids: IdBook) -> int | None:
    return None


async def _cannot_delete(_client: ApiClient, change: Change) -> None:
    raise AssertionError(f"{change.address} cannot be deleted through the API")


@dataclass(frozen=True)
class KindOps:
    """A kind's writes. ``recover`` says whether a create whose response was lost landed
    anyway (its id, 0 when it has none, or ``None`` when it did not land)."""

    create: Write
    update: Write
    delete: Delete = _cannot_delete
    recover: Write = _nothing_to_recover


def after(change: Change) -> JSON:
    """The change's desired fields (every write has them)."""
    assert change.after is not None, change.address
    return change.after


def live_id(change: Change) -> int:
    """The id of the live resource an update or delete acts on."""
    assert change.live_id is not None, f"{change.address} has no live id"
    return change.live_id


def recovered(book: dict[str, int], key: str, found: Sequence[int]) -> int | None:
    """A lost create's outcome from the live ids that match it: the first, recorded in
    ``book`` under ``key``, or ``None`` when there is none (the create did not land)."""
    if found:
        book[key] = found[0]
        return found[0]
    return None
