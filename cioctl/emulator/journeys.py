"""The Journeys management routes (``/v1/environments/{ws}/...``) of the embedded workspace.

Written from the evidence page on the live service and the contract in ``docs/journeys-wire.md``
("Decisions where the evidence is silent", D1-D14), sharing no code with cioctl's client.
Segments live in :mod:`cioctl.emulator.journeys_segments`, campaigns in
:mod:`cioctl.emulator.journeys_campaigns` (graph: ``journeys_workflow``; other concerns:
``journeys_recipients``), message content in ``journeys_content``, the data index in
``journeys_data_index``. Here: the environment, the workspace settings (the live-data
switch, D9) and tags (D12).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator import journeys_campaigns, journeys_content, journeys_segments
from cioctl.emulator.context import workspace
from cioctl.emulator.journeys_common import (
    BASE,
    LIVE_DATA_KEY,
    check_env,
    invalid,
    live_data_allowed,
    page,
)
from cioctl.emulator.web import object_body, ok

# --- environment (data-index reads: journeys_data_index) -------------------------------------


async def get_environment(request: Request) -> Response:
    check_env(request)
    ws = workspace(request)
    return ok({"environment": {"id": ws.workspace_id, "name": f"Embedded workspace "
                               f"{ws.workspace_id}", "region": ws.region}})


# --- workspace settings (D9) ----------------------------------------------------------------


async def get_settings(request: Request) -> Response:
    check_env(request)
    with workspace(request).store.read() as tx:
        return ok({"settings": {LIVE_DATA_KEY: live_data_allowed(tx)}})


async def put_settings(request: Request) -> Response:
    """``{"settings": {"allow_agent_edit_live_data": bool}}``; other settings are ignored."""
    check_env(request)
    body = await object_body(request, "settings")
    value = body.get(LIVE_DATA_KEY)
    if value is not None and not isinstance(value, bool):
        raise invalid(LIVE_DATA_KEY, "must be a boolean")
    with workspace(request).store.write() as tx:
        if value is not None:
            tx.set_meta(LIVE_DATA_KEY, "true" if value else "false")
        return ok({"settings": {LIVE_DATA_KEY: live_data_allowed(tx)}})


# --- tags (D12) -----------------------------------------------------------------------------


def _tag_view(doc: dict[str, object]) -> dict[str, object]:
    return {"id": str(doc["id"]), "name": doc["name"]}


async def list_tags(request: Request) -> Response:
    check_env(request)
    with workspace(request).store.read() as tx:
        items, meta = page(request, tx, "tag", None)
    return ok({"tags": [_tag_view(t) for t in items], "meta": meta})


async def create_tag(request: Request) -> Response:
    check_env(request)
    body = await object_body(request, "tag")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", "is required")
    with workspace(request).store.write() as tx:
        if tx.get_by_name("tag", name) is not None:
            raise invalid("name", "has already been taken")
        doc = tx.put("tag", {"id": tx.next_id("tag"), "name": name}, name=name)
    return ok({"tag": _tag_view(doc)})


ROUTES = [
    Route(BASE, get_environment, methods=["GET"]),
    Route(f"{BASE}/settings/workspace", get_settings, methods=["GET"]),
    Route(f"{BASE}/settings/workspace", put_settings, methods=["PUT"]),
    Route(f"{BASE}/tags", list_tags, methods=["GET"]),
    Route(f"{BASE}/tags", create_tag, methods=["POST"]),
    *journeys_segments.ROUTES, *journeys_campaigns.ROUTES, *journeys_content.ROUTES,
]
