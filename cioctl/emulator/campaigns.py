"""Campaigns and their actions through the App API (§3 of the reference).

Campaigns are created and changed through the Journeys routes; here they are read, and their
actions' content is paged, read and edited. Both surfaces read the same stored documents.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.actions import WRITABLE, apply_fields, save_action
from cioctl.emulator.context import workspace
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, not_found, object_body, ok, path_int

PAGE_SIZE = 10
_DATE_FIELDS = ("date_attribute", "frequency", "start_hour", "start_minutes", "timezone",
                "use_customer_timezone")


def get_campaign(tx: Tx, campaign_id: int) -> Doc:
    doc = tx.get("campaign", campaign_id)
    if doc is None:
        raise not_found(f"campaign {campaign_id}")
    return doc


def app_view(tx: Tx, doc: Doc) -> Doc:
    """The App API's campaign object; ``type`` tells the variant apart."""
    trigger = doc["trigger"]
    view: Doc = {
        "id": doc["id"], "name": doc["name"], "description": doc.get("description") or "",
        "state": doc["state"], "active": doc["state"] == "running", "type": trigger["type"],
        "tags": doc.get("tags") or [],
        "actions": [{"id": a["id"], "type": a["type"]} for a in tx.docs("action", doc["id"])],
        "filter_segment_ids": doc.get("filter_segment_ids", []),
        "created": doc["created"], "updated": doc["updated"],
        "first_started": doc.get("first_started", 0), "deduplicate_id": doc["deduplicate_id"],
    }
    if trigger["type"] == "event":
        view["event_name"] = trigger["event_name"]
    elif trigger["type"] == "segment":
        view["trigger_segment_ids"] = list(trigger["segment_ids"])
    elif trigger["type"] == "date":
        view.update({k: trigger[k] for k in _DATE_FIELDS})
    return view


def get_action(tx: Tx, campaign_id: int, action_id: int) -> Doc:
    get_campaign(tx, campaign_id)
    action = tx.get("action", action_id)
    if action is None or action["campaign_id"] != campaign_id:
        raise not_found(f"action {action_id} of campaign {campaign_id}")
    return action


def _ids(request: Request) -> tuple[int, int]:
    return (path_int(request, "campaign_id", bad_status=400),
            path_int(request, "action_id", bad_status=400))


async def list_campaigns(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"campaigns": [app_view(tx, c) for c in tx.docs("campaign")]})


async def get_one(request: Request) -> Response:
    campaign_id = path_int(request, "campaign_id", bad_status=400)
    with workspace(request).store.read() as tx:
        return ok({"campaign": app_view(tx, get_campaign(tx, campaign_id))})


async def list_actions(request: Request) -> Response:
    """Ten actions a page; ``start`` is the cursor a previous page returned as ``next``."""
    campaign_id = path_int(request, "campaign_id", bad_status=400)
    start = request.query_params.get("start") or "0"
    if not start.isdigit():
        raise ApiError(400, f"invalid start token: {start!r}")
    offset = int(start)
    with workspace(request).store.read() as tx:
        get_campaign(tx, campaign_id)
        actions = tx.docs("action", campaign_id)
    page = actions[offset:offset + PAGE_SIZE]
    more = offset + PAGE_SIZE < len(actions)
    return ok({"actions": page, "next": str(offset + PAGE_SIZE) if more else ""})


async def get_action_route(request: Request) -> Response:
    campaign_id, action_id = _ids(request)
    with workspace(request).store.read() as tx:
        return ok({"action": get_action(tx, campaign_id, action_id)})


async def put_action(request: Request) -> Response:
    """Edit an action's content; the body is the action's fields **unwrapped**."""
    campaign_id, action_id = _ids(request)
    body = await object_body(request)
    with workspace(request).store.write() as tx:
        action = get_action(tx, campaign_id, action_id)
        pos = [a["id"] for a in tx.docs("action", campaign_id)].index(action_id)
        apply_fields(tx, action, body, WRITABLE[action["type"]], "")
        save_action(tx, action, pos)
    return ok({"action": action})


async def language_variant(request: Request) -> Response:
    """The embedded workspace has no translations: every language variant is absent."""
    campaign_id, action_id = _ids(request)
    language = request.path_params["language"]
    with workspace(request).store.read() as tx:
        get_action(tx, campaign_id, action_id)
    raise not_found(f"language variant {language!r} of action {action_id}")


ROUTES = [
    Route("/v1/campaigns", list_campaigns, methods=["GET"]),
    Route("/v1/campaigns/{campaign_id}", get_one, methods=["GET"]),
    Route("/v1/campaigns/{campaign_id}/actions", list_actions, methods=["GET"]),
    Route("/v1/campaigns/{campaign_id}/actions/{action_id}", get_action_route, methods=["GET"]),
    Route("/v1/campaigns/{campaign_id}/actions/{action_id}", put_action, methods=["PUT"]),
    Route("/v1/campaigns/{campaign_id}/actions/{action_id}/language/{language}",
          language_variant, methods=["GET", "PUT"]),
]
