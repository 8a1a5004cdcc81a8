"""The real client against the embedded workspace, in process through ``httpx.ASGITransport``.

The two sides share no code; these tests check that they agree on routes, bodies, status codes
and error shapes for the main routes of both surfaces.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

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
    workspace,
)
from cioctl.api import journeys_modeled as jm
from cioctl.api.campaigns import Header
from cioctl.api.connect import connect_embedded, credentials
from cioctl.api.errors import (
    ApiAuthError,
    ApiConnectionError,
    ApiNotFound,
    ApiValidationError,
)
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy
from cioctl.api.secret import Secret
from cioctl.emulator import FaultSpec, create_app

from .conftest import APP_KEY, SA_TOKEN, FakeSleep

pytestmark = pytest.mark.anyio
WS = 424242


class Clock:
    """One fake clock for the emulator (wall time) and the client (sleep advances it)."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


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


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[ApiClient]:
    async with build(tmp_path, Clock()) as c:
        yield c


async def test_app_manual_segment_lifecycle(client: ApiClient) -> None:
    made = await segments.create_manual_segment(client, "Beta testers", "hand-picked")
    assert made.type == "manual"
    assert made.id in [s.id for s in await segments.list_segments(client)]
    assert (await segments.get_segment(client, made.id)).name == "Beta testers"
    assert (await segments.segment_used_by(client, made.id)).campaigns == ()
    assert await segments.segment_customer_count(client, made.id) == 0
    await segments.delete_segment(client, made.id)
    with pytest.raises(ApiNotFound) as info:
        await segments.get_segment(client, made.id)
    assert info.value.status == 404


async def test_journeys_dynamic_segment_lifecycle(client: ApiClient) -> None:
    cond = jm.all_of(
        jm.attribute("plan", "eq", "pro"),
        jm.event("feature_used", count=3, within_seconds=30 * 86400,
                 filters=[jm.event_filter("feature", "eq", "export")]),
    )
    made = await segments.create_journeys_segment(client, "Pro", conditions=cond, tags=["t"])
    assert made.conditions == cond and made.type == "dynamic"
    changed = await segments.update_journeys_segment(client, made.id, name="Pro plan")
    assert changed.name == "Pro plan" and changed.conditions == cond
    listed = await segments.list_journeys_segments(client)
    assert [s.id for s in listed] == [made.id]
    app_view = await segments.get_segment(client, made.id)
    assert app_view.name == "Pro plan" and app_view.type == "dynamic"
    await segments.delete_journeys_segment(client, made.id)
    assert await segments.list_journeys_segments(client) == []


async def test_journeys_bad_conditions_carry_the_pointer(client: ApiClient) -> None:
    bad = jm.all_of(jm.attribute("plan", "eq", "pro"), {"attribute": {"field": "x"}})
    with pytest.raises(ApiValidationError) as info:
        await segments.create_journeys_segment(client, "Bad", conditions=bad)
    assert info.value.status == 400
    assert any(p.pointer and p.pointer.startswith("/segment/conditions")
               for p in info.value.problems)


async def test_flow_lifecycle_across_both_surfaces(client: ApiClient) -> None:
    spec = jm.CampaignSpec(
        name="Onboarding",
        trigger=jm.event_trigger("signed_up"),
        frequency="once",
        workflow=[
            jm.delay_step(300),
            jm.message_step("email", "welcome", {"subject": "Welcome", "body": "<p>Hi</p>"}),
            jm.branch_step(
                jm.attribute("email_verified", "eq", True),
                [jm.message_step("email", "tips", {"subject": "Tips", "body": "..."})],
                [jm.message_step("email", "verify", {"subject": "Verify", "body": "..."})],
            ),
        ],
    )
    flow = await campaigns.create_journeys_campaign(client, spec)
    ids = flow.action_ids()
    assert set(ids) == {"welcome", "tips", "verify"}

    app_view = await campaigns.get_campaign(client, flow.id)
    assert app_view.type == "event" and app_view.event_name == "signed_up"
    assert {a.id for a in app_view.actions} == set(ids.values())
    actions = await campaigns.list_actions(client, flow.id)
    assert {a.subject for a in actions} == {"Welcome", "Tips", "Verify"}

    updated = await campaigns.update_action(
        client, flow.id, ids["welcome"],
        {"subject": "Welcome!", "headers": [Header("X-Campaign", "onboarding")]},
    )
    assert updated.headers == (Header("X-Campaign", "onboarding"),)
    again = await campaigns.get_action(client, flow.id, ids["welcome"])
    assert again.subject == "Welcome!" and again.headers == updated.headers

    renamed = await campaigns.update_journeys_campaign(client, flow.id, name="Onboarding v2")
    assert renamed.name == "Onboarding v2" and renamed.action_ids() == ids
    assert [c.id for c in await campaigns.list_journeys_campaigns(client)] == [flow.id]
    await campaigns.delete_journeys_campaign(client, flow.id)
    assert await campaigns.list_campaigns(client) == []


