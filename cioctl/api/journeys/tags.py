"""Tags on the Journeys routes (docs/journeys-wire.md D12): ids are strings (evidence §4
``"tag_ids": ["3"]``); segments carry ``tag_ids`` in their whole-segment body, campaigns add and
remove them through ``/campaigns/{id}/tags``. cioctl works with tag *names* (its ownership tag
``cioctl:<key>`` among them) and translates here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cioctl.api._wire import req_str, unwrap
from cioctl.api.http import ApiClient
from cioctl.api.pagination import journeys_list


async def tag_names(client: ApiClient) -> dict[str, str]:
    """Every tag's name by id (``GET /tags``, every page)."""
    return {str(t.get("id")): req_str(t, "name", "tag")
            for t in await journeys_list(client, "tags", "tags")}


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
            body = await client.journeys.post(client.env_path("tags"), {"tag": {"name": name}})
            by_name[name] = str(unwrap(body, "tag").get("id"))
        ids.append(by_name[name])
    return ids
