"""Request and response helpers shared by the embedded workspace's routes.

Errors are raised as :class:`ApiError` and rendered in shape A of the reference
(``{"errors":[{"detail","status"}]}``), with ``source.pointer`` when a field is at fault
(shape B for 422s).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from cioctl.emulator.store import Doc


@dataclass
class ApiError(Exception):
    """An API error answered in shape A/B."""

    status: int
    detail: str
    pointer: str | None = None
    code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    with_status: bool = True

    def item(self) -> Doc:
        item: Doc = {"detail": self.detail}
        if self.with_status:
            item["status"] = str(self.status)
        if self.code:
            item["code"] = self.code
        if self.pointer is not None:
            item["source"] = {"pointer": self.pointer}
        return item

    def response(self) -> Response:
        return JSONResponse({"errors": [self.item()]}, self.status, headers=self.headers)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def ok(body: Any) -> Response:
    return JSONResponse(body)


def no_content(status: int = 204) -> Response:
    return Response(status_code=status)


async def json_body(request: Request) -> Any:
    """The parsed JSON body; bad JSON is a 400."""
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"invalid JSON body: {exc}") from exc


async def object_body(request: Request, wrapper: str | None = None) -> Doc:
    """The JSON body as an object, unwrapped from ``wrapper`` when given; else a 400."""
    body = await json_body(request)
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object", pointer="")
    if wrapper is None:
        return body
    inner = body.get(wrapper)
    if not isinstance(inner, dict):
        detail = f"request body must be {{\"{wrapper}\": {{...}}}}"
        raise ApiError(400, detail, pointer=f"/{wrapper}")
    return inner


def path_int(request: Request, name: str, *, bad_status: int = 404) -> int:
    """An integer path parameter; a non-integer answers ``bad_status``."""
    raw = str(request.path_params[name])
    if not raw.isdigit():
        raise ApiError(bad_status, f"invalid {name}: {raw!r}")
    return int(raw)


def query_int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise ApiError(400, f"{name} must be an integer in {lo}..{hi}", pointer=f"/{name}")
    return int(raw)


def want_str(body: Doc, key: str, pointer: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise ApiError(400, f"{key} is required", pointer=f"{pointer}/{key}")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(400, f"{key} must be a non-empty string", pointer=f"{pointer}/{key}")
    return value


def want_bool(body: Doc, key: str, pointer: str) -> bool | None:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise ApiError(400, f"{key} must be a boolean", pointer=f"{pointer}/{key}")
    return value


def want_tags(body: Doc, pointer: str) -> list[str] | None:
    tags = body.get("tags")
    if tags is None:
        return None
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ApiError(400, "tags must be a list of strings", pointer=f"{pointer}/tags")
    return list(tags)


def dedup(doc: Doc, updated_key: str) -> Doc:
    """Set ``deduplicate_id`` = ``"<id>:<updated ts>"``."""
    doc["deduplicate_id"] = f"{doc['id']}:{doc[updated_key]}"
    return doc
