from __future__ import annotations

import json

import httpx
import pytest

from cioctl.api import (
    campaigns,
    collections,
    data_index,
    reporting_webhooks,
    segments,
    snippets,
    workspace,
)
from cioctl.api.campaigns import Header
from cioctl.api.errors import ApiProtocolError

from .conftest import WORKSPACE_ID, Recorder, json_response, make_client, token_ok

pytestmark = pytest.mark.anyio
ENV = f"/v1/environments/{WORKSPACE_ID}"


def action_json(i: int) -> dict[str, object]:
    return {
        "id": i, "type": "email", "campaign_id": 7, "name": f"a{i}", "language": "",
        "subject": f"s{i}", "body": "b", "sending_state": "automatic",
        "headers": json.dumps([{"name": "X-Id", "value": str(i)}]),
    }


async def test_actions_paginate_23_in_3_requests() -> None:
    all_actions = [action_json(i) for i in range(1, 24)]

    def respond(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("start", "0"))
        page = all_actions[start : start + 10]
        nxt = str(start + 10) if start + 10 < len(all_actions) else ""
        return json_response(200, {"actions": page, "next": nxt})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        actions = await campaigns.list_actions(client, 7)
    assert [a.id for a in actions] == list(range(1, 24))
    assert len(handler.requests) == 3
    assert [r.url.params.get("start") for r in handler.requests] == [None, "10", "20"]
    assert actions[4].headers == (Header("X-Id", "5"),)
    assert client.stats.requests["app"] == 3


async def test_repeated_cursor_is_a_protocol_error() -> None:
    handler = Recorder(lambda r: json_response(200, {"actions": [], "next": "same"}))
    async with make_client(handler) as client:
        with pytest.raises(ApiProtocolError):
            await campaigns.list_actions(client, 7)


async def test_action_put_headers_array_in_json_string_out() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)
        echoed = {**action_json(3), **sent, "headers": json.dumps(sent["headers"])}
        return json_response(200, {"action": echoed})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        action = await campaigns.update_action(
            client, 7, 3,
            {"subject": "Hi", "headers": [Header("X-A", "1"), {"name": "X-B", "value": "2"}]},
        )
    (body,) = handler.bodies()
    assert handler.requests[0].method == "PUT"
    assert handler.paths() == ["/v1/campaigns/7/actions/3"]
    assert body == {
        "subject": "Hi", "headers": [{"name": "X-A", "value": "1"}, {"name": "X-B", "value": "2"}]
    }  # unwrapped, headers as an array
    assert action.subject == "Hi"
    assert action.headers == (Header("X-A", "1"), Header("X-B", "2"))


async def test_action_translation_path_and_unknown_fields() -> None:
    handler = Recorder(lambda r: json_response(200, {"action": action_json(3)}))
    async with make_client(handler) as client:
        await campaigns.get_action(client, 7, 3, language="pt-BR")
        with pytest.raises(ValueError, match="name"):
            await campaigns.update_action(client, 7, 3, {"name": "x"})
    assert handler.paths() == ["/v1/campaigns/7/actions/3/language/pt-BR"]


async def test_app_campaigns_parse() -> None:
    camp = {
        "id": 5, "name": "Onboarding", "type": "event", "event_name": "signed_up",
        "state": "running", "active": True, "tags": ["cioctl:onboarding"],
        "actions": [{"id": 9, "type": "email"}], "filter_segment_ids": [3], "created": 1,
    }
    handler = Recorder(lambda r: json_response(200, {"campaigns": [camp]}))
    async with make_client(handler) as client:
        (parsed,) = await campaigns.list_campaigns(client)
    assert parsed.event_name == "signed_up"
    assert parsed.actions == (campaigns.ActionRef(9, "email"),)
    assert parsed.filter_segment_ids == (3,)


async def test_data_index_250_attributes_in_3_posts() -> None:
    handler = Recorder(lambda r: httpx.Response(204))
    metas = [data_index.AttributeMeta(f"attr_{i}", description="d") for i in range(250)]
    async with make_client(handler) as client:
        sent = await data_index.update_attributes(client, metas)
    assert sent == 3
    bodies = handler.bodies()
    assert [len(b["attributes"]) for b in bodies] == [100, 100, 50]
    assert bodies[0]["attributes"][0] == {"name": "attr_0", "description": "d"}
    assert set(handler.paths()) == {"/v1/data_index/attributes"}


async def test_data_index_events_post_retried_on_5xx() -> None:
    answers = [httpx.Response(500), httpx.Response(204)]
    handler = Recorder(lambda r: answers.pop(0))
    async with make_client(handler) as client:
        await data_index.update_events(client, [data_index.EventMeta("signed_up", "A signup")])
    assert len(handler.requests) == 2


