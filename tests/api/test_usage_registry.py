"""The route registry (:mod:`cioctl.api.usage`) declares every request the client sends.

Every public client function of the wire modules runs against the embedded workspace through a
transport that records each request; each request must match a declared route, its JSON body
fields and query parameters must be declared for that route, and every declared route must be
used. A new client function must be added to the drive below (the test lists the missing ones).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from cioctl.api import (
    campaigns,
    collections,
    data_index,
    endpoints,
    reporting_webhooks,
    segments,
    snippets,
    usage,
    workspace,
)
from cioctl.api.campaigns import Header
from cioctl.api.errors import ApiNotFound
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.journeys import campaign_client, tags
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.secret import Secret
from cioctl.emulator import create_app

from .conftest import APP_KEY, SA_TOKEN
from .emulator_target import attribute_cnf, flow_json

pytestmark = pytest.mark.anyio
WIRE_MODULES = (segments, campaigns, snippets, collections, reporting_webhooks, data_index,
                workspace, campaign_client, tags)
WS = 7


class Recording(httpx.AsyncBaseTransport):
    """Passes requests on and keeps them."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def public_client_functions() -> set[str]:
    return {
        f"{module.__name__}.{name}"
        for module in WIRE_MODULES
        for name, fn in inspect.getmembers(module, inspect.iscoroutinefunction)
        if not name.startswith("_") and fn.__module__ == module.__name__
    }


def flatten(value: Any, prefix: str = "") -> set[str]:
    """Dotted field paths of a JSON body (``a.b``, ``a[].b``)."""
    if isinstance(value, dict):
        paths: set[str] = set()
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | flatten(item, path)
        return paths
    if isinstance(value, list):
        return set().union(*(flatten(item, f"{prefix}[]") for item in value)) if value else set()
    return set()


def covered(field: str, declared: tuple[str, ...]) -> bool:
    """Declared itself, beneath a declared field, or a wrapper above one."""
    def related(a: str, b: str) -> bool:
        return a == b or a.startswith((f"{b}.", f"{b}[]"))

    return "*" in declared or any(related(field, d) or related(d, field) for d in declared)


