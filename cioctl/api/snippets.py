"""Snippets through the App API (keyed by **name**; no get-by-name route, read via the list)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from cioctl.api._wire import opt_int, req_str, unwrap, unwrap_list
from cioctl.api.http import ApiClient


@dataclass(frozen=True, slots=True)
class Snippet:
    """A reusable Liquid fragment, ``{{ snippets.<name> }}``."""

    name: str
    value: str
    updated_at: int | None = None


def _parse(obj: dict[str, object]) -> Snippet:
    return Snippet(
        name=req_str(obj, "name", "snippet"),
        value=req_str(obj, "value", "snippet"),
        updated_at=opt_int(obj, "updated_at", "snippet"),
    )


async def list_snippets(client: ApiClient) -> list[Snippet]:
    """``GET /v1/snippets``."""
    return [_parse(obj) for obj in unwrap_list(await client.app.get("/v1/snippets"), "snippets")]


async def create_snippet(client: ApiClient, name: str, value: str) -> Snippet:
    """``POST /v1/snippets`` (422 when the name exists)."""
    body = await client.app.post("/v1/snippets", {"name": name, "value": value})
    return _parse(unwrap(body, "snippet"))


async def update_snippet(client: ApiClient, name: str, value: str) -> Snippet:
    """``PUT /v1/snippets`` (the name in the body identifies the snippet)."""
    body = await client.app.put("/v1/snippets", {"name": name, "value": value})
    return _parse(unwrap(body, "snippet"))


async def delete_snippet(client: ApiClient, name: str) -> None:
    """``DELETE /v1/snippets/{name}`` (204; 400 while in use)."""
    await client.app.delete(f"/v1/snippets/{quote(name, safe='')}")
