"""Reporting webhooks (§6.3 of the reference).

Returned **unwrapped**; DELETE answers 200 with no body.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import workspace
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, no_content, not_found, object_body, ok, path_int


def _family(prefix: str, names: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{name}" for name in names.split())


WEBHOOK_EVENTS: frozenset[str] = frozenset((
    "customer_subscribed", "customer_unsubscribed", "customer_subscription_preferences_changed",
    *_family("email", "drafted attempted sent delivered opened clicked converted bounced dropped "
                      "deferred spammed failed unsubscribed undeliverable"),
    *_family("in_app", "drafted attempted sent opened clicked converted failed undeliverable"),
    *_family("push", "drafted attempted sent delivered opened clicked converted bounced dropped "
                     "failed undeliverable"),
    *_family("slack", "drafted attempted sent clicked converted failed"),
    *_family("sms", "drafted attempted sent delivered clicked converted bounced dropped failed "
                    "undeliverable replied"),
    *_family("whatsapp", "drafted attempted sent delivered opened clicked converted bounced "
                         "dropped failed undeliverable replied"),
    *_family("webhook", "drafted attempted sent clicked converted failed undeliverable"),
))
assert len(WEBHOOK_EVENTS) == 72


def _events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ApiError(400, "events must be a non-empty array", pointer="/events")
    for i, event in enumerate(value):
        if event not in WEBHOOK_EVENTS:
            raise ApiError(400, f"unknown event {event!r}", pointer=f"/events/{i}")
    return list(value)


def _flag(body: Doc, key: str, default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise ApiError(400, f"{key} must be a boolean", pointer=f"/{key}")
    return value


def _validated(body: Doc, webhook_id: int) -> Doc:
    """A full webhook from a create/update body (name, endpoint, events required)."""
    name, endpoint = body.get("name"), body.get("endpoint")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "name is required", pointer="/name")
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        raise ApiError(400, "endpoint must be an http(s) URL", pointer="/endpoint")
    return {
        "id": webhook_id, "name": name, "endpoint": endpoint, "events": _events(body.get("events")),
        "disabled": _flag(body, "disabled", False),
        "full_resolution": _flag(body, "full_resolution", False),
        "with_content": _flag(body, "with_content", False), "type": "webhook",
    }


def _get(tx: Tx, webhook_id: int) -> Doc:
    doc = tx.get("webhook", webhook_id)
    if doc is None:
        raise not_found(f"reporting webhook {webhook_id}")
    return doc


async def list_webhooks(request: Request) -> Response:
    with workspace(request).store.read() as tx:
        return ok({"reporting_webhooks": tx.docs("webhook")})


async def create_webhook(request: Request) -> Response:
    body = await object_body(request)
    with workspace(request).store.write() as tx:
        doc = tx.put("webhook", _validated(body, tx.next_id("webhook")))
    return ok(doc)


async def get_webhook(request: Request) -> Response:
    webhook_id = path_int(request, "webhook_id")
    with workspace(request).store.read() as tx:
        return ok(_get(tx, webhook_id))


async def update_webhook(request: Request) -> Response:
    webhook_id = path_int(request, "webhook_id")
    body = await object_body(request)
    with workspace(request).store.write() as tx:
        _get(tx, webhook_id)
        doc = tx.put("webhook", _validated(body, webhook_id))
    return ok(doc)


async def delete_webhook(request: Request) -> Response:
    webhook_id = path_int(request, "webhook_id")
    with workspace(request).store.write() as tx:
        if not tx.delete("webhook", webhook_id):
            raise not_found(f"reporting webhook {webhook_id}")
    return no_content(200)


ROUTES = [
    Route("/v1/reporting_webhooks", list_webhooks, methods=["GET"]),
    Route("/v1/reporting_webhooks", create_webhook, methods=["POST"]),
    Route("/v1/reporting_webhooks/{webhook_id}", get_webhook, methods=["GET"]),
    Route("/v1/reporting_webhooks/{webhook_id}", update_webhook, methods=["PUT"]),
    Route("/v1/reporting_webhooks/{webhook_id}", delete_webhook, methods=["DELETE"]),
]