async def drive(client: ApiClient, call: Callable[..., Awaitable[Any]]) -> None:
    """Every client function, in an order that gives each the ids it needs."""
    seg = await call(segments.create_manual_segment, client, "Manual", "d")
    await call(segments.list_segments, client)
    await call(segments.get_segment, client, seg.id)
    await call(segments.segment_used_by, client, seg.id)
    await call(segments.segment_customer_count, client, seg.id)
    await call(segments.delete_segment, client, seg.id)
    cond = attribute_cnf("plan", "pro")
    dyn = await call(segments.create_journeys_segment, client, "Pro", conditions=cond,
                     description="d", tags=["t"])
    await call(segments.update_journeys_segment, client, dyn.id, name="Pro 2", conditions=cond)
    await call(segments.get_journeys_segment, client, dyn.id)
    await call(segments.wait_until_built, client, dyn.id)
    await call(segments.list_journeys_segments, client)

    flow = flow_json("Flow", [{"email": {"id": "hi", "subject": "S", "body": "B"}}],
                     description="d", state="running", filter={"segment": "pro"}, tags=["t"],
                     goal={"event": "upgraded", "within": "1d"})
    ctx = campaign_client.context({"pro": dyn.id}, ValueTypes(), {})
    read = await call(campaign_client.create_flow, client, flow, ["t"], ctx)
    flow_id = int(read.campaign["id"])
    action_id = campaigns.message_action_ids(read)["hi"]
    await call(campaigns.list_campaigns, client)
    await call(campaigns.get_campaign, client, flow_id)
    await call(campaigns.list_actions, client, flow_id)
    await call(campaigns.get_action, client, flow_id, action_id)
    await call(campaigns.update_action, client, flow_id, action_id,
               {"subject": "S2", "headers": [Header("X", "1")]})
    with pytest.raises(ApiNotFound):  # no translation exists; the request is what counts
        await call(campaigns.update_action, client, flow_id, action_id, {"body": "B"},
                   language="fr")
    with pytest.raises(ApiNotFound):
        await call(campaigns.get_action, client, flow_id, action_id, language="fr")
    changed = {**flow, "name": "Flow 2", "tags": [], "steps": [
        {"type": "delay", "seconds": 60}, *flow["steps"]]}
    changed["steps"][1] = {**changed["steps"][1], "content": {
        **changed["steps"][1]["content"], "subject": "S3"}}
    await call(campaign_client.update_flow, client, flow_id, changed, [], ctx, {})
    read = await call(campaign_client.read_campaign, client, flow_id)
    delay = next(a for a in read.actions if a["type"] == "delay_seconds_action")
    await client.journeys.put(client.env_path("actions", delay["id"]),
                              {"action": {"type": "delay_seconds_action", "delay": 90}})
    changed["steps"][0] = {"type": "delay", "seconds": 90}
    await call(campaign_client.verify, client, flow_id, changed, ctx)
    await call(campaigns.list_journeys_campaigns, client)
    await call(tags.tag_names, client)
    await call(tags.tag_ids, client, ["t", "u"])
    await call(campaigns.delete_journeys_campaign, client, flow_id)
    again = await call(campaign_client.create_flow, client, flow, ["t"], ctx)
    await call(campaign_client.delete_campaign, client, int(again.campaign["id"]))
    await call(segments.delete_journeys_segment, client, dyn.id)

    await call(snippets.create_snippet, client, "a b", "v")
    await call(snippets.update_snippet, client, "a b", "w")
    await call(snippets.list_snippets, client)
    await call(snippets.delete_snippet, client, "a b")

    coll = await call(collections.create_collection, client, "c", data=[{"sku": "a"}])
    await call(collections.update_collection, client, coll.id, "c",
               url="https://example.test/c.json")
    await call(collections.put_collection_content, client, coll.id, [{"sku": "b"}])
    await call(collections.get_collection_content, client, coll.id)
    await call(collections.get_collection, client, coll.id)
    await call(collections.list_collections, client)
    await call(collections.delete_collection, client, coll.id)
    await call(collections.create_unique_collection, client, "u", data=[{"sku": "a"}])

    body = reporting_webhooks.webhook_body("h", "https://example.test", ["email_sent"])
    hook = await call(reporting_webhooks.create_webhook, client, body)
    await call(reporting_webhooks.update_webhook, client, hook.id, body)
    await call(reporting_webhooks.get_webhook, client, hook.id)
    await call(reporting_webhooks.list_webhooks, client)
    await call(reporting_webhooks.delete_webhook, client, hook.id)

    await call(data_index.update_attributes, client,
               [data_index.AttributeMeta("plan", "the plan", 1)])
    await call(data_index.update_events, client, [data_index.EventMeta("signed_up", "d")])
    await call(data_index.list_attributes, client)
    await call(data_index.list_events, client)

    for read in (workspace.list_workspaces, workspace.get_environment, workspace.current_account,
                 workspace.list_object_types, workspace.list_subscription_topics,
                 workspace.list_sender_identities, workspace.ip_addresses):
        await call(read, client)


async def test_every_request_is_declared(tmp_path: Path) -> None:
    app = create_app(tmp_path / "db.sqlite3", workspace_id=WS, app_api_keys=frozenset({APP_KEY}),
                     service_account_tokens=frozenset({SA_TOKEN}), rate_limit=False)
    recording = Recording(httpx.ASGITransport(app=app))
    client = ApiClient(endpoints.for_override("http://127.0.0.1:9"),
                       Credentials(Secret(APP_KEY), Secret(SA_TOKEN)), workspace_id=WS,
                       transport=recording, limiter=RateLimiter(enabled=False))
    called: set[str] = set()

    async def call(fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        called.add(f"{fn.__module__}.{fn.__name__}")
        return await fn(*args, **kwargs)

    async with client:
        await drive(client, call)

    assert public_client_functions() - called == set(), "drive these client functions too"
    used: set[usage.RouteUse] = set()
    for request in recording.requests:
        path = request.url.raw_path.decode().split("?")[0]
        use = usage.find_use(request.method, path)
        assert use is not None, f"{request.method} {path} is not declared in cioctl.api.usage"
        used.add(use)
        queries = {f"?{k}" for k, _ in parse_qsl(request.url.query.decode())}
        assert queries <= set(use.request_fields), (str(use), queries)
        if request.headers.get("content-type") == "application/json":
            fields = flatten(json.loads(request.content))
            undeclared = {f for f in fields if not covered(f, use.request_fields)}
            assert undeclared == set(), (str(use), undeclared)
    assert set(usage.ROUTES) - used == set(), "declared routes the client never calls"


def test_registry_is_well_formed() -> None:
    keys = [use.key for use in usage.ROUTES]
    assert len(keys) == len(set(keys))
    assert all(not u.documented for u in usage.ROUTES if u.surface.value == "journeys")
    assert usage.find_use("GET", "/v1/segments/12/used_by") is not None
    assert usage.find_use("GET", "/v1/segments/12/nope") is None
    assert usage.normalize("/v1/a/{x}/b/{y}") == "/v1/a/{}/b/{}"
