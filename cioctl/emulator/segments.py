"""Segments: stored documents, their App API view and the App API routes (§2 of the reference)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import workspace
from cioctl.emulator.journeys_common import tag_names
from cioctl.emulator.journeys_conditions import campaign_segments
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import (
    ApiError,
    dedup,
    no_content,
    not_found,
    object_body,
    ok,
    path_int,
    want_str,
)


def new_segment(tx: Tx, fields: Doc) -> Doc:
    """Store a new segment from validated ``fields`` (name, description, type, conditions,
    tag_ids, build_left). ``type`` is the Journeys one: ``dynamic`` or ``static`` (§4)."""
    seg_id = tx.next_id("segment")
    doc: Doc = {
        "id": seg_id, "name": fields["name"], "description": fields.get("description") or "",
        "type": fields.get("type", "static"), "conditions": fields.get("conditions"),
        "tag_ids": fields.get("tag_ids") or [], "build_left": fields.get("build_left", 0),
        "created_at": tx.now, "updated_at": tx.now,
    }
    return save_segment(tx, doc)


def save_segment(tx: Tx, doc: Doc) -> Doc:
    return tx.put("segment", dedup(doc, "updated_at"), name=doc["name"])


def get_segment(tx: Tx, seg_id: int) -> Doc:
    doc = tx.get("segment", seg_id)
    if doc is None:
        raise not_found(f"segment {seg_id}")
    return doc


def app_view(tx: Tx, doc: Doc) -> Doc:
    """The App API's segment object: no conditions; a static segment reads ``manual``."""
    return {
        "id": doc["id"], "name": doc["name"], "description": doc.get("description") or "",
        "type": "manual" if doc["type"] == "static" else "dynamic",
        "state": "build" if doc.get("build_left", 0) > 0 else "finished", "progress": None,
        "tags": tag_names(tx, doc.get("tag_ids") or []),
        "deduplicate_id": doc["deduplicate_id"], "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
    }


def used_by(tx: Tx, seg_id: int) -> list[int]:
    """Ids of campaigns that name the segment anywhere (trigger, filter, conditions, exits)."""
    return [c["id"] for c in tx.docs("campaign") if seg_id in campaign_segments(c)]


async def list_segments(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"segments": [app_view(tx, s) for s in tx.docs("segment")]})


async def create_segment(request: Request) -> Response:
    body = await object_body(request, "segment")
    name = want_str(body, "name", "/segment", required=True)
    description = want_str(body, "description", "/segment")
    with workspace(request).store.write() as tx:
        doc = new_segment(tx, {"name": name, "description": description, "type": "static"})
        return ok({"segment": app_view(tx, doc)})


async def get_one(request: Request) -> Response:
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.read() as tx:
        return ok({"segment": app_view(tx, get_segment(tx, seg_id))})


async def delete_segment(request: Request) -> Response:
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.write() as tx:
        if not tx.delete("segment", seg_id):
            raise not_found(f"segment {seg_id}")
    return no_content()


async def segment_used_by(request: Request) -> Response:
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.read() as tx:
        get_segment(tx, seg_id)
        campaigns = used_by(tx, seg_id)
    empty: list[int] = []
    return ok({
        "segment_id": seg_id,
        "used_by": {"campaigns": campaigns, "draft_newsletters": empty, "sent_newsletters": empty},
    })


async def customer_count(request: Request) -> Response:
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.read() as tx:
        get_segment(tx, seg_id)
    return ok({"segment_id": seg_id, "count": 0})


async def membership(request: Request) -> Response:
    seg_id = path_int(request, "segment_id")
    raw_limit = request.query_params.get("limit", "1000")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 30000:
        raise ApiError(400, "limit must be an integer in 1..30000")
    with workspace(request).store.read() as tx:
        get_segment(tx, seg_id)
    return ok({"segment_id": seg_id, "identifiers": [], "ids": [], "next": ""})


ROUTES = [
    Route("/v1/segments", list_segments, methods=["GET"]),
    Route("/v1/segments", create_segment, methods=["POST"]),
    Route("/v1/segments/{segment_id}", get_one, methods=["GET"]),
    Route("/v1/segments/{segment_id}", delete_segment, methods=["DELETE"]),
    Route("/v1/segments/{segment_id}/used_by", segment_used_by, methods=["GET"]),
    Route("/v1/segments/{segment_id}/customer_count", customer_count, methods=["GET"]),
    Route("/v1/segments/{segment_id}/membership", membership, methods=["GET"]),
]
