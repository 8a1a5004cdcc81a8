"""Data-index reads on the Journeys side, as the evidence page's §6 describes the live service.

* ``GET /event_names``: ``{"event_names": ["a", ...]}`` — names only (the real body is not public;
  this workspace picks the leanest shape that carries no description), paged 0-based by
  ``page``/``size`` (50 by default). Not in the references (§6, §8: body and paging unknown), and
  no D-decision covers it: D10 points to a "Data index" section docs/journeys-wire.md lacks.
* ``GET /attributes?page&size``: 50 per page by default, 0-based, items ``{"id", "name",
  "metadata": {"privacy_level"}}`` without a description, and ``meta.pagination.total``
  reading 0 whatever the index holds, as observed live.
* ``GET /attributes/{id}``: the one attribute with its ``description`` (and empty usage lists)
  (fields: §6, S14; the ``{"attribute": …}`` wrapper is not in the references — assumed).
* ``GET /data_index/events``: 204, and an *export* is queued — the side effect the live
  service has. Each one is recorded (:func:`queued_exports`) so tests can prove none happened.
  ``GET /data_index/attributes`` is not served (no evidence either way): 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import workspace
from cioctl.emulator.store import Doc, Store
from cioctl.emulator.web import no_content, not_found, ok, path_int, query_int

BASE = "/v1/environments/{ws}"  # App API reference §10 (Data index row)
DEFAULT_SIZE = 50
EXPORT = "data_index_export"


def _check_env(request: Request) -> None:
    # Not in the references: a foreign environment id is assumed to be a 404 (D1).
    if path_int(request, "ws") != workspace(request).workspace_id:
        raise not_found(f"environment {request.path_params['ws']}")


def _window(request: Request, kind: str) -> tuple[list[Doc], int, int]:
    """One page of ``kind`` in creation order (0-based ``page``, ``size`` 50 by default)."""
    page = query_int(request, "page", 0, 0, 10**9)
    size = query_int(request, "size", DEFAULT_SIZE, 1, 1000)
    with workspace(request).store.read() as tx:
        return tx.page(kind, page * size, size), page, size


async def event_names(request: Request) -> Response:
    _check_env(request)
    window, _, _ = _window(request, "event")
    return ok({"event_names": [e["name"] for e in window]})


async def attributes(request: Request) -> Response:
    _check_env(request)
    window, page, size = _window(request, "attribute")
    return ok({"attributes": [
        {"id": a["id"], "name": a["name"],
         "metadata": {"privacy_level": a.get("privacy_level", 0)}} for a in window],
        # total reads 0 (§6, S14); page/size inside meta are not in the references (assumed).
        "meta": {"pagination": {"page": page, "size": size, "total": 0}}})


async def attribute(request: Request) -> Response:
    _check_env(request)
    with workspace(request).store.read() as tx:
        doc = tx.get("attribute", path_int(request, "attribute_id"))
    if doc is None:
        raise not_found("attribute")
    return ok({"attribute": {
        "id": doc["id"], "name": doc["name"], "description": doc.get("description"),
        "metadata": {"privacy_level": doc.get("privacy_level", 0)},
        "segments": [], "campaigns": [], "last_seen_at": None}})


async def export_events(request: Request) -> Response:
    _check_env(request)
    with workspace(request).store.write() as tx:
        tx.put(EXPORT, {"id": tx.next_id(EXPORT), "of": "events", "queued_at": tx.now})
    return no_content()


def queued_exports(store: Store) -> list[Doc]:
    """Every export a ``GET /data_index/events`` queued, oldest first."""
    with store.read() as tx:
        return tx.docs(EXPORT)


ROUTES = [
    Route(f"{BASE}/event_names", event_names, methods=["GET"]),
    Route(f"{BASE}/attributes", attributes, methods=["GET"]),
    Route(f"{BASE}/attributes/{{attribute_id}}", attribute, methods=["GET"]),
    Route(f"{BASE}/data_index/events", export_events, methods=["GET"]),
]
