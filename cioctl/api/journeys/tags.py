"""Tags on the Journeys routes (docs/journeys-wire.md D12): ids are strings (evidence §4
``"tag_ids": ["3"]``); segments carry ``tag_ids`` in their whole-segment body, campaigns add and
remove them through ``/campaigns/{id}/tags``. cioctl works with tag *names* (its ownership tag
``cioctl:<key>`` among them) and translates here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from weakref import WeakKeyDictionary

import anyio

from cioctl.api._wire import req_str, unwrap
from cioctl.api.errors import ApiValidationError
from cioctl.api.http import ApiClient
from cioctl.api.pagination import journeys_list

# Tag names by id, per client: the segment and campaign lists both need them, and one read
# serves both (the plan's request count stays at its minimum). Tags cioctl creates are added;
# a name someone else created meanwhile is found again on the 422 its POST answers.
_KNOWN: WeakKeyDictionary[ApiClient, dict[str, str]] = WeakKeyDictionary()
_LOCKS: WeakKeyDictionary[ApiClient, anyio.Lock] = WeakKeyDictionary()


async def tag_names(client: ApiClient, *, fresh: bool = False) -> dict[str, str]:
    """Every tag's name by id (``GET /tags``, every page; read once per client). Route: App API
    reference §10 (Tags); body ``{"tags": [{"id", "name"}]}`` decided (D12)."""
    lock = _LOCKS.setdefault(client, anyio.Lock())
    async with lock:
        if fresh or client not in _KNOWN:
            _KNOWN[client] = {str(t.get("id")): req_str(t, "name", "tag")
                              for t in await journeys_list(client, "tags", "tags")}
        return dict(_KNOWN[client])


def names_of(ids: object, names: Mapping[str, str]) -> tuple[str, ...]:
    """The names of ``tag_ids`` as read (unknown ids are kept as ``#id``)."""
    if not isinstance(ids, list):
        return ()
    return tuple(sorted(names.get(str(i), f"#{i}") for i in ids))


async def tag_ids(client: ApiClient, wanted: Iterable[str]) -> list[str]:
    """The ids of the tags named ``wanted``, creating the missing ones (``POST /tags``)."""
    wanted = sorted(set(wanted))
    if not wanted:
        return []
    by_name = {name: tag_id for tag_id, name in (await tag_names(client)).items()}
    ids: list[str] = []
    for name in wanted:
        if name not in by_name:
            by_name[name] = await _create(client, name)
        ids.append(by_name[name])
    return ids


async def _create(client: ApiClient, name: str) -> str:
    try:
        body = await client.journeys.post(client.env_path("tags"), {"tag": {"name": name}})
    except ApiValidationError:  # taken meanwhile (D12: 422): read the tags again
        found = {n: i for i, n in (await tag_names(client, fresh=True)).items()}
        if name in found:
            return found[name]
        raise
    tag_id = str(unwrap(body, "tag").get("id"))
    _KNOWN.setdefault(client, {})[tag_id] = name
    return tag_id
