"""Campaigns (flows) on the Journeys routes (evidence §5; docs/journeys-wire.md D4-D10, D12, D14).

Create with ``type: "none"``, then one ``PUT`` per ``update_type``; each PUT is one transaction.
The seeded ``add_actions_500`` fault answers 500 **after** the transaction committed (§5).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator import journeys_recipients as rec
from cioctl.emulator import journeys_workflow as wf
from cioctl.emulator.context import workspace
from cioctl.emulator.journeys_common import (
    BASE,
    check_env,
    invalid,
    page,
    refuse_live_edit,
    server_error,
    tag_id_list,
)
from cioctl.emulator.journeys_content import MESSAGE_TYPES, delete_message
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, dedup, no_content, not_found, object_body, ok, path_int

Concern = Callable[[Tx, Doc, Doc], None]
CONCERNS: dict[str, Concern] = {
    "recipients": rec.recipients, "exit_conditions": rec.exit_conditions,
    "exit_and_conversion": rec.exit_and_conversion, "global_settings": rec.global_settings,
    "details": rec.details, "state": rec.state,
}
GRAPH_CONCERNS: dict[str, Concern] = {
    "add_actions": wf.add_actions, "delete_actions": wf.delete_actions,
    "edges": wf.replace_edges,
}
_HIDDEN = ("actions", "edges")


def get_campaign(tx: Tx, campaign_id: int) -> Doc:
    doc = tx.get("campaign", campaign_id)
    if doc is None:
        raise not_found(f"campaign {campaign_id}")
    return doc


def campaign_view(doc: Doc) -> Doc:
    view = {k: v for k, v in doc.items() if k not in _HIDDEN}
    view["workflow_action_ids"] = sorted(a["id"] for a in doc["actions"])
    return view


def full_view(tx: Tx, doc: Doc) -> Doc:
    """``{campaign, actions, edges, tags}`` (§5, S9; D10)."""
    tags = [{"id": t, "name": tag["name"]} for t in doc["tag_ids"]
            if (tag := tx.get("tag", int(t))) is not None]
    return {"campaign": campaign_view(doc),
            "actions": [wf.action_view(tx, a) for a in doc["actions"]],
            "edges": doc["edges"], "tags": tags}


def save(tx: Tx, doc: Doc) -> Doc:
    doc["updated_at"] = tx.now
    return tx.put("campaign", dedup(doc, "updated_at"), name=doc["name"])


async def list_campaigns(request: Request) -> Response:
    check_env(request)
    with workspace(request).store.read() as tx:
        items, meta = page(request, tx, "campaign", 20)  # 20 a page, 0-based (§3, S12)
    return ok({"campaigns": [campaign_view(c) for c in items], "meta": meta})


async def get_one(request: Request) -> Response:
    check_env(request)
    campaign_id = path_int(request, "campaign_id")
    with workspace(request).store.read() as tx:
        return ok(full_view(tx, get_campaign(tx, campaign_id)))


async def create_campaign(request: Request) -> Response:
    """``{"campaign": {"name", "type": "none"}}`` — other types are refused (§5, S8)."""
    check_env(request)
    body = await object_body(request, "campaign")
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise invalid("name", "is required")
    if body.get("type") != "none":
        raise invalid("type", "must be none at create; set the trigger with update_type "
                              "recipients")
    description = body.get("description") or ""
    if not isinstance(description, str):
        raise invalid("description", "must be a string")
    with workspace(request).store.write() as tx:
        doc: Doc = {"id": tx.next_id("campaign"), "name": body["name"],
                    "description": description, "state": "draft", "created_at": tx.now,
                    "first_started": 0, "tag_ids": [], **rec.RECIPIENT_DEFAULTS,
                    **rec.OTHER_DEFAULTS, "actions": [], "edges": []}
        save(tx, doc)
        return ok({"campaign": campaign_view(doc)})


async def update_campaign(request: Request) -> Response:
    """One concern per call; fields of other concerns are silently ignored (§2, §5)."""
    check_env(request)
    campaign_id = path_int(request, "campaign_id")
    outer = await object_body(request)
    inner = outer.get("campaign")
    if not isinstance(inner, dict):
        # Not in the references (D1 names 400 only for PUT /actions without type): cioctl
        # assumes a body without its {"campaign": …} wrapper answers 400, as on the App API.
        raise ApiError(400, 'request body must be {"campaign": {...}}', pointer="/campaign")
    update_type = str(inner.get("update_type"))
    concern = CONCERNS.get(update_type) or GRAPH_CONCERNS.get(update_type)
    if concern is None:  # unknown/missing update_type → 422, map shape (D1)
        raise invalid("update_type", "is not included in the list")
    ws = workspace(request)
    with ws.store.write() as tx:
        doc = get_campaign(tx, campaign_id)
        if update_type == "state" or doc["state"] == "running":
            refuse_live_edit(request, tx)
        concern(tx, doc, outer if update_type in GRAPH_CONCERNS else inner)
        save(tx, doc)
        body = full_view(tx, doc) if update_type in GRAPH_CONCERNS else \
            {"campaign": campaign_view(doc)}
    if update_type == "add_actions" and ws.faults is not None and ws.faults.add_actions_fails():
        raise server_error()  # committed above: the client must re-read (§5, S8/S12)
    return ok(body)


async def delete_campaign(request: Request) -> Response:
    """204, later GET 404, templates go with it (D14); 403 when running and the setting is off
    (D9)."""
    check_env(request)
    campaign_id = path_int(request, "campaign_id")
    with workspace(request).store.write() as tx:
        doc = get_campaign(tx, campaign_id)
        if doc["state"] == "running":
            refuse_live_edit(request, tx)
        for action in doc["actions"]:
            if action["type"] in MESSAGE_TYPES:
                delete_message(tx, action)
        tx.delete("campaign", campaign_id)
    return no_content()


async def add_tags(request: Request) -> Response:
    """``{"tag_ids": [...]}`` adds tags, keeping the others (D12)."""
    check_env(request)
    campaign_id = path_int(request, "campaign_id")
    body = await object_body(request)
    with workspace(request).store.write() as tx:
        doc = get_campaign(tx, campaign_id)
        added = tag_id_list(tx, body.get("tag_ids"))
        doc["tag_ids"] = doc["tag_ids"] + [t for t in added if t not in doc["tag_ids"]]
        save(tx, doc)
        return ok({"tag_ids": doc["tag_ids"]})


async def remove_tag(request: Request) -> Response:
    """204 (D12). Not in the references: cioctl assumes a tag not on the campaign is a 404."""
    check_env(request)
    campaign_id = path_int(request, "campaign_id")
    tag_id = str(path_int(request, "tag_id"))
    with workspace(request).store.write() as tx:
        doc = get_campaign(tx, campaign_id)
        if tag_id not in doc["tag_ids"]:
            raise not_found(f"tag {tag_id} on campaign {campaign_id}")
        doc["tag_ids"] = [t for t in doc["tag_ids"] if t != tag_id]
        save(tx, doc)
    return no_content()


def _find_action(tx: Tx, action_id: int) -> tuple[Doc, int]:
    for campaign in tx.docs("campaign"):
        for index, action in enumerate(campaign["actions"]):
            if action["id"] == action_id:
                return campaign, index
    raise not_found(f"action {action_id}")


async def get_action(request: Request) -> Response:
    """Route: App API reference §10 (Actions). The ``{"action": …}`` body mirrors the PUT's
    (D6, decided); the GET body itself is not in the references."""
    check_env(request)
    action_id = path_int(request, "action_id")
    with workspace(request).store.read() as tx:
        campaign, index = _find_action(tx, action_id)
        return ok({"action": wf.action_view(tx, campaign["actions"][index])})


async def put_action(request: Request) -> Response:
    """Edit one action (D6): ``type`` required (400), ``type``/``sub_type`` immutable (500)."""
    check_env(request)
    action_id = path_int(request, "action_id")
    body = await object_body(request, "action")
    with workspace(request).store.write() as tx:
        campaign, index = _find_action(tx, action_id)
        if campaign["state"] == "running":
            refuse_live_edit(request, tx)
        campaign["actions"][index] = wf.update_action(tx, campaign["actions"][index], body)
        save(tx, campaign)
        return ok({"action": wf.action_view(tx, campaign["actions"][index])})


# Routes: App API reference §10 (Campaigns, tags, Actions rows); bodies per D4-D14.
ROUTES = [
    Route(f"{BASE}/campaigns", list_campaigns, methods=["GET"]),
    Route(f"{BASE}/campaigns", create_campaign, methods=["POST"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}", get_one, methods=["GET"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}", update_campaign, methods=["PUT"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}", delete_campaign, methods=["DELETE"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}/tags", add_tags, methods=["POST"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}/tags/{{tag_id}}", remove_tag, methods=["DELETE"]),
    Route(f"{BASE}/actions/{{action_id}}", get_action, methods=["GET"]),
    Route(f"{BASE}/actions/{{action_id}}", put_action, methods=["PUT"]),
]
