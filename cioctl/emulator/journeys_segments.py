"""Segments on the Journeys routes (evidence §4; docs/journeys-wire.md D13).

Creates and whole-segment PUTs of ``dynamic`` (CNF conditions) and ``static`` segments; the
``build`` state after each write, which ``GET /segments/{id}/status`` reports for the first
``build_reads`` status reads (then ``complete``); the live-data 403 for a segment a running
campaign uses (§2).
"""

from __future__ import annotations

import zlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator import segments as seg
from cioctl.emulator.context import workspace
from cioctl.emulator.journeys_common import (
    BASE,
    check_env,
    invalid,
    page,
    refuse_live_edit,
    tag_id_list,
)
from cioctl.emulator.journeys_conditions import (
    campaign_segments,
    check_segment_conditions,
    segment_refs,
)
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import no_content, object_body, ok, path_int

# The segment object of D10 (decided fields; ``state`` per §4/D13).
VIEW = ("id", "name", "description", "type", "conditions", "tag_ids", "created_at", "updated_at")


def catalog_id(activity: str, name: str) -> int:
    """A stable data-index id for an event or attribute name (what §4 calls the catalog id)."""
    return zlib.crc32(f"{activity}:{name}".encode()) % 1_000_000 + 1


def _with_catalog_ids(tree: Any) -> Any:
    """Read-back leaves carry a catalog ``id`` beside ``type``/``name`` (§4, S8)."""
    if isinstance(tree, list):
        return [_with_catalog_ids(item) for item in tree]
    if not isinstance(tree, dict):
        return tree
    out = {k: _with_catalog_ids(v) for k, v in tree.items()}
    event = out.get("event")
    if isinstance(event, dict) and "type" in event and "name" in event:
        out["event"] = {"id": catalog_id(event["type"], event["name"]), **event}
    return out


def _without_catalog_ids(tree: Any) -> Any:
    """Writes may omit or echo the catalog ``id``; it is never stored (the name resolves)."""
    if isinstance(tree, list):
        return [_without_catalog_ids(item) for item in tree]
    if not isinstance(tree, dict):
        return tree
    out = {k: _without_catalog_ids(v) for k, v in tree.items()}
    if isinstance(out.get("event"), dict):
        out["event"] = {k: v for k, v in out["event"].items() if k != "id"}
    if "event" in out:
        out.pop("id", None)
    return out


def segment_view(doc: Doc) -> Doc:
    view = {k: doc.get(k) for k in VIEW}
    view["conditions"] = _with_catalog_ids(view["conditions"])
    view["state"] = "build" if doc.get("build_left", 0) > 0 else "complete"
    return view


def _check_ref(tx: Tx, self_id: int | None) -> Any:
    """Referenced segments must exist and not lead back to ``self_id`` (D13)."""
    def problem(ref: int) -> str | None:
        if tx.get("segment", ref) is None:
            return f"segment {ref} not found"
        seen: set[int] = set()
        todo = [ref]
        while todo:
            current = todo.pop()
            if current == self_id:
                return f"segment {ref} leads back to this segment"
            doc = tx.get("segment", current)
            if doc is not None and current not in seen:
                seen.add(current)
                todo.extend(segment_refs(doc.get("conditions")))
        return None
    return problem


def _fields(tx: Tx, body: Doc, current: Doc | None) -> Doc:
    """A whole segment: ``name``, ``type``, ``conditions`` (dynamic) are required (§4)."""
    name, kind = body.get("name"), body.get("type")
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", "is required")
    if kind not in ("dynamic", "static"):  # §4 (S13); 422 per D1's "bad fields" [decided]
        raise invalid("type", "must be dynamic or static")
    if current is not None and kind != current["type"]:
        raise invalid("type", "cannot be changed")
    description = body.get("description") or ""
    if not isinstance(description, str):
        raise invalid("description", "must be a string")
    conditions = body.get("conditions")
    if kind == "static" and conditions is not None:
        raise invalid("conditions", "must be blank for a static segment")
    if kind == "dynamic":
        if conditions is None:
            raise invalid("conditions", "is required")
        conditions = _without_catalog_ids(conditions)
        check_segment_conditions(conditions, _check_ref(tx, current["id"] if current else None))
    return {"name": name, "type": kind, "description": description, "conditions": conditions,
            "tag_ids": tag_id_list(tx, body.get("tag_ids"))}


def _used_by_running(tx: Tx, seg_id: int) -> bool:
    return any(c["state"] == "running" and seg_id in campaign_segments(c)
               for c in tx.docs("campaign"))


async def list_segments(request: Request) -> Response:
    check_env(request)
    with workspace(request).store.read() as tx:
        items, meta = page(request, tx, "segment", None)
    return ok({"segments": [segment_view(s) for s in items], "meta": meta})


async def get_segment(request: Request) -> Response:
    check_env(request)
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.read() as tx:
        return ok({"segment": segment_view(seg.get_segment(tx, seg_id))})


async def create_segment(request: Request) -> Response:
    check_env(request)
    body = await object_body(request, "segment")
    ws = workspace(request)
    with ws.store.write() as tx:
        doc = seg.new_segment(tx, {**_fields(tx, body, None),
                                   "build_left": ws.build_reads})
    return ok({"segment": segment_view(doc)})


async def update_segment(request: Request) -> Response:
    check_env(request)
    seg_id = path_int(request, "segment_id")
    body = await object_body(request, "segment")
    ws = workspace(request)
    with ws.store.write() as tx:
        doc = seg.get_segment(tx, seg_id)
        if _used_by_running(tx, seg_id):
            refuse_live_edit(request, tx)
        doc.update(_fields(tx, body, doc), updated_at=tx.now, build_left=ws.build_reads)
        seg.save_segment(tx, doc)
    return ok({"segment": segment_view(doc)})


async def delete_segment(request: Request) -> Response:
    """204, later GET 404 (§2, S5; D13); 403 if a running campaign uses it (D9)."""
    check_env(request)
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.write() as tx:
        seg.get_segment(tx, seg_id)
        if _used_by_running(tx, seg_id):
            refuse_live_edit(request, tx)
        tx.delete("segment", seg_id)
    return no_content()


async def segment_status(request: Request) -> Response:
    """``build`` for the first reads after a write, then ``complete`` (§4, D13)."""
    check_env(request)
    seg_id = path_int(request, "segment_id")
    with workspace(request).store.write() as tx:
        doc = seg.get_segment(tx, seg_id)
        state = segment_view(doc)["state"]
        if doc.get("build_left", 0) > 0:
            doc["build_left"] -= 1
            tx.put("segment", doc, name=doc["name"])
    return ok({"state": state})  # body decided (D13)


# Routes: App API reference §10 (Segments row).
ROUTES = [
    Route(f"{BASE}/segments", list_segments, methods=["GET"]),
    Route(f"{BASE}/segments", create_segment, methods=["POST"]),
    Route(f"{BASE}/segments/{{segment_id}}", get_segment, methods=["GET"]),
    Route(f"{BASE}/segments/{{segment_id}}", update_segment, methods=["PUT"]),
    Route(f"{BASE}/segments/{{segment_id}}", delete_segment, methods=["DELETE"]),
    Route(f"{BASE}/segments/{{segment_id}}/status", segment_status, methods=["GET"]),
]
