"""Writes shared by the two data-index kinds (attribute, event): metadata POSTs in batches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cioctl.api import data_index
from cioctl.api.http import ApiClient
from cioctl.apply.wire import IdBook
from cioctl.kinds.ops import after
from cioctl.kinds.registry import Kind
from cioctl.plan.change import Change


async def write_data_index(client: ApiClient, changes: list[Change]) -> None:
    """Attribute or event metadata of several changes (one kind) in as few POSTs as allowed."""
    # The description is always sent, "" included: omitting it would leave a cleared one as is.
    if changes[0].kind is Kind.ATTRIBUTE:
        await data_index.update_attributes(client, [data_index.AttributeMeta(
            c.key, after(c)["description"], after(c)["privacy_level"]) for c in changes])
    else:
        await data_index.update_events(client, [data_index.EventMeta(
            c.key, after(c)["description"]) for c in changes])


async def write_one(client: ApiClient, change: Change, _ids: IdBook) -> int | None:
    """Create and update alike: the data index has no ids and no delete route."""
    await write_data_index(client, [change])
    return change.live_id


def live_description(read: str | None, address: str,
                     written: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """A data-index description and the resource's ``extra``. The Journeys lists carry none
    (evidence §6): then it is the one cioctl last wrote (its ``cioctl_descriptions``
    collection), or "" if it never wrote one — so a definition without a description never
    wipes one cioctl cannot see — and the plan says the value is not verified."""
    if read is not None:
        return read, {}
    return written.get(address, ""), {"unverified": ["description"]}
