"""The modeled Journeys management routes (``/v1/environments/{ws}/...``).

Customer.io does not publish these bodies; this module implements exactly the contract in
``docs/journeys-modeled.md`` (segments with conditions, campaigns with a workflow, data-index
reads, the environment). Campaign bodies are validated and written in
:mod:`cioctl.emulator.journeys_workflow`; conditions in :mod:`cioctl.emulator.journeys_conditions`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator import segments as seg
from cioctl.emulator.campaigns import get_campaign
from cioctl.emulator.context import workspace
from cioctl.emulator.journeys_conditions import SegmentExists, segment_ids, validate
from cioctl.emulator.journeys_workflow import (
    Materializer,
    check_frequency,
    check_goal,
    check_trigger,
    check_workflow,
)
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import (
    ApiError,
    dedup,
    no_content,
    not_found,
    object_body,
    ok,
    path_int,
    query_int,
    want_str,
    want_tags,
)

BASE = "/v1/environments/{ws}"
CAMPAIGN_VIEW = ("id", "name", "description", "state", "tags", "created", "updated",
                 "first_started", "deduplicate_id", "trigger", "filter", "goal", "frequency",
                 "workflow")


def _env(request: Request) -> None:
    ws = workspace(request)
    if path_int(request, "ws") != ws.workspace_id:
        raise not_found(f"environment {request.path_params['ws']}")


def _page(request: Request, tx: Tx, kind: str, default_size: int | None) -> (
        tuple[list[Doc], Doc]):
    """One page, 0-based (evidence §3: campaigns are 20 a page from page 0; segments page only
    when ``size`` > 0 is given). ``meta`` says where the page is, never how many there are."""
    page = query_int(request, "page", 0, 0, 10**9)
    size = query_int(request, "size", default_size or 0, 0, 1000)
    if size == 0:
        return tx.docs(kind), {"page": 0}
    return tx.page(kind, page * size, size), {"page": page, "size": size}


def _segment_exists(tx: Tx, self_id: int | None) -> SegmentExists:
    """A segment may be referenced when it exists and does not lead back to ``self_id``."""
    def reaches_self(start: int) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            if current == self_id:
                return True
            doc = tx.get("segment", current)
            if current not in seen and doc is not None:
                seen.add(current)
                todo.extend(segment_ids(doc.get("conditions")))
        return False

    return lambda i: tx.get("segment", i) is not None and not reaches_self(i)


# --- environment (data-index reads: journeys_data_index) -------------------------------------

async def get_environment(request: Request) -> Response:
    _env(request)
    ws = workspace(request)
    return ok({"environment": {"id": ws.workspace_id, "name": f"Embedded workspace "
                               f"{ws.workspace_id}", "region": ws.region}})


# --- segments -------------------------------------------------------------------------------

def _segment_view(doc: Doc) -> Doc:
    return {**seg.app_view(doc), "conditions": doc.get("conditions")}


def _segment_fields(tx: Tx, body: Doc, current: Doc | None) -> Doc:
    """Validated segment fields from a POST (``current`` None) or partial PUT body."""
    fields: Doc = {}
    name = want_str(body, "name", "/segment", required=current is None)
    if name is not None:
        fields["name"] = name
    if (description := want_str(body, "description", "/segment")) is not None:
        fields["description"] = description
    if (tags := want_tags(body, "/segment")) is not None:
        fields["tags"] = tags
    kind = body.get("type", current["type"] if current else "dynamic")
    if kind not in ("dynamic", "manual") or (current and kind != current["type"]):
        raise ApiError(400, "type must be dynamic or manual and cannot change",
                       pointer="/segment/type")
    fields["type"] = kind
    _segment_conditions(tx, body, current, fields)
    return fields


def _segment_conditions(tx: Tx, body: Doc, current: Doc | None, fields: Doc) -> None:
    conditions = body.get("conditions")
    if fields["type"] == "manual":
        if conditions is not None:
            raise ApiError(400, "a manual segment has no conditions",
                           pointer="/segment/conditions")
        return
    if conditions is None:
        if current is None:
            raise ApiError(400, "conditions are required for a dynamic segment",
                           pointer="/segment/conditions")
        return
    self_id = current["id"] if current else None
    validate(conditions, "/segment/conditions", _segment_exists(tx, self_id))
    fields["conditions"] = conditions


async def list_segments(request: Request) -> Response:
    _env(request)
    with workspace(request).store.read() as tx:
        items, meta = _page(request, tx, "segment", None)
    return ok({"segments": [_segment_view(s) for s in items], "meta": meta})


async def get_segment(request: Request) -> Response:
    _env(request)
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.read() as tx:
        return ok({"segment": _segment_view(seg.get_segment(tx, seg_id))})


async def create_segment(request: Request) -> Response:
    _env(request)
    body = await object_body(request, "segment")
    with workspace(request).store.write() as tx:
        doc = seg.new_segment(tx, _segment_fields(tx, body, None))
    return ok({"segment": _segment_view(doc)})


async def update_segment(request: Request) -> Response:
    _env(request)
    seg_id = path_int(request, "segment_id")
    body = await object_body(request, "segment")
    with workspace(request).store.write() as tx:
        doc = seg.get_segment(tx, seg_id)
        doc.update(_segment_fields(tx, body, doc), updated_at=tx.now)
        seg.save_segment(tx, doc)
    return ok({"segment": _segment_view(doc)})


async def delete_segment(request: Request) -> Response:
    _env(request)
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.write() as tx:
        if not tx.delete("segment", seg_id):
            raise not_found(f"segment {seg_id}")
    return no_content()


# --- campaigns ------------------------------------------------------------------------------

def campaign_view(doc: Doc) -> Doc:
    return {**{k: doc.get(k) for k in CAMPAIGN_VIEW}, "active": doc["state"] == "running"}


def _campaign_fields(tx: Tx, body: Doc, current: Doc | None) -> Doc:
    """Validated campaign fields (everything but the workflow's actions)."""
    exists = _segment_exists(tx, None)
    fields: Doc = {}
    name = want_str(body, "name", "/campaign", required=current is None)
    if name is not None:
        fields["name"] = name
    if (description := want_str(body, "description", "/campaign")) is not None:
        fields["description"] = description
    if (tags := want_tags(body, "/campaign")) is not None:
        fields["tags"] = tags
    if "trigger" in body or current is None:
        trigger = check_trigger(body.get("trigger"), "/campaign/trigger", exists)
        if current and trigger["type"] != current["trigger"]["type"]:
            raise ApiError(400, "trigger type cannot change", pointer="/campaign/trigger/type")
        fields["trigger"] = trigger
    _campaign_options(body, current, exists, fields)
    return fields


def _campaign_options(body: Doc, current: Doc | None, exists: SegmentExists, out: Doc) -> None:
    if body.get("filter") is not None:
        validate(body["filter"], "/campaign/filter", exists)
    if "filter" in body or current is None:
        out["filter"] = body.get("filter")
        out["filter_segment_ids"] = segment_ids(out["filter"])
    if "goal" in body or current is None:
        out["goal"] = check_goal(body.get("goal"), "/campaign/goal")
    if "frequency" in body or current is None:
        out["frequency"] = check_frequency(body.get("frequency", "once"), "/campaign/frequency")
    states = ("draft", "running") if current is None else ("draft", "running", "stopped")
    state = body.get("state", current["state"] if current else "draft")
    if state not in states:
        raise ApiError(400, f"state must be one of {', '.join(states)}", pointer="/campaign/state")
    out["state"] = state
    if "workflow" in body or current is None:
        check_workflow(body.get("workflow", []), "/campaign/workflow", exists, set())


def _save_campaign(tx: Tx, doc: Doc, body: Doc) -> Doc:
    if "workflow" in body or "workflow" not in doc:
        doc["workflow"] = Materializer(tx, doc["id"]).run(body.get("workflow", []),
                                                          "/campaign/workflow")
    if doc["state"] == "running" and not doc.get("first_started"):
        doc["first_started"] = tx.now
    return tx.put("campaign", dedup(doc, "updated"), name=doc["name"])


async def list_campaigns(request: Request) -> Response:
    _env(request)
    with workspace(request).store.read() as tx:
        items, meta = _page(request, tx, "campaign", 20)
    return ok({"campaigns": [campaign_view(c) for c in items], "meta": meta})


async def get_one_campaign(request: Request) -> Response:
    _env(request)
    campaign_id = path_int(request, "campaign_id")
    with workspace(request).store.read() as tx:
        return ok({"campaign": campaign_view(get_campaign(tx, campaign_id))})


async def create_campaign(request: Request) -> Response:
    _env(request)
    body = await object_body(request, "campaign")
    with workspace(request).store.write() as tx:
        fields = _campaign_fields(tx, body, None)
        doc: Doc = {"id": tx.next_id("campaign"), "description": "", "tags": [],
                    "first_started": 0, "created": tx.now, "updated": tx.now, **fields}
        _save_campaign(tx, doc, body)
    return ok({"campaign": campaign_view(doc)})


async def update_campaign(request: Request) -> Response:
    _env(request)
    campaign_id = path_int(request, "campaign_id")
    body = await object_body(request, "campaign")
    with workspace(request).store.write() as tx:
        doc = get_campaign(tx, campaign_id)
        doc.update(_campaign_fields(tx, body, doc), updated=tx.now)
        _save_campaign(tx, doc, body)
    return ok({"campaign": campaign_view(doc)})


async def delete_campaign(request: Request) -> Response:
    _env(request)
    campaign_id = path_int(request, "campaign_id")
    with workspace(request).store.write() as tx:
        get_campaign(tx, campaign_id)
        for action in tx.docs("action", campaign_id):
            tx.delete("action", action["id"])
        tx.delete("campaign", campaign_id)
    return no_content()


ROUTES = [
    Route(BASE, get_environment, methods=["GET"]),
    Route(f"{BASE}/segments", list_segments, methods=["GET"]),
    Route(f"{BASE}/segments", create_segment, methods=["POST"]),
    Route(f"{BASE}/segments/{{segment_id}}", get_segment, methods=["GET"]),
    Route(f"{BASE}/segments/{{segment_id}}", update_segment, methods=["PUT"]),
    Route(f"{BASE}/segments/{{segment_id}}", delete_segment, methods=["DELETE"]),
    Route(f"{BASE}/campaigns", list_campaigns, methods=["GET"]),
    Route(f"{BASE}/campaigns", create_campaign, methods=["POST"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}", get_one_campaign, methods=["GET"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}", update_campaign, methods=["PUT"]),
    Route(f"{BASE}/campaigns/{{campaign_id}}", delete_campaign, methods=["DELETE"]),
]
