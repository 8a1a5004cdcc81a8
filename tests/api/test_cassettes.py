"""The real client replayed from vcrpy cassettes (``tests/api/cassettes/test_cassettes/``).

By default (record mode ``none``) no server runs and the network is blocked: the client points
at ``http://127.0.0.1:9`` and every answer comes from the cassette, matched on method, path,
query and body (never host or port). To re-record against a served emulator that accepts only
canary credentials::

    .venv/bin/pytest --record-mode=rewrite tests/api/test_cassettes.py \
        tests/test_no_credentials_in_cassettes.py

The hooks in :mod:`tests.api.cassette_scrub` redact credentials before anything is written;
``tests/test_no_credentials_in_cassettes.py`` fails if one slipped through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

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
from cioctl.api.connect import connect, credentials
from cioctl.api.errors import ApiAuthError, ApiNotFound, ApiValidationError
from cioctl.api.http import ApiClient
from cioctl.emulator import running_emulator

from .cassette_scrub import CANARY_APP_KEY, CANARY_SERVICE_ACCOUNT
from .emulator_target import WS, attribute_cnf, create_flow, email_flow

pytestmark = [pytest.mark.anyio, pytest.mark.vcr, pytest.mark.block_network]

REPLAY_ENDPOINT = "http://127.0.0.1:9"
"""Nothing listens here (discard port); in replay no request leaves the process anyway."""


@pytest.fixture
def endpoint(record_mode: str, tmp_path: Path) -> Iterator[str]:
    """A served emulator with the canary credentials when recording; else a dead address."""
    if record_mode == "none":
        yield REPLAY_ENDPOINT
        return
    with running_emulator(
        tmp_path / "recorded.sqlite3", rate_limit=False, workspace_id=WS,
        app_api_keys=frozenset({CANARY_APP_KEY}),
        service_account_tokens=frozenset({CANARY_SERVICE_ACCOUNT}),
    ) as url:
        yield url


@pytest.fixture(autouse=True)
def _whole_cassette_played(vcr: Any, record_mode: str) -> Iterator[None]:
    """In replay, a test must use its cassette, all of it (no stale or vacuous cassettes)."""
    yield
    if record_mode == "none" and vcr is not None:  # None under --disable-recording
        assert len(vcr) > 0, "empty cassette"
        assert vcr.all_played, "the cassette has requests this test no longer makes"


def make(endpoint: str, app_key: str = CANARY_APP_KEY,
         service_account: str = CANARY_SERVICE_ACCOUNT) -> ApiClient:
    return connect(credentials(app_key, service_account), endpoint=endpoint, workspace_id=WS,
                   throttle=False, max_attempts=1)


@pytest.fixture
async def client(endpoint: str) -> AsyncIterator[ApiClient]:
    async with make(endpoint) as c:
        yield c


async def test_app_segments_and_snippets(client: ApiClient) -> None:
    made = await segments.create_manual_segment(client, "Beta testers", "hand-picked")
    assert [s.name for s in await segments.list_segments(client)] == ["Beta testers"]
    assert (await segments.segment_used_by(client, made.id)).campaigns == ()
    assert await segments.segment_customer_count(client, made.id) == 0
    await segments.delete_segment(client, made.id)
    with pytest.raises(ApiNotFound):
        await segments.get_segment(client, made.id)

    await snippets.create_snippet(client, "footer", "Thanks, {{ customer.first_name }}")
    with pytest.raises(ApiValidationError) as dup:
        await snippets.create_snippet(client, "footer", "again")
    assert dup.value.status == 422 and dup.value.problems[0].pointer == "/name"
    await snippets.update_snippet(client, "footer", "Bye")
    assert [(s.name, s.value) for s in await snippets.list_snippets(client)] == [("footer", "Bye")]
    await snippets.delete_snippet(client, "footer")


async def test_flow_through_both_surfaces(client: ApiClient) -> None:
    segment = await segments.create_journeys_segment(
        client, "Pro", conditions=attribute_cnf("plan", "pro"))
    await segments.wait_until_built(client, segment.id)
    await snippets.create_snippet(client, "sig", "-- the team")
    steps = [f"m{i}" for i in range(12)]
    spec = email_flow("Onboarding", *steps, filter={"segment": "pro"})
    flow = await create_flow(client, spec, segment_ids={"pro": segment.id})
    ids = flow.action_ids()
    app_view = await campaigns.get_campaign(client, flow.id)
    assert app_view.filter_segment_ids == (segment.id,)
    assert len(await campaigns.list_actions(client, flow.id)) == 12  # two cursor pages

    updated = await campaigns.update_action(
        client, flow.id, ids["m0"],
        {"body": "<p>Hi</p>{{ snippets.sig }}", "headers": [Header("X-Flow", "onboarding")]},
    )
    assert updated.headers == (Header("X-Flow", "onboarding"),)
    with pytest.raises(ApiValidationError) as in_use:
        await snippets.delete_snippet(client, "sig")
    assert in_use.value.status == 400
    assert (await segments.segment_used_by(client, segment.id)).campaigns == (flow.id,)
    await campaigns.delete_journeys_campaign(client, flow.id)
    await snippets.delete_snippet(client, "sig")
    assert await campaigns.list_journeys_campaigns(client) == []
    assert client.stats.requests["auth"] == 1


async def test_collections_webhooks_and_data_index(client: ApiClient) -> None:
    coll = await collections.create_collection(client, "products", data=[{"sku": "a"}])
    await collections.put_collection_content(client, coll.id, [{"sku": "b"}])
    assert await collections.get_collection_content(client, coll.id) == [{"sku": "b"}]
    await collections.delete_collection(client, coll.id)

    body = reporting_webhooks.webhook_body("ops", "https://hooks.example.test/cio",
                                           ["email_sent"])
    hook = await reporting_webhooks.create_webhook(client, body)
    assert await client.app.delete(f"/v1/reporting_webhooks/{hook.id}") is None  # 200, empty
    assert await reporting_webhooks.list_webhooks(client) == []

    metas = [data_index.AttributeMeta(f"attr_{i:03}") for i in range(120)]
    assert await data_index.update_attributes(client, metas) == 2
    await data_index.update_events(client, [data_index.EventMeta("signed_up", "A signup")])
    assert len(await data_index.list_attributes(client)) == 120
    assert [e.name for e in await data_index.list_events(client)] == ["signed_up"]
    with pytest.raises(ApiValidationError) as empty:
        await client.app.post("/v1/data_index/events", {"events": []})
    assert str(empty.value.problems[0]) == "/data/events/events: Empty events array"


async def test_workspace_reads(client: ApiClient) -> None:
    assert (await workspace.get_environment(client)).id == WS
    assert (await workspace.current_account(client)).data_center == "us"
    assert [w.id for w in await workspace.list_workspaces(client)] == [WS]
    assert await workspace.list_object_types(client)
    assert await workspace.list_subscription_topics(client)
    assert await workspace.list_sender_identities(client)
    assert await workspace.ip_addresses(client)


async def test_wrong_credentials_are_refused(endpoint: str) -> None:
    async with make(endpoint, app_key="canary-app-key-wrong-0000") as wrong_key:
        with pytest.raises(ApiAuthError):
            await segments.list_segments(wrong_key)
    async with make(endpoint, service_account="canary-sa-token-wrong-0000") as wrong_sa:
        with pytest.raises(ApiAuthError):
            await workspace.get_environment(wrong_sa)
