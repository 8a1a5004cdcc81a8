"""The real client against the embedded workspace: App API segments, campaigns and actions, auth.

The route tests take the parametrized ``client``/``target`` fixtures (``tests/api/conftest.py``),
so each runs twice: in process through ``httpx.ASGITransport`` and over loopback against a
served emulator. The two sides share no code; these tests check that they agree on routes,
bodies, status codes and error shapes. Reliability tests that need the emulator's fake clock or
fault injection run in process only (bottom of the file).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import httpx
import pytest

from cioctl.api import campaigns, data_index, endpoints, segments, snippets, workspace
from cioctl.api.campaigns import Header
from cioctl.api.connect import connect_embedded, credentials
from cioctl.api.errors import (
    ApiAuthError,
    ApiConnectionError,
    ApiForbiddenError,
    ApiNotFound,
    ApiValidationError,
)
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.journeys import campaign_client
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.api.journeys_modeled import TOKEN_PATH
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy
from cioctl.api.secret import Secret
from cioctl.emulator import FaultSpec, create_app

from .conftest import APP_KEY, SA_TOKEN, FakeSleep
from .emulator_target import (
    WS,
    Clock,
    Target,
    attribute_cnf,
    create_flow,
    email_flow,
    error_item,
    flow_json,
)

pytestmark = pytest.mark.anyio


# -- App API segments ------------------------------------------------------------------------


async def test_app_manual_segment_lifecycle(client: ApiClient, target: Target) -> None:
    made = await segments.create_manual_segment(client, "Beta testers", "hand-picked")
    assert made.type == "manual" and made.id == 1
    assert made.id in [s.id for s in await segments.list_segments(client)]
    assert (await segments.get_segment(client, made.id)).name == "Beta testers"
    assert (await segments.segment_used_by(client, made.id)).campaigns == ()
    assert await segments.segment_customer_count(client, made.id) == 0
    members = await client.app.get(f"/v1/segments/{made.id}/membership", params={"limit": 10})
    assert members == {"segment_id": made.id, "identifiers": [], "ids": [], "next": ""}
    await segments.delete_segment(client, made.id)
    deleted = target.wires[0].last("DELETE", f"/v1/segments/{made.id}")
    assert (deleted.status, deleted.response_body) == (204, b"")
    with pytest.raises(ApiNotFound) as info:
        await segments.get_segment(client, made.id)
    assert info.value.status == 404
    assert error_item(target.wires[0].exchanges[-1].response_body)["status"] == "404"


async def test_segment_routes_answer_404_and_400(client: ApiClient) -> None:
    for call in (segments.get_segment, segments.segment_used_by,
                 segments.segment_customer_count, segments.delete_segment):
        with pytest.raises(ApiNotFound):
            await call(client, 999)
    with pytest.raises(ApiNotFound):
        await client.app.get("/v1/segments/999/membership")
    await segments.create_manual_segment(client, "Beta")
    with pytest.raises(ApiValidationError) as info:
        await client.app.get("/v1/segments/1/membership", params={"limit": 0})
    assert info.value.status == 400
    with pytest.raises(ApiValidationError) as bad:
        await client.app.post("/v1/segments", {"segment": {"description": "no name"}})
    assert bad.value.problems[0].pointer == "/segment/name"


# -- App API campaigns and actions -----------------------------------------------------------


async def test_flow_lifecycle_across_both_surfaces(client: ApiClient, target: Target) -> None:
    flow = flow_json("Onboarding", [
        {"wait": "5m"},
        {"email": {"id": "welcome", "subject": "Welcome", "body": "<p>Hi</p>"}},
        {"branch": {"if": {"attribute": "email_verified", "operator": "eq", "value": "true"},
                    "then": [{"email": {"id": "tips", "subject": "Tips", "body": "..."}}],
                    "else": [{"email": {"id": "verify", "subject": "Verify",
                                        "body": "..."}}]}},
    ])
    made = await create_flow(client, flow)
    ids = made.action_ids()
    assert set(ids) == {"welcome", "tips", "verify"}
    # evidence §5: created as type none, then one update_type per concern, state last
    wire = target.wires[0]
    puts = [e.request_json()["campaign"]["update_type"] for e in wire.exchanges
            if e.method == "PUT" and e.path == f"/v1/environments/{WS}/campaigns/{made.id}"]
    assert puts == ["recipients", "add_actions", "exit_conditions", "exit_and_conversion",
                    "state"]
    assert wire.last("POST", f"/v1/environments/{WS}/campaigns").request_json() == {
        "campaign": {"name": "Onboarding", "type": "none", "description": ""}}

    app_view = await campaigns.get_campaign(client, made.id)
    assert app_view.type == "event" and app_view.event_name == "signed_up"
    assert [a.id for a in app_view.actions] == [ids["welcome"], ids["tips"], ids["verify"]]
    actions = await campaigns.list_actions(client, made.id)
    assert [a.subject for a in actions] == ["Welcome", "Tips", "Verify"]
    assert [c.id for c in await campaigns.list_campaigns(client)] == [made.id]

    renamed = await campaign_client.update_flow(client, made.id, {**flow, "name": "Onboarding v2"},
                                                [], campaign_client.context({}, ValueTypes(), {}),
                                                {})
    assert campaigns.message_action_ids(renamed) == ids  # §5: one `details` call, same actions
    listed = await campaigns.list_journeys_campaigns(client)
    assert [(c.id, c.name) for c in listed] == [(made.id, "Onboarding v2")]
    await campaigns.delete_journeys_campaign(client, made.id)
    assert await campaigns.list_campaigns(client) == []
    with pytest.raises(ApiNotFound):
        await campaigns.get_action(client, made.id, ids["welcome"])


async def test_action_put_sends_header_array_and_reads_back_a_json_string(
    client: ApiClient, target: Target,
) -> None:
    flow = await create_flow(client, email_flow("Hello", "welcome"))
    action_id = flow.action_ids()["welcome"]
    path = f"/v1/campaigns/{flow.id}/actions/{action_id}"
    updated = await campaigns.update_action(
        client, flow.id, action_id,
        {"subject": "Welcome!", "headers": [Header("X-Campaign", "onboarding")]},
    )
    sent = target.wires[0].last("PUT", path).request_json()
    assert sent == {"subject": "Welcome!", "headers": [{"name": "X-Campaign",
                                                        "value": "onboarding"}]}
    assert updated.headers == (Header("X-Campaign", "onboarding"),)
    raw = (await client.app.get(path))["action"]
    assert json.loads(raw["headers"]) == [{"name": "X-Campaign", "value": "onboarding"}]
    again = await campaigns.get_action(client, flow.id, action_id)
    assert again.subject == "Welcome!" and again.headers == updated.headers
    assert again.language == "" and again.type == "email"


async def test_actions_page_through_the_cursor(client: ApiClient, target: Target) -> None:
    steps = [f"m{i}" for i in range(23)]
    flow = await create_flow(client, email_flow("Many", *steps))
    actions = await campaigns.list_actions(client, flow.id)
    assert [a.subject for a in actions] == [s.title() for s in steps]
    pages = [e for e in target.wires[0].exchanges if e.path.endswith("/actions")]
    assert [e.query for e in pages] == ["", "start=10", "start=20"]
    assert [len(json.loads(e.response_body)["actions"]) for e in pages] == [10, 10, 3]


async def test_campaign_and_action_errors(client: ApiClient) -> None:
    with pytest.raises(ApiNotFound):
        await campaigns.get_campaign(client, 999)
    with pytest.raises(ApiValidationError) as bad_id:
        await client.app.get("/v1/campaigns/abc")
    assert bad_id.value.status == 400
    flow = await create_flow(client, email_flow("Hello", "welcome"))
    action_id = flow.action_ids()["welcome"]
    with pytest.raises(ApiNotFound):
        await campaigns.get_action(client, flow.id + 1, action_id)
    with pytest.raises(ApiNotFound):  # no translations in the embedded workspace
        await campaigns.get_action(client, flow.id, action_id, language="fr")
    with pytest.raises(ApiNotFound):
        await campaigns.update_action(client, flow.id, action_id, {"subject": "Salut"},
                                      language="fr")
    with pytest.raises(ApiValidationError) as bad_state:
        await campaigns.update_action(client, flow.id, action_id, {"sending_state": "later"})
    assert bad_state.value.status == 400


# -- credentials -----------------------------------------------------------------------------


async def test_wrong_app_key_is_a_401_in_shape_a(target: Target) -> None:
    wrong = target.make(key="canary-wrong-key-000111")
    with pytest.raises(ApiAuthError) as info:
        await segments.list_segments(wrong)
    assert "canary-wrong-key-000111" not in str(info.value)
    item = error_item(target.wires[-1].exchanges[-1].response_body)
    assert item["status"] == "401" and item["code"] == "invalid_credentials"


async def test_token_exchange_once_then_bearer_jwt(client: ApiClient, target: Target) -> None:
    assert (await workspace.current_account(client)).data_center == "us"
    await segments.list_journeys_segments(client)
    await data_index.list_events(client)
    assert client.stats.requests["auth"] == 1
    exchange = target.wires[0].last("POST", TOKEN_PATH)
    assert httpx.QueryParams(exchange.request_body.decode()) == httpx.QueryParams(
        {"grant_type": "client_credentials", "client_secret": SA_TOKEN})
    grant = json.loads(exchange.response_body)
    assert grant["token_type"] == "Bearer" and grant["expires_in"] == 3600
    assert grant["access_token"].count(".") == 2


async def test_bad_service_account_is_refused_at_the_exchange(target: Target) -> None:
    wrong = target.make(service_account="canary-wrong-sa-000222")
    with pytest.raises(ApiAuthError) as info:
        await workspace.get_environment(wrong)
    assert "canary-wrong-sa-000222" not in str(info.value)
    exchange = target.wires[-1].last("POST", TOKEN_PATH)
    assert exchange.status == 401
    assert error_item(exchange.response_body)["code"] == "invalid_credentials"


async def test_read_only_token_reads_but_cannot_write(target: Target) -> None:
    reader = target.make(token_scope="read_only")
    assert await segments.list_journeys_segments(reader) == []
    with pytest.raises(ApiForbiddenError) as info:
        await segments.create_journeys_segment(reader, "x", conditions=attribute_cnf("a", "x"))
    assert info.value.status == 403
    exchange = target.wires[-1].last("POST", TOKEN_PATH)
    assert httpx.QueryParams(exchange.request_body.decode())["scope"] == "read_only"


async def test_another_workspace_id_is_404(target: Target) -> None:
    other = target.make(workspace_id=WS + 1)
    with pytest.raises(ApiNotFound):
        await workspace.get_environment(other)
    with pytest.raises(ApiNotFound):
        await segments.list_journeys_segments(other)


# -- in process only: fake clock, rate limit, fault injection --------------------------------


def build(tmp_path: Path, clock: Clock, *, rate_limit: bool = False, key: str = APP_KEY,
          sleep: Any = None, faults: str | None = None, attempts: int = 5) -> ApiClient:
    app = create_app(
        tmp_path / "embedded.sqlite3", workspace_id=WS,
        app_api_keys=frozenset({APP_KEY}), service_account_tokens=frozenset({SA_TOKEN}),
        rate_limit=rate_limit, clock=clock, seed=11,
        faults=FaultSpec.parse(faults) if faults else None,
    )
    return ApiClient(
        endpoints.for_override("http://127.0.0.1:8765"),
        Credentials(app_api_key=Secret(key), service_account=Secret(SA_TOKEN)),
        workspace_id=WS,
        transport=httpx.ASGITransport(app=app),
        retry=RetryPolicy(max_attempts=attempts, sleep=sleep or clock.sleep, clock=clock,
                          random=random.Random(3)),
        limiter=RateLimiter(enabled=False),
        clock=clock,
    )


async def test_rate_limit_429_is_absorbed_by_retries(tmp_path: Path) -> None:
    clock = Clock()
    sleep = FakeSleep()

    async def sleep_and_advance(seconds: float) -> None:
        await sleep(seconds)
        await clock.sleep(seconds)

    async with build(tmp_path, clock, rate_limit=True, sleep=sleep_and_advance) as c:
        for _ in range(15):
            await segments.list_segments(c)
    assert c.stats.requests["app"] > 15  # some were refused with 429 ...
    assert sleep.slept and all(s >= 1 for s in sleep.slept)  # ... and waited Retry-After


async def test_reads_survive_injected_5xx_and_dropped_connections(tmp_path: Path) -> None:
    async with build(tmp_path, Clock(), faults="5xx=0.3,drop=0.2", attempts=10) as c:
        for _ in range(20):
            assert await segments.list_segments(c) == []
        await data_index.list_events(c)
    assert c.stats.retries > 0


async def test_lost_create_is_not_retried_and_landed(tmp_path: Path) -> None:
    async with build(tmp_path, Clock(), faults="lost=1.0") as c:
        with pytest.raises(ApiConnectionError):
            await segments.create_manual_segment(c, "Beta")
        assert c.stats.requests["app"] == 1  # a POST whose answer was lost is not resent
    async with build(tmp_path, Clock()) as c:  # same database, no faults: re-read
        assert [s.name for s in await segments.list_segments(c)] == ["Beta"]


async def test_connect_embedded_runs_the_same_client(tmp_path: Path) -> None:
    app = create_app(
        tmp_path / "e.sqlite3", workspace_id=WS, app_api_keys=frozenset({APP_KEY}),
        service_account_tokens=frozenset({SA_TOKEN}), rate_limit=False,
    )
    creds = credentials(APP_KEY, SA_TOKEN)
    async with connect_embedded(app, creds, workspace_id=WS, throttle=False) as c:
        await snippets.create_snippet(c, "hello", "world")
        assert (await workspace.get_environment(c)).id == WS
        assert APP_KEY not in repr(c)
    assert c.stats.requests == {"app": 1, "auth": 1, "journeys": 1}