async def test_data_index_reads_via_journeys() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if (ok := token_ok(request)) is not None:
            return ok
        if request.url.path.endswith("/attributes"):
            return json_response(200, {"attributes": [
                {"id": 7, "name": "email", "metadata": {"privacy_level": 1}}],
                "meta": {"pagination": {"total": 0}}})
        return json_response(200, {"event_names": ["signed_up"]})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        attrs = await data_index.list_attributes(client)
        events = await data_index.list_events(client)
    assert attrs == [data_index.AttributeInfo("email", None, 1)]
    assert events == [data_index.EventInfo("signed_up", None)]
    assert handler.paths()[1:] == [f"{ENV}/attributes", f"{ENV}/event_names"]
    assert [dict(r.url.params) for r in handler.requests[1:]] == [
        {"page": "0", "size": "50"}, {"page": "0", "size": "50"}]


def segment_json(i: int, **extra: object) -> dict[str, object]:
    return {"id": i, "name": f"S{i}", "description": "", "type": "dynamic", "tags": [], **extra}


async def test_app_segments_routes() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "DELETE":
            return httpx.Response(204)
        if path.endswith("/used_by"):
            return json_response(200, {"segment_id": 1, "used_by": {"campaigns": [4]}})
        if path.endswith("/customer_count"):
            return json_response(200, {"segment_id": 1, "count": 42})
        if request.method == "POST":
            sent = json.loads(request.content)["segment"]
            return json_response(200, {"segment": segment_json(2, type="manual", **sent)})
        if path == "/v1/segments":
            return json_response(200, {"segments": [segment_json(1)]})
        return json_response(200, {"segment": segment_json(1)})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        assert [s.id for s in await segments.list_segments(client)] == [1]
        assert (await segments.get_segment(client, 1)).name == "S1"
        made = await segments.create_manual_segment(client, "Beta", "testers")
        used = await segments.segment_used_by(client, 1)
        count = await segments.segment_customer_count(client, 1)
        await segments.delete_segment(client, 2)
    assert made.type == "manual" and made.description == "testers"
    assert handler.bodies()[2] == {"segment": {"name": "Beta", "description": "testers"}}
    assert used.campaigns == (4,) and used.draft_newsletters == ()
    assert count == 42


async def test_journeys_segments_paged_and_bodies() -> None:
    cond = {"and": [{"or": [{"segment": {"id": 3}, "inverse": True}]}]}

    def respond(request: httpx.Request) -> httpx.Response:
        if (ok := token_ok(request)) is not None:
            return ok
        if request.url.path.endswith("/tags"):
            if request.method == "POST":
                return json_response(200, {"tag": {"id": "8", "name": "t"}})
            return json_response(200, {"tags": [{"id": "5", "name": "cioctl:pro"}]})
        if request.method == "GET":  # two full pages, then a short one; ``total`` lies
            page, size = int(request.url.params["page"]), int(request.url.params["size"])
            count = size if page < 2 else 1
            items = [{**segment_json(page * size + i + 1, conditions=cond), "tag_ids": ["5"]}
                     for i in range(count)]
            meta = {"page": page, "total": 3, "total_pages": 1}
            return json_response(200, {"segments": items, "meta": meta})
        if request.method == "DELETE":
            return httpx.Response(204)
        sent = json.loads(request.content)["segment"]
        return json_response(200, {"segment": {**segment_json(9), **sent}})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        listed = await segments.list_journeys_segments(client)
        made = await segments.create_journeys_segment(client, "Pro", conditions=cond, tags=["t"])
        await segments.update_journeys_segment(client, 9, name="Pro plan", conditions=cond)
        await segments.delete_journeys_segment(client, 9)
    assert [s.id for s in listed] == list(range(1, 42))
    assert listed[0].conditions == cond and listed[0].tags == ("cioctl:pro",)
    assert made.conditions == cond and made.tags == ("t",)
    writes = [b for r, b in zip(handler.requests, handler.bodies(), strict=True)
              if r.method in ("POST", "PUT") and "/segments" in r.url.path]
    # evidence §4: tag ids, the whole segment on every write (omitted fields are reset)
    assert writes == [
        {"segment": {"type": "dynamic", "name": "Pro", "description": "", "tag_ids": ["8"],
                     "conditions": cond}},
        {"segment": {"type": "dynamic", "name": "Pro plan", "description": "", "tag_ids": [],
                     "conditions": cond}}]
    pages = [r.url.params.get("page") for r in handler.requests
             if r.url.path == f"{ENV}/segments" and r.method == "GET"]
    assert pages == ["0", "1", "2"]
    assert handler.paths()[-1] == f"{ENV}/segments/9"


