"""Pagination helpers for the two styles the APIs use.

* App API cursor: request ``?start=<token>``; the body's ``next`` names the next page, empty or
  absent on the last one (e.g. campaign actions, 10 per page).
* Journeys pages (evidence §3): request ``?page=N&size=S`` and follow pages until a short or
  empty one; ``meta`` (``total``, ``total_pages``) is never trusted — the attributes route
  answers ``total: 0`` whatever it holds.

Both guard against a server that never ends (a repeated cursor, or more than ``max_pages``).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from cioctl.api._wire import JSON, as_object, unwrap_list
from cioctl.api.errors import ApiProtocolError

if TYPE_CHECKING:
    from cioctl.api.http import ApiClient

MAX_PAGES = 10_000
# What cioctl asks for per page, per Journeys list (evidence §3). A page shorter than this ends
# the list, so the size must be one the service honours: a server capping below it would look
# like a last page. Campaigns: 20 per page (§3, S12); attributes: 50 by default (§3/§6, S14);
# segments: no evidence for a default or a cap, so the smallest size seen on these routes;
# event names: body and paging unknown (§6), asked like attributes; tags: like segments.
PAGE_SIZES = {"campaigns": 20, "segments": 20, "attributes": 50, "event_names": 50,
              "tags": 20}

CursorFetch = Callable[[str | None], Awaitable[Any]]
PageFetch = Callable[[int], Awaitable[Any]]
Extract = Callable[[Any], list[JSON]]


async def collect_cursor(fetch: CursorFetch, key: str, *, max_pages: int = MAX_PAGES) -> (
    list[JSON]
):
    """All items under ``key`` across cursor pages; ``fetch(start)`` gets one page."""
    items: list[JSON] = []
    seen: set[str] = set()
    cursor: str | None = None
    for _ in range(max_pages):
        body = await fetch(cursor)
        items.extend(unwrap_list(body, key))
        cursor = _next_cursor(body)
        if cursor is None:
            return items
        if cursor in seen:
            raise ApiProtocolError(f"the API repeated the page cursor {cursor!r} of {key}")
        seen.add(cursor)
    raise ApiProtocolError(f"{key}: more than {max_pages} pages")


def _next_cursor(body: Any) -> str | None:
    value = as_object(body, "body").get("next")
    if value is None or value == "":
        return None
    return str(value)


async def collect_pages(fetch: PageFetch, extract: Extract, size: int, route: str, *,
                        max_pages: int = MAX_PAGES) -> list[JSON]:
    """All items of a numbered-page list; ``fetch(page)`` gets page ``page`` (0-based).

    Evidence §3: request a page size and follow pages until a short or empty page; ``total``
    and ``total_pages`` are never read (the attributes route reports ``total: 0``). The page base
    is known only for campaigns (0-based); for the other routes it is unknown (§8), so paging
    starts at 0 and items already seen are dropped: a 1-based route answering page 0 like page
    1 costs one request, not a duplicate. A page larger than ``size`` means the route does not
    page at all (it sent everything). Two full pages in a row with nothing new mean the route
    ignores ``page``: an error, never a silently partial list (a missing segment would be
    created again).
    """
    items: list[JSON] = []
    seen: set[str] = set()
    repeats = 0
    for page in range(max_pages):
        batch = extract(await fetch(page))
        fresh = [item for item in batch if _identity(item) not in seen]
        seen.update(_identity(item) for item in fresh)
        items.extend(fresh)
        if len(batch) != size:  # empty, short, or an unpaged answer
            return items
        repeats = 0 if fresh else repeats + 1
        if repeats >= 2:
            raise ApiProtocolError(f"{route} answers the same page for every page number; "
                                   "cioctl cannot read it completely")
    raise ApiProtocolError(f"{route}: more than {max_pages} pages")


def _identity(item: JSON) -> str:
    for key in ("id", "name"):
        if item.get(key) is not None:
            return f"{key}:{item[key]}"
    return json.dumps(item, sort_keys=True, default=str)


def page_params(page: int, size: int) -> dict[str, int]:
    """Query parameters of one Journeys page (§3 names ``page``/``size`` for segments,
    campaigns and attributes; for tags and event names not in the references: cioctl assumes
    the same parameters — D12 points to a "Paging" section docs/journeys-wire.md lacks)."""
    return {"page": page, "size": size}


def chunks(items: list[JSON], size: int) -> list[list[JSON]]:
    """``items`` split into lists of at most ``size`` (for batched POSTs)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


async def journeys_list(client: ApiClient, key: str, *path: str | int,
                        size: int | None = None, extract: Extract | None = None) -> list[JSON]:
    """Every item of the Journeys list ``/v1/environments/{ws}/<path>`` (under ``key`` unless
    ``extract`` reads the body), paged at the route's size from :data:`PAGE_SIZES`."""
    url = client.env_path(*path)
    per_page = size or PAGE_SIZES[key]

    async def fetch(page: int) -> Any:
        return await client.journeys.get(url, params=page_params(page, per_page))

    def by_key(body: Any) -> list[JSON]:
        return unwrap_list(body, key)

    return await collect_pages(fetch, extract or by_key, per_page, f"GET {url}")
