"""Collections through the App API, with their content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cioctl.api._wire import JSON, opt_int, req_int, req_str, str_tuple, unwrap, unwrap_list
from cioctl.api.errors import ApiConnectionError, ApiServerError
from cioctl.api.http import ApiClient

CREATE_TRIES = 3


@dataclass(frozen=True, slots=True)
class Collection:
    """A collection's metadata (its data is read with :func:`get_collection_content`)."""

    id: int
    name: str
    rows: int | None = None
    bytes: int | None = None
    schema: tuple[str, ...] = ()
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


def _parse(obj: JSON) -> Collection:
    return Collection(
        id=req_int(obj, "id", "collection"),
        name=req_str(obj, "name", "collection"),
        rows=opt_int(obj, "rows", "collection"),
        bytes=opt_int(obj, "bytes", "collection"),
        schema=str_tuple(obj, "schema", "collection"),
        raw=obj,
    )


def collection_body(name: str, *, data: Sequence[JSON] | None = None, url: str | None = None) -> (
    JSON
):
    """``{name, data}`` or ``{name, url}`` — exactly one source."""
    if (data is None) == (url is None):
        raise ValueError("give exactly one of data or url")
    return {"name": name, "data": list(data)} if data is not None else {"name": name, "url": url}


async def list_collections(client: ApiClient) -> list[Collection]:
    """``GET /v1/collections``."""
    body = await client.app.get("/v1/collections")
    return [_parse(obj) for obj in unwrap_list(body, "collections")]


async def get_collection(client: ApiClient, collection_id: int) -> Collection:
    """``GET /v1/collections/{id}``."""
    return _parse(unwrap(await client.app.get(f"/v1/collections/{collection_id}"), "collection"))


async def create_collection(
    client: ApiClient, name: str, *, data: Sequence[JSON] | None = None, url: str | None = None
) -> Collection:
    """``POST /v1/collections`` from inline ``data`` or a ``url``."""
    body = await client.app.post("/v1/collections", collection_body(name, data=data, url=url))
    return _parse(unwrap(body, "collection"))


async def create_unique_collection(client: ApiClient, name: str, *, data: Sequence[JSON]) -> (
    Collection
):
    """Create the one collection named ``name`` (the ownership ledger), never twice.

    A create whose outcome is unknown (its answer was lost, or it answered 5xx) is not repeated
    blindly: the collections are re-read and one that landed is updated instead; otherwise it
    is created again, up to ``CREATE_TRIES`` creates in all."""
    for tries in range(1, CREATE_TRIES + 1):
        try:
            return await create_collection(client, name, data=data)
        except (ApiConnectionError, ApiServerError):
            if tries == CREATE_TRIES:
                raise
        landed = [c.id for c in await list_collections(client) if c.name == name]
        if landed:
            return await update_collection(client, landed[0], name, data=data)
    raise AssertionError("unreachable")  # pragma: no cover


async def update_collection(
    client: ApiClient,
    collection_id: int,
    name: str,
    *,
    data: Sequence[JSON] | None = None,
    url: str | None = None,
) -> Collection:
    """``PUT /v1/collections/{id}`` (same body as create)."""
    path = f"/v1/collections/{collection_id}"
    body = await client.app.put(path, collection_body(name, data=data, url=url))
    return _parse(unwrap(body, "collection"))


async def delete_collection(client: ApiClient, collection_id: int) -> None:
    """``DELETE /v1/collections/{id}`` (204)."""
    await client.app.delete(f"/v1/collections/{collection_id}")


async def get_collection_content(client: ApiClient, collection_id: int) -> Any:
    """``GET /v1/collections/{id}/content``: the raw stored data."""
    return await client.app.get(f"/v1/collections/{collection_id}/content")


async def put_collection_content(client: ApiClient, collection_id: int, data: Any) -> Collection:
    """``PUT /v1/collections/{id}/content`` with the raw data."""
    body = await client.app.put(f"/v1/collections/{collection_id}/content", data)
    return _parse(unwrap(body, "collection"))
