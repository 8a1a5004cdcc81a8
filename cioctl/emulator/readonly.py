"""Read-only App API resources (§6.4 to §6.7): sender identities, subscription topics, object types,
workspaces, and the unauthenticated IP address list. Seeded once per database."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import Workspace, workspace
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, dedup, not_found, ok, path_int, query_int

SEED_SENDER: Doc = {
    "id": 1, "name": "Embedded Workspace", "email": "hello@embedded.cioctl.test",
    "address": "Embedded Workspace <hello@embedded.cioctl.test>", "template_type": "email",
    "phone": None, "auto_generated": False, "hidden": False,
}
SEED_TOPICS: list[Doc] = [
    {"id": 1, "identifier": "topic_1", "name": "Newsletter",
     "description": "News and product updates", "subscribed_by_default": True},
    {"id": 2, "identifier": "topic_2", "name": "Offers",
     "description": "Promotions and offers", "subscribed_by_default": False},
]
SEED_OBJECT_TYPES: list[Doc] = [
    {"id": "1", "name": "Companies", "singular_name": "Company", "slug": "companies",
     "singular_slug": "company", "icon": "building", "enabled": True},
]
# A real workspace has its own sender identities and a message template names one by id
# (docs/journeys-wire.md D11). These let the bundled example, `cioctl init`'s scaffold, the
# bench's generated workspaces and the test workspaces apply as written; each is
# "Name <email>", as the App API lists them.
EXTRA_SENDERS = (
    ("Acme (local)", "hello@local.acme.test"), ("Acme Staging", "hello@staging.acme.test"),
    ("Acme", "hello@acme.test"), ("My Product", "hello@example.com"),
    ("Local", "l@example.test"), ("Staging", "s@example.test"),
    ("Bench", "bench@example.test"),
)
IP_ADDRESSES = ["192.0.2.10", "192.0.2.11", "198.51.100.20"]


def seed(tx: Tx) -> None:
    """Insert the read-only fixtures once per database."""
    if tx.meta("seeded") is not None:
        return
    tx.put("sender_identity", dedup(dict(SEED_SENDER, updated=tx.now), "updated"))
    for number, (name, email) in enumerate(EXTRA_SENDERS, start=2):
        tx.put("sender_identity", dedup(dict(
            SEED_SENDER, id=number, name=name, email=email, address=f"{name} <{email}>",
            updated=tx.now), "updated"))
    for topic in SEED_TOPICS:
        tx.put("topic", dict(topic))
    for object_type in SEED_OBJECT_TYPES:
        tx.put("object_type", dict(object_type, id=int(object_type["id"])))
    tx.set_meta("seeded", str(tx.now))


def _sender_view(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "updated"}


async def list_senders(request: Request) -> Response:
    start = query_int(request, "start", 0, 0, 10**9)
    limit = query_int(request, "limit", 100, 1, 1000)
    sort = request.query_params.get("sort", "asc")
    if sort not in ("asc", "desc"):
        raise ApiError(400, "sort must be asc or desc", pointer="/sort")
    with workspace(request).store.read() as tx:
        senders = [_sender_view(s) for s in tx.docs("sender_identity")]
    if request.query_params.get("hidden") != "true":
        senders = [s for s in senders if not s["hidden"]]
    if sort == "desc":
        senders.reverse()
    more = start + limit < len(senders)
    return ok({"sender_identities": senders[start:start + limit],
               "next": str(start + limit) if more else ""})


def _sender(tx: Tx, request: Request) -> Doc:
    sender_id = path_int(request, "sender_id")
    doc = tx.get("sender_identity", sender_id)
    if doc is None:
        raise not_found(f"sender identity {sender_id}")
    return doc


async def get_sender(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"sender_identity": _sender_view(_sender(tx, request))})


async def sender_used_by(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        sender_id = _sender(tx, request)["id"]
        campaigns = sorted({a["campaign_id"] for a in tx.docs("action")
                            if a.get("from_id") == sender_id})
    return ok({"campaigns": campaigns, "draft_newsletters": [], "sent_newsletters": []})


async def list_topics(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"topics": tx.docs("topic")})


async def list_object_types(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        types = [dict(t, id=str(t["id"])) for t in tx.docs("object_type")]
    return ok({"types": types})


def workspace_view(ws: Workspace) -> Doc:
    with ws.store.read() as tx:
        object_types = tx.count("object_type")
    return {"id": ws.workspace_id, "name": f"Embedded workspace {ws.workspace_id}",
            "messages_sent": 0, "billable_messages_sent": 0, "people": 0, "objects": 0,
            "object_types": object_types}


async def list_workspaces(request: Request) -> Response:
    return ok({"workspaces": [workspace_view(workspace(request))]})


async def ip_addresses(request: Request) -> Response:
    return ok({"ip_addresses": IP_ADDRESSES})


ROUTES = [
    Route("/v1/sender_identities", list_senders, methods=["GET"]),
    Route("/v1/sender_identities/{sender_id}", get_sender, methods=["GET"]),
    Route("/v1/sender_identities/{sender_id}/used_by", sender_used_by, methods=["GET"]),
    Route("/v1/subscription_topics", list_topics, methods=["GET"]),
    Route("/v1/object_types", list_object_types, methods=["GET"]),
    Route("/v1/workspaces", list_workspaces, methods=["GET"]),
    Route("/v1/info/ip_addresses", ip_addresses, methods=["GET"]),
]
