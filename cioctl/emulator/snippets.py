"""Snippets, keyed by name (§6.1 of the reference).

POST answers 422 (shape B) on a duplicate name; PUT by name creates an absent snippet (upsert:
its documented answers are 200/400 only, no 404); DELETE answers 400 while a campaign action's
body or subject uses ``{{ snippets.NAME }}``.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import workspace
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, no_content, not_found, object_body, ok

MAX_NAME = 150
MAX_VALUE = 16000


def _validate(body: Doc, status: int) -> tuple[str, str]:
    name, value = body.get("name"), body.get("value")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(status, "name can't be blank", pointer="/name")
    if len(name.strip()) > MAX_NAME:
        raise ApiError(status, f"name is too long (maximum is {MAX_NAME})", pointer="/name")
    if not isinstance(value, str) or not value.strip():
        raise ApiError(status, "value can't be blank", pointer="/value")
    if len(value.strip()) > MAX_VALUE:
        raise ApiError(status, f"value is too long (maximum is {MAX_VALUE})", pointer="/value")
    return name.strip(), value.strip()


def _view(doc: Doc) -> Doc:
    return {"name": doc["name"], "value": doc["value"], "updated_at": doc["updated_at"]}


def _save(tx: Tx, name: str, value: str, existing: Doc | None) -> Doc:
    snippet_id = existing["id"] if existing else tx.next_id("snippet")
    doc = {"id": snippet_id, "name": name, "value": value, "updated_at": tx.now}
    return tx.put("snippet", doc, name=name)


def in_use(tx: Tx, name: str) -> bool:
    """Whether any campaign action's body or subject renders the snippet."""
    pattern = re.compile(r"\{\{-?\s*snippets\." + re.escape(name) + r"(?![\w-])")
    return any(
        pattern.search(str(action.get(field) or ""))
        for action in tx.docs("action")
        for field in ("body", "subject")
    )


async def list_snippets(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"snippets": [_view(s) for s in tx.docs("snippet")]})


async def create_snippet(request: Request) -> Response:
    name, value = _validate(await object_body(request), 422)
    with workspace(request).store.write() as tx:
        if tx.get_by_name("snippet", name) is not None:
            raise ApiError(422, "name has already been taken", pointer="/name")
        doc = _save(tx, name, value, None)
    return ok({"snippet": _view(doc)})


async def update_snippet(request: Request) -> Response:
    name, value = _validate(await object_body(request), 400)
    with workspace(request).store.write() as tx:
        doc = _save(tx, name, value, tx.get_by_name("snippet", name))
    return ok({"snippet": _view(doc)})


async def delete_snippet(request: Request) -> Response:
    name = request.path_params["snippet_name"]
    with workspace(request).store.write() as tx:
        doc = tx.get_by_name("snippet", name)
        if doc is None:
            raise not_found(f"snippet {name!r}")
        if in_use(tx, name):
            raise ApiError(400, f"snippet {name!r} is in use; remove it from messages first")
        tx.delete("snippet", doc["id"])
    return no_content()


ROUTES = [
    Route("/v1/snippets", list_snippets, methods=["GET"]),
    Route("/v1/snippets", create_snippet, methods=["POST"]),
    Route("/v1/snippets", update_snippet, methods=["PUT"]),
    Route("/v1/snippets/{snippet_name}", delete_snippet, methods=["DELETE"]),
]
