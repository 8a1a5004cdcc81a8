"""Collections and their content (§6.2 of the reference).

A collection is created from ``data`` (an array of objects) or a ``url``; for a url the embedded
workspace stores the url and 0 rows and fetches nothing. ``PUT /v1/collections/{id}`` documents
no 404, so an unknown id there answers 400.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import workspace
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import (
    ApiError,
    json_body,
    no_content,
    not_found,
    object_body,
    ok,
    path_int,
)

_VIEW = ("id", "name", "bytes", "rows", "schema", "created_at", "updated_at")


def _view(doc: Doc) -> Doc:
    return {k: doc[k] for k in _VIEW}


def _check_data(data: Any, pointer: str) -> list[Doc]:
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise ApiError(400, "data must be an array of objects", pointer=pointer)
    return data


def _set_content(doc: Doc, data: list[Doc] | None, url: str | None) -> None:
    rows = data or []
    doc.update({
        "data": rows, "url": url, "rows": len(rows),
        "bytes": len(json.dumps(rows).encode()) if data is not None else 0,
        "schema": sorted({key for row in rows for key in row}),
    })


def _apply(doc: Doc, body: Doc, *, create: bool) -> None:
    """Apply a create/update body (oneOf ``data`` or ``url``)."""
    if "data" in body and "url" in body:
        raise ApiError(400, "give either data or url, not both", pointer="/url")
    name = body.get("name", None if create else doc.get("name"))
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "name is required", pointer="/name")
    doc["name"] = name
    if "data" in body:
        _set_content(doc, _check_data(body["data"], "/data"), None)
    elif "url" in body:
        url = body["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ApiError(400, "url must be an http(s) URL", pointer="/url")
        _set_content(doc, None, url)
    elif create:
        raise ApiError(400, "data or url is required", pointer="/data")


def _get(tx: Tx, collection_id: int, missing_status: int = 404) -> Doc:
    doc = tx.get("collection", collection_id)
    if doc is None:
        raise ApiError(missing_status, f"collection {collection_id} not found")
    return doc


async def list_collections(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"collections": [_view(c) for c in tx.docs("collection")]})


async def create_collection(request: Request) -> Response:
    body = await object_body(request)
    with workspace(request).store.write() as tx:
        doc: Doc = {"id": tx.next_id("collection"), "created_at": tx.now, "updated_at": tx.now}
        _apply(doc, body, create=True)
        tx.put("collection", doc, name=doc["name"])
    return ok({"collection": _view(doc)})


async def get_collection(request: Request) -> Response:
    collection_id = path_int(request, "collection_id")
    with workspace(request).store.read() as tx:
        return ok({"collection": _view(_get(tx, collection_id))})


async def update_collection(request: Request) -> Response:
    collection_id = path_int(request, "collection_id", bad_status=400)
    body = await object_body(request)
    with workspace(request).store.write() as tx:
        doc = _get(tx, collection_id, missing_status=400)
        _apply(doc, body, create=False)
        doc["updated_at"] = tx.now
        tx.put("collection", doc, name=doc["name"])
    return ok({"collection": _view(doc)})


async def delete_collection(request: Request) -> Response:
    collection_id = path_int(request, "collection_id")
    with workspace(request).store.write() as tx:
        if not tx.delete("collection", collection_id):
            raise not_found(f"collection {collection_id}")
    return no_content()


async def get_content(request: Request) -> Response:
    collection_id = path_int(request, "collection_id")
    with workspace(request).store.read() as tx:
        return ok(_get(tx, collection_id)["data"])


async def put_content(request: Request) -> Response:
    collection_id = path_int(request, "collection_id")
    data = _check_data(await json_body(request), "")
    with workspace(request).store.write() as tx:
        doc = _get(tx, collection_id)
        _set_content(doc, data, None)
        doc["updated_at"] = tx.now
        tx.put("collection", doc, name=doc["name"])
    return ok({"collection": _view(doc)})


ROUTES = [
    Route("/v1/collections", list_collections, methods=["GET"]),
    Route("/v1/collections", create_collection, methods=["POST"]),
    Route("/v1/collections/{collection_id}", get_collection, methods=["GET"]),
    Route("/v1/collections/{collection_id}", update_collection, methods=["PUT"]),
    Route("/v1/collections/{collection_id}", delete_collection, methods=["DELETE"]),
    Route("/v1/collections/{collection_id}/content", get_content, methods=["GET"]),
    Route("/v1/collections/{collection_id}/content", put_content, methods=["PUT"]),
]
