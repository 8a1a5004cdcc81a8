"""Campaigns and their actions through the App API (§3 of the reference).

Campaigns are created and changed through the Journeys routes (``journeys_campaigns``); here
they are read, and their
actions' content is paged, read and edited. Both surfaces read the same stored documents.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.actions import WRITABLE, apply_fields, save_action
from cioctl.emulator.context import workspace
from cioctl.emulator.journeys_common import NotEncodedError, decode_b64, tag_names
from cioctl.emulator.journeys_conditions import campaign_segments, entry_segments
from cioctl.emulator.journeys_workflow import message_order
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, not_found, object_body, ok, path_int

PAGE_SIZE = 10
# Journeys trigger type (evidence §5) → App API variant (App API reference §3.1 enum). D11 maps
# transactional/seg_attr/date/none; behavioral → segment and the same-name rest are not in the
# references: cioctl assumes them.
_APP_TYPES = {"transactional": "event", "seg_attr": "segment", "behavioral": "segment",
              "date": "date", "form": "form", "object": "object",
              "relationship": "relationship", "webhook": "webhook"}
_DATE_FIELDS = ("date_attribute", "frequency", "start_hour", "start_minutes", "timezone",
                "use_customer_timezone")


def get_campaign(tx: Tx, campaign_id: int) -> Doc:
    doc = tx.get("campaign", campaign_id)
    if doc is None:
        raise not_found(f"campaign {campaign_id}")
    return doc


def _anchor_segments(doc: Doc) -> list[int]:
    try:
        return sorted(set(entry_segments(decode_b64(doc.get("anchors")))))
    except NotEncodedError:
        return []


def app_view(tx: Tx, doc: Doc) -> Doc:
    """The App API's campaign object, read from the Journeys document (D11); ``type`` tells
    the variant apart (``transactional`` → event, ``seg_attr`` → segment)."""
    app_type = _APP_TYPES.get(doc["type"])
    view: Doc = {
        "id": doc["id"], "name": doc["name"], "description": doc.get("description") or "",
        "state": doc["state"], "active": doc["state"] == "running", "type": app_type,
        "tags": tag_names(tx, doc.get("tag_ids") or []),
        "actions": [{"id": a["id"], "type": a["type"]} for a in _messages(tx, doc)],
        "filter_segment_ids": _anchor_segments(doc),
        "created": doc["created_at"], "updated": doc["updated_at"],
        "first_started": doc.get("first_started", 0), "deduplicate_id": doc["deduplicate_id"],
    }
    if app_type == "event":
        view["event_name"] = doc.get("event") or ""
    elif app_type == "segment":
        view["trigger_segment_ids"] = sorted(
            set(campaign_segments({"trigger": doc.get("trigger")})))
    elif app_type == "date":
        view.update({k: doc.get(k) for k in _DATE_FIELDS})
    return view


def _messages(tx: Tx, doc: Doc) -> list[Doc]:
    """The campaign's message actions as App API actions, in graph order (D11)."""
    found = (tx.get("action", action_id) for action_id in message_order(doc))
    return [action for action in found if action is not None]


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
        actions = _messages(tx, get_campaign(tx, campaign_id))
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
        apply_fields(tx, action, body, WRITABLE[action["type"]], "")
        save_action(tx, action, 0)
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