async def test_actions_page_through_the_cursor(client: ApiClient) -> None:
    steps = [jm.message_step("email", f"m{i}", {"subject": f"S{i}", "body": "b"})
             for i in range(23)]
    spec = jm.CampaignSpec("Many", jm.event_trigger("signed_up"), workflow=steps)
    flow = await campaigns.create_journeys_campaign(client, spec)
    before = client.stats.requests["app"]
    actions = await campaigns.list_actions(client, flow.id)
    assert len(actions) == 23
    assert client.stats.requests["app"] - before == 3


async def test_snippets_collections_webhooks(client: ApiClient) -> None:
    await snippets.create_snippet(client, "footer", "Thanks, {{ customer.first_name }}")
    with pytest.raises(ApiValidationError) as dup:
        await snippets.create_snippet(client, "footer", "again")
    assert dup.value.status == 422
    await snippets.update_snippet(client, "footer", "Bye")
    assert [(s.name, s.value) for s in await snippets.list_snippets(client)] == [("footer", "Bye")]
    await snippets.delete_snippet(client, "footer")
    assert await snippets.list_snippets(client) == []

    coll = await collections.create_collection(client, "products", data=[{"sku": "a"}])
    await collections.put_collection_content(client, coll.id, [{"sku": "b"}, {"sku": "c"}])
    assert await collections.get_collection_content(client, coll.id) == [{"sku": "b"}, {"sku": "c"}]
    assert (await collections.get_collection(client, coll.id)).rows == 2
    await collections.delete_collection(client, coll.id)
    assert await collections.list_collections(client) == []

    body = reporting_webhooks.webhook_body("ops", "https://hooks.example.test/cio",
                                           ["email_sent", "email_bounced"])
    hook = await reporting_webhooks.create_webhook(client, body)
    assert hook.events == ("email_sent", "email_bounced")
    body["disabled"] = True
    assert (await reporting_webhooks.update_webhook(client, hook.id, body)).disabled
    assert await reporting_webhooks.list_webhooks(client) == [
        await reporting_webhooks.get_webhook(client, hook.id)
    ]
    await reporting_webhooks.delete_webhook(client, hook.id)
    assert await reporting_webhooks.list_webhooks(client) == []


async def test_data_index_written_in_chunks_and_read_back(client: ApiClient) -> None:
    metas = [data_index.AttributeMeta(f"attr_{i:03}", description=f"d{i}") for i in range(250)]
    assert await data_index.update_attributes(client, metas) == 3
    await data_index.update_events(client, [data_index.EventMeta("signed_up", "A signup")])
    attrs = await data_index.list_attributes(client)
    assert {a.name for a in attrs} == {m.name for m in metas}
    assert [(e.name, e.description) for e in await data_index.list_events(client)] == [
        ("signed_up", "A signup")
    ]


async def test_workspace_reads(client: ApiClient) -> None:
    env = await workspace.get_environment(client)
    assert env.id == WS
    assert (await workspace.current_account(client)).data_center in ("us", "eu")
    await workspace.list_workspaces(client)
    await workspace.list_object_types(client)
    await workspace.list_subscription_topics(client)
    await workspace.list_sender_identities(client)
    await workspace.ip_addresses(client)
    assert client.stats.requests["auth"] == 1


async def test_wrong_app_key_is_auth_error(tmp_path: Path) -> None:
    async with build(tmp_path, Clock(), key="canary-wrong-key-000111") as c:
        with pytest.raises(ApiAuthError) as info:
            await segments.list_segments(c)
    assert "canary-wrong-key-000111" not in str(info.value)


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
