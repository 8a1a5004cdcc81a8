"""Pagination helpers for the two styles the APIs use.

* App API cursor: request ``?start=<token>``; the body's ``next`` names the next page, empty or
  absent on the last one (e.g. campaign actions, 10 per page).
* Journeys pages: request ``?page=N&limit=L`` (1-based); the body's ``meta.total_pages`` says
  when to stop (``page >= total_pages``; 0 or 1 for an empty list). A body without ``meta`` is
  one unpaged page. An empty page also stops.

Both guard against a server that never ends (a repeated cursor, or more than ``max_pages``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from cioctl.api._wire import JSON, as_object, unwrap_list
from cioctl.api.errors import ApiProtocolError

if TYPE_CHECKING:
    from cioctl.api.http import ApiClient

MAX_PAGES = 10_000
JOURNEYS_PAGE_LIMIT = 1000

CursorFetch = Callable[[str | None], Awaitable[Any]]
PageFetch = Callable[[int], Awaitable[Any]]


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


async def collect_pages(fetch: PageFetch, key: str, *, max_pages: int = MAX_PAGES) -> (
    list[JSON]
):
    """All items under ``key`` across numbered pages; ``fetch(page)`` gets one page."""
    items: list[JSON] = []
    for page in range(1, max_pages + 1):
        body = await fetch(page)
        batch = unwrap_list(body, key)
        items.extend(batch)
        total = _total_pages(body)
        if total is None or page >= total or not batch:
            return items
    raise ApiProtocolError(f"{key}: more than {max_pages} pages")


def _total_pages(body: Any) -> int | None:
    meta = as_object(body, "body").get("meta")
    if not isinstance(meta, dict):
        return None
    total = meta.get("total_pages")
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def page_params(page: int, limit: int = JOURNEYS_PAGE_LIMIT) -> dict[str, int]:
    """Query parameters of one Journeys page."""
    return {"page": page, "limit": limit}


def chunks(items: list[JSON], size: int) -> list[list[JSON]]:
    """``items`` split into lists of at most ``size`` (for batched POSTs)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


async def journeys_list(client: ApiClient, key: str, *path: str | int) -> list[JSON]:
    """Every item of the Journeys list ``/v1/environments/{ws}/<path>`` under ``key``."""
    url = client.env_path(*path)

    async def fetch(page: int) -> Any:
        return await client.journeys.get(url, params=page_params(page))

    return await collect_pages(fetch, key)
