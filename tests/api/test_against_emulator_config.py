"""The real client against the embedded workspace: snippets, collections, reporting webhooks,
the data index, read-only resources and broadcasts — in process and over loopback (see
``test_against_emulator.py``)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from cioctl.api import (
    campaigns,
    collections,
    data_index,
    reporting_webhooks,
    snippets,
    workspace,
)
from cioctl.api.errors import ApiNotFound, ApiValidationError
from cioctl.api.http import ApiClient
from cioctl.emulator.broadcasts import seed_broadcast
from cioctl.emulator.store import Store

from .emulator_target import WS, Target, create_flow, error_item, flow_json

pytestmark = pytest.mark.anyio


# -- snippets --------------------------------------------------------------------------------


async def test_snippet_lifecycle(client: ApiClient, target: Target) -> None:
    made = await snippets.create_snippet(client, "footer", "Thanks, {{ customer.first_name }}")
    assert made.name == "footer" and made.updated_at
    with pytest.raises(ApiValidationError) as dup:
        await snippets.create_snippet(client, "footer", "again")
    assert dup.value.status == 422
    assert [p.pointer for p in dup.value.problems] == ["/name"]
    assert error_item(target.wires[0].exchanges[-1].response_body)["status"] == "422"
    await snippets.update_snippet(client, "footer", "Bye")
    await snippets.update_snippet(client, "header", "Hi")  # PUT creates an absent name
    listed = [(s.name, s.value) for s in await snippets.list_snippets(client)]
    assert listed == [("footer", "Bye"), ("header", "Hi")]
    await snippets.delete_snippet(client, "footer")
    assert target.wires[0].last("DELETE", "/v1/snippets/footer").status == 204
    with pytest.raises(ApiNotFound):
        await snippets.delete_snippet(client, "footer")
    with pytest.raises(ApiValidationError) as blank_post:
        await snippets.create_snippet(client, "empty", " ")
    with pytest.raises(ApiValidationError) as blank_put:
        await snippets.update_snippet(client, "empty", " ")
    assert (blank_post.value.status, blank_put.value.status) == (422, 400)
    assert [s.name for s in await snippets.list_snippets(client)] == ["header"]


async def test_snippet_in_use_by_a_flow_cannot_be_deleted(client: ApiClient) -> None:
    await snippets.create_snippet(client, "footer", "-- the team")
    flow = await create_flow(client, flow_json("Hello", [{"email": {
        "id": "welcome", "subject": "Hi", "body": "<p>Hi</p>{{ snippets.footer }}"}}]))
    with pytest.raises(ApiValidationError) as info:
        await snippets.delete_snippet(client, "footer")
    assert info.value.status == 400 and "in use" in str(info.value)
    action_id = flow.action_ids()["welcome"]
    await campaigns.update_action(client, flow.id, action_id, {"body": "<p>Hi</p>"})
    await snippets.delete_snippet(client, "footer")
    assert await snippets.list_snippets(client) == []


# -- collections -----------------------------------------------------------------------------


async def test_collection_lifecycle_and_content(client: ApiClient, target: Target) -> None:
    coll = await collections.create_collection(client, "products", data=[{"sku": "a"}])
    assert (coll.id, coll.rows, coll.schema) == (1, 1, ("sku",))
    await collections.put_collection_content(client, coll.id, [{"sku": "b"}, {"sku": "c"}])
    assert await collections.get_collection_content(client, coll.id) == [{"sku": "b"},
                                                                          {"sku": "c"}]
    assert (await collections.get_collection(client, coll.id)).rows == 2
    renamed = await collections.update_collection(client, coll.id, "catalog",
                                                  data=[{"sku": "d", "price": 3}])
    assert (renamed.name, renamed.schema) == ("catalog", ("price", "sku"))
    remote = await collections.create_collection(client, "feed",
                                                 url="https://data.example.test/feed.json")
    assert remote.rows == 0
    assert [c.name for c in await collections.list_collections(client)] == ["catalog", "feed"]
    await collections.delete_collection(client, coll.id)
    assert target.wires[0].last("DELETE", f"/v1/collections/{coll.id}").status == 204
    with pytest.raises(ApiNotFound):
        await collections.get_collection(client, coll.id)
    with pytest.raises(ApiNotFound):
        await collections.get_collection_content(client, coll.id)
    with pytest.raises(ApiValidationError) as no_404:  # PUT documents no 404
        await collections.update_collection(client, coll.id, "x", data=[])
    assert no_404.value.status == 400
    with pytest.raises(ApiValidationError) as bad:
        await client.app.post("/v1/collections", {"name": "x", "data": [1, 2]})
    assert bad.value.problems[0].pointer == "/data"


# -- reporting webhooks ----------------------------------------------------------------------


async def test_reporting_webhook_lifecycle(client: ApiClient, target: Target) -> None:
    body = reporting_webhooks.webhook_body("ops", "https://hooks.example.test/cio",
                                           ["email_sent", "email_bounced"])
    hook = await reporting_webhooks.create_webhook(client, body)
    assert hook.events == ("email_sent", "email_bounced") and not hook.disabled
    created = json.loads(target.wires[0].last("POST", "/v1/reporting_webhooks").response_body)
    assert created["id"] == hook.id and "reporting_webhook" not in created  # unwrapped
    body["disabled"] = True
    assert (await reporting_webhooks.update_webhook(client, hook.id, body)).disabled
    assert await reporting_webhooks.list_webhooks(client) == [
        await reporting_webhooks.get_webhook(client, hook.id)
    ]
    await reporting_webhooks.delete_webhook(client, hook.id)
    deleted = target.wires[0].last("DELETE", f"/v1/reporting_webhooks/{hook.id}")
    assert (deleted.status, deleted.response_body) == (200, b"")
    assert await reporting_webhooks.list_webhooks(client) == []
    with pytest.raises(ApiNotFound):
        await reporting_webhooks.get_webhook(client, hook.id)
    with pytest.raises(ApiValidationError) as bad:
        await reporting_webhooks.create_webhook(client, reporting_webhooks.webhook_body(
            "ops", "https://hooks.example.test/cio", ["email_sent", "email_teleported"]))
    assert bad.value.problems[0].pointer == "/events/1"


# -- data index ------------------------------------------------------------------------------


async def test_data_index_written_in_chunks_and_read_back(client: ApiClient) -> None:
    metas = [data_index.AttributeMeta(f"attr_{i:03}", description=f"d{i}") for i in range(250)]
    assert await data_index.update_attributes(client, metas) == 3
    await data_index.update_attributes(client, [data_index.AttributeMeta("email", None, 1)])
    await data_index.update_events(client, [data_index.EventMeta("signed_up", "A signup")])
    attrs = await data_index.list_attributes(client)  # 251: five full pages of 50, one short
    assert sorted(a.name for a in attrs) == sorted({m.name for m in metas} | {"email"})
    assert [a.privacy_level for a in attrs if a.name == "email"] == [1]
    assert {a.description for a in attrs} == {None}  # the list carries none (evidence §6)
    assert [(e.name, e.description) for e in await data_index.list_events(client)] == [
        ("signed_up", None)
    ]


def _many(n: int) -> list[dict[str, Any]]:
    return [{"name": f"n{i}"} for i in range(n)]


@pytest.mark.parametrize(("kind", "items", "detail", "pointer"), [
    ("attributes", [], "Empty attributes array", "/data/attributes/attributes"),
    ("attributes", _many(101), "Too many attributes", "/data/attributes/attributes"),
    ("attributes", [{"name": "a"}, {"name": "b", "privacy_level": 2}],
     "Privacy level feature not enabled", "/data/attributes/attributes[1].privacy_level"),
    ("events", [], "Empty events array", "/data/events/events"),
    ("events", _many(101), "Too many events", "/data/events/events"),
])
async def test_data_index_422_texts(client: ApiClient, target: Target, kind: str,
                                    items: list[Any], detail: str, pointer: str) -> None:
    with pytest.raises(ApiValidationError) as info:
        await client.app.post(f"/v1/data_index/{kind}", {kind: items})
    assert info.value.status == 422
    item = json.loads(target.wires[0].exchanges[-1].response_body)["errors"][0]
    assert item == {"detail": detail, "source": {"pointer": pointer}}  # no status, as documented


async def test_data_index_malformed_body_is_400(client: ApiClient, target: Target) -> None:
    with pytest.raises(ApiValidationError) as info:
        await client.app.post("/v1/data_index/events", {"events": "signed_up"})
    assert info.value.status == 400
    body = json.loads(target.wires[0].exchanges[-1].response_body)
    assert body == {"errors": [{"detail": "Invalid request format"}]}
    assert await data_index.list_events(client) == []


# -- read-only resources ---------------------------------------------------------------------


async def test_read_only_resources(client: ApiClient, target: Target) -> None:
    [ws] = await workspace.list_workspaces(client)
    assert ws.id == WS and workspace.workspace_count(ws, "object_types") == 1
    assert [(t.id, t.name, t.enabled) for t in await workspace.list_object_types(client)] == [
        (1, "Companies", True)
    ]
    topics = await workspace.list_subscription_topics(client)
    assert [(t.identifier, t.subscribed_by_default) for t in topics] == [
        ("topic_1", True), ("topic_2", False)
    ]
    sender, *_ = await workspace.list_sender_identities(client)
    assert sender.email == "hello@embedded.cioctl.test"
    assert target.wires[0].last("GET", "/v1/sender_identities").query == "limit=1000"
    one = await client.app.get(f"/v1/sender_identities/{sender.id}")
    assert one["sender_identity"]["address"] == sender.address
    used = await client.app.get(f"/v1/sender_identities/{sender.id}/used_by")
    assert used == {"campaigns": [], "draft_newsletters": [], "sent_newsletters": []}
    with pytest.raises(ApiNotFound):
        await client.app.get("/v1/sender_identities/99")
    assert (await workspace.ip_addresses(client))["ip_addresses"]


async def test_sender_identity_used_by_a_flow(client: ApiClient) -> None:
    sender, *_ = await workspace.list_sender_identities(client)
    flow = await create_flow(client, flow_json("Hello", [{"email": {
        "id": "welcome", "subject": "Hi", "body": "b", "from": sender.address}}]),
        senders={sender.address or "": sender.id})
    assert (await campaigns.get_action(client, flow.id, flow.action_ids()["welcome"])).from_id \
        == sender.id
    used = await client.app.get(f"/v1/sender_identities/{sender.id}/used_by")
    assert used["campaigns"] == [flow.id]


# -- broadcasts (read only; seeded straight into the workspace's database) --------------------


async def test_broadcast_reads_and_trigger(client: ApiClient, target: Target) -> None:
    assert await client.app.get("/v1/broadcasts") == {"broadcasts": []}
    store = Store(target.backend.db_path, time.time)
    try:
        made = seed_broadcast(store, "Flash sale", ("email", "webhook"))
    finally:
        store.close()
    bid = made["id"]
    [listed] = (await client.app.get("/v1/broadcasts"))["broadcasts"]
    assert listed["id"] == bid and listed["type"] == "triggered_broadcast"
    assert (await client.app.get(f"/v1/broadcasts/{bid}"))["broadcast"]["name"] == "Flash sale"
    actions = (await client.app.get(f"/v1/broadcasts/{bid}/actions"))["actions"]
    assert [a["type"] for a in actions] == ["email", "webhook"]
    one = await client.app.get(f"/v1/broadcasts/{bid}/actions/{actions[1]['id']}")
    assert one["action"]["id"] == actions[1]["id"]
    trigger = await client.app.post(f"/v1/campaigns/{bid}/triggers", {"data": {"x": 1}})
    triggers = (await client.app.get(f"/v1/broadcasts/{bid}/triggers"))["triggers"]
    assert [t["id"] for t in triggers] == [trigger["id"]]
    assert client.stats.requests["app"] == 7  # the trigger POST was sent once
    with pytest.raises(ApiNotFound):
        await client.app.get(f"/v1/broadcasts/{bid + 1}")
    with pytest.raises(ApiNotFound):  # a campaign id is not a broadcast
        await client.app.post("/v1/campaigns/1/triggers", {})
