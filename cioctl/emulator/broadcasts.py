"""API-triggered broadcasts (§4.1 of the reference): read only, empty unless seeded with
:func:`seed_broadcast`. ``POST /v1/campaigns/{id}/triggers`` is limited to 1 request per 10 s
and answers 404 for ids that are not broadcasts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.actions import new_action
from cioctl.emulator.context import workspace
from cioctl.emulator.limits import rate_limited_detail
from cioctl.emulator.store import Doc, Store, Tx
from cioctl.emulator.web import ApiError, dedup, json_body, not_found, ok, path_int

BROADCAST_OFFSET = 1_000_000
"""Broadcast ids live above campaign ids so the trigger route can tell them apart."""


def seed_broadcast(store: Store, name: str, action_types: tuple[str, ...] = ("email",)) -> Doc:
    """Create an API-triggered broadcast with empty actions (tests and demos)."""
    with store.write() as tx:
        broadcast_id = BROADCAST_OFFSET + tx.next_id("broadcast")
        actions = [new_action(tx, broadcast_id, t, f"{name} {i + 1}", i)
                   for i, t in enumerate(action_types)]
        doc: Doc = {
            "id": broadcast_id, "name": name, "type": "triggered_broadcast", "state": "draft",
            "active": False, "actions": [{"id": a["id"], "type": a["type"]} for a in actions],
            "msg_template_ids": [], "tags": [], "created": tx.now, "updated": tx.now,
            "first_started": 0,
        }
        return tx.put("broadcast", dedup(doc, "updated"), name=name)


def _get(tx: Tx, request: Request, name: str = "broadcast_id") -> Doc:
    broadcast_id = path_int(request, name, bad_status=400)
    doc = tx.get("broadcast", broadcast_id)
    if doc is None:
        raise not_found(f"broadcast {broadcast_id}")
    return doc


async def list_broadcasts(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"broadcasts": tx.docs("broadcast")})


async def get_broadcast(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"broadcast": _get(tx, request)})


async def broadcast_actions(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"actions": tx.docs("action", _get(tx, request)["id"])})


async def broadcast_action(request: Request) -> Response:
    action_id = path_int(request, "action_id", bad_status=400)
    with workspace(request).store.read() as tx:
        broadcast_id = _get(tx, request)["id"]
        action = tx.get("action", action_id)
    if action is None or action["campaign_id"] != broadcast_id:
        raise not_found(f"action {action_id} of broadcast {broadcast_id}")
    return ok({"action": action})


async def list_triggers(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        broadcast_id = _get(tx, request)["id"]
        return ok({"triggers": tx.docs("trigger", broadcast_id)})


async def trigger_broadcast(request: Request) -> Response:
    """Record a trigger (nothing is sent); 1 request per 10 s."""
    ws = workspace(request)
    await json_body(request)
    with ws.store.read() as tx:
        broadcast_id = _get(tx, request, "campaign_id")["id"]
    if ws.rate_limit and (wait := ws.trigger_limiter.admit()) is not None:
        detail = rate_limited_detail(1, 10, f"trigger-{broadcast_id}")
        raise ApiError(429, detail, headers={"Retry-After": str(wait)})
    with ws.store.write() as tx:
        doc = {"id": tx.next_id("trigger"), "broadcast_id": broadcast_id,
               "created_at": tx.now, "processed_at": tx.now}
        tx.put("trigger", doc, parent=broadcast_id)
    return ok({"id": doc["id"]})


ROUTES = [
    Route("/v1/broadcasts", list_broadcasts, methods=["GET"]),
    Route("/v1/broadcasts/{broadcast_id}", get_broadcast, methods=["GET"]),
    Route("/v1/broadcasts/{broadcast_id}/actions", broadcast_actions, methods=["GET"]),
    Route("/v1/broadcasts/{broadcast_id}/actions/{action_id}", broadcast_action, methods=["GET"]),
    Route("/v1/broadcasts/{broadcast_id}/triggers", list_triggers, methods=["GET"]),
    Route("/v1/campaigns/{campaign_id}/triggers", trigger_broadcast, methods=["POST"]),
]