async def test_snippets_by_name() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.method == "GET":
            return json_response(200, {"snippets": [{"name": "a", "value": "b", "updated_at": 1}]})
        return json_response(200, {"snippet": json.loads(request.content)})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        assert await snippets.list_snippets(client) == [snippets.Snippet("a", "b", 1)]
        await snippets.create_snippet(client, "footer", "{{ x }}")
        assert (await snippets.update_snippet(client, "footer", "y")).value == "y"
        await snippets.delete_snippet(client, "my footer/x")
    assert handler.requests[-1].url.raw_path == b"/v1/snippets/my%20footer%2Fx"
    assert [r.method for r in handler.requests] == ["GET", "POST", "PUT", "DELETE"]


async def test_reporting_webhooks_unwrapped() -> None:
    hook = {"id": 3, "name": "h", "endpoint": "https://x.test", "events": ["email_sent"],
            "disabled": False, "full_resolution": False, "with_content": True, "type": "webhook"}

    def respond(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(200)
        if request.url.path == "/v1/reporting_webhooks" and request.method == "GET":
            return json_response(200, {"reporting_webhooks": [hook]})
        return json_response(200, hook)

    handler = Recorder(respond)
    body = reporting_webhooks.webhook_body("h", "https://x.test", ["email_sent"], with_content=True)
    async with make_client(handler) as client:
        (listed,) = await reporting_webhooks.list_webhooks(client)
        made = await reporting_webhooks.create_webhook(client, body)
        await reporting_webhooks.update_webhook(client, 3, body)
        await reporting_webhooks.get_webhook(client, 3)
        assert await reporting_webhooks.delete_webhook(client, 3) is None
    assert listed == made and made.with_content
    assert handler.bodies()[1] == body


async def test_collections_and_content() -> None:
    coll = {"id": 2, "name": "products", "rows": 1, "bytes": 10, "schema": ["sku"]}

    def respond(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.url.path.endswith("/content") and request.method == "GET":
            return json_response(200, [{"sku": "a"}])
        if request.url.path == "/v1/collections" and request.method == "GET":
            return json_response(200, {"collections": [coll]})
        return json_response(200, {"collection": coll})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        assert [c.name for c in await collections.list_collections(client)] == ["products"]
        await collections.create_collection(client, "products", data=[{"sku": "a"}])
        await collections.update_collection(client, 2, "products", url="https://x.test/p.csv")
        assert await collections.get_collection_content(client, 2) == [{"sku": "a"}]
        await collections.put_collection_content(client, 2, [{"sku": "b"}])
        await collections.delete_collection(client, 2)
        with pytest.raises(ValueError):
            collections.collection_body("x")
    bodies = handler.bodies()
    assert bodies[1] == {"name": "products", "data": [{"sku": "a"}]}
    assert bodies[2] == {"name": "products", "url": "https://x.test/p.csv"}
    assert bodies[4] == [{"sku": "b"}]


async def test_workspace_reads() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if (ok := token_ok(request)) is not None:
            return ok
        answers: dict[str, object] = {
            "/v1/workspaces": {"workspaces": [{"id": 1, "name": "acme", "people": 5}]},
            "/v1/object_types": {"types": [{"id": "1", "name": "Companies", "enabled": True}]},
            "/v1/subscription_topics": {"topics": [{"id": 1, "identifier": "topic_1",
                                                     "name": "News"}]},
            "/v1/sender_identities": {"sender_identities": [{"id": 3, "name": "Acme",
                                                             "email": "a@x.test"}], "next": ""},
            "/v1/info/ip_addresses": {"ip_addresses": ["1.2.3.4"]},
            ENV: {"environment": {"id": WORKSPACE_ID, "name": "staging", "region": "us"}},
            "/v1/accounts/current": {"account": {"id": 8, "data_center": "us"}},
        }
        return json_response(200, answers[request.url.path])

    handler = Recorder(respond)
    async with make_client(handler) as client:
        (ws,) = await workspace.list_workspaces(client)
        assert workspace.workspace_count(ws, "people") == 5
        assert (await workspace.list_object_types(client))[0].id == 1
        assert (await workspace.list_subscription_topics(client))[0].identifier == "topic_1"
        assert (await workspace.list_sender_identities(client))[0].email == "a@x.test"
        assert await workspace.ip_addresses(client) == {"ip_addresses": ["1.2.3.4"]}
        assert (await workspace.get_environment(client)).name == "staging"
        assert (await workspace.current_account(client)).data_center == "us"


async def test_wrong_shape_is_protocol_error() -> None:
    handler = Recorder(lambda r: json_response(200, {"segments": [{"id": "x", "name": 3}]}))
    async with make_client(handler) as client:
        with pytest.raises(ApiProtocolError):
            await segments.list_segments(client)
