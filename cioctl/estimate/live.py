"""The live ``customer_count`` of each estimated segment, when the environment can read it.

A segment is found by its ``cioctl:<key>`` ownership tag (else the slug of its name, as plans
do). An environment without an App API credential, or that cannot be reached, gives no live
numbers and a reason — an estimate never fails because the live side is unavailable."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import anyio

from cioctl.errors import CioctlError
from cioctl.model.workspace import Workspace


@dataclass(frozen=True)
class LiveCounts:
    """Segment key → live member count, or why there are none."""

    counts: dict[str, int] = field(default_factory=dict)
    unavailable: str | None = None


def live_counts(workspace: Workspace, keys: Sequence[str]) -> LiveCounts:
    """``customer_count`` of every live segment among ``keys`` in the workspace's environment."""
    from cioctl.api.endpoints import Surface
    from cioctl.api.segments import list_segments, segment_customer_count
    from cioctl.environments import open_client
    from cioctl.kinds.registry import key_from_tags
    from cioctl.model.base import slugify

    async def read() -> LiveCounts:
        async with open_client(workspace.root, workspace.config, workspace.environment_name,
                               os.environ) as client:
            if not client.has_credential(Surface.APP):
                return LiveCounts(unavailable="no App API credential")
            wanted = set(keys)
            ids = {(key_from_tags(s.tags) or slugify(s.name)): s.id
                   for s in await list_segments(client)}
            return LiveCounts({key: await segment_customer_count(client, ids[key])
                               for key in keys if key in ids and key in wanted})

    try:
        return anyio.run(read)
    except CioctlError as error:  # credentials, network: the estimate stands on its own
        return LiveCounts(unavailable=error.message)
