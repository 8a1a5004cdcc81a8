"""Data index writes (§7 of the reference): 1..100 items, 204; 422 shape B with fixed details.

The 422 items carry ``detail`` and ``source.pointer`` but no ``status``, and a malformed body
answers 400 ``{"errors":[{"detail":"Invalid request format"}]}``, also without ``status``: the
vendor's schemas declare ``status`` on both so that no value satisfies them. The Journeys
routes read what is written here.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import workspace
from cioctl.emulator.store import Doc
from cioctl.emulator.web import ApiError, json_body, no_content

MAX_ITEMS = 100
MAX_DESCRIPTION = 255
INVALID = "Invalid request format"


def _unprocessable(detail: str, pointer: str) -> ApiError:
    return ApiError(422, detail, pointer=pointer, with_status=False)


def _invalid() -> ApiError:
    return ApiError(400, INVALID, with_status=False)


def _items(body: Any, key: str) -> list[Doc]:
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise _invalid()
    items: list[Any] = body[key]
    if not items:
        raise _unprocessable(f"Empty {key} array", f"/data/{key}/{key}")
    if len(items) > MAX_ITEMS:
        raise _unprocessable(f"Too many {key}", f"/data/{key}/{key}")
    for item in items:
        _check_item(item)
    return items


def _check_item(item: Any) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise _invalid()
    description = item.get("description")
    if description is not None and (
        not isinstance(description, str) or len(description) > MAX_DESCRIPTION
    ):
        raise _invalid()


def _check_privacy(items: list[Doc], enabled: bool) -> None:
    for i, item in enumerate(items):
        level = item.get("privacy_level")
        if level is None:
            continue
        if not enabled or type(level) is not int or level not in (0, 1):
            pointer = f"/data/attributes/attributes[{i}].privacy_level"
            raise _unprocessable("Privacy level feature not enabled", pointer)


def _merge(existing: Doc | None, item: Doc, fields: tuple[str, ...]) -> Doc:
    doc: Doc = dict(existing or {"description": None, "privacy_level": 0})
    doc["name"] = item["name"]
    for field in fields:
        if field in item:
            doc[field] = item[field]
    return doc


async def _write(request: Request, kind: str, key: str, fields: tuple[str, ...]) -> Response:
    ws = workspace(request)
    items = _items(await json_body(request), key)
    if kind == "attribute":
        _check_privacy(items, ws.privacy_level_feature)
    with ws.store.write() as tx:
        for item in items:
            existing = tx.get_by_name(kind, item["name"])
            doc = _merge(existing, item, fields)
            doc["id"] = existing["id"] if existing else tx.next_id(kind)
            tx.put(kind, doc, name=doc["name"])
    return no_content()


async def post_attributes(request: Request) -> Response:
    return await _write(request, "attribute", "attributes", ("description", "privacy_level"))


async def post_events(request: Request) -> Response:
    return await _write(request, "event", "events", ("description",))


ROUTES = [
    Route("/v1/data_index/attributes", post_attributes, methods=["POST"]),
    Route("/v1/data_index/events", post_events, methods=["POST"]),
]
