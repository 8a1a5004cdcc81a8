from __future__ import annotations

import logging
import socket
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from cioctl.api import snippets
from cioctl.api.connect import connect, credentials
from cioctl.api.endpoints import Surface
from cioctl.api.errors import (
    ApiAuthError,
    ApiConnectionError,
    ApiForbiddenError,
    ApiNotFound,
    ApiProtocolError,
    ApiValidationError,
    MissingCredentialError,
)
from cioctl.emulator import LOCAL_APP_API_KEY, FaultSpec, running_emulator
from cioctl.errors import ApiError, CioctlError

from .conftest import (
    APP_KEY,
    JWT,
    SA_TOKEN,
    WORKSPACE_ID,
    Recorder,
    json_response,
    make_client,
    token_ok,
)

pytestmark = pytest.mark.anyio
CANARIES = (APP_KEY, SA_TOKEN, JWT)


async def test_app_requests_carry_the_bearer_key() -> None:
    handler = Recorder(lambda r: json_response(200, {"segments": []}))
    async with make_client(handler) as client:
        await client.app.get("/v1/segments")
    request = handler.requests[0]
    assert str(request.url) == "https://api.customer.io/v1/segments"
    assert request.headers["authorization"] == f"Bearer {APP_KEY}"


async def test_journeys_token_exchanged_once_and_cached() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        return token_ok(request) or json_response(200, {"segments": [], "meta": {}})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        for _ in range(3):
            await client.journeys.get(client.env_path("segments"))
    exchange, *calls = handler.requests
    assert str(exchange.url) == "https://us.fly.customer.io/v1/service_accounts/oauth/token"
    assert exchange.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(exchange.content.decode()) == {
        "grant_type": ["client_credentials"], "client_secret": [SA_TOKEN],
    }
    assert "authorization" not in exchange.headers
    assert [c.url.path for c in calls] == [f"/v1/environments/{WORKSPACE_ID}/segments"] * 3
    assert all(c.headers["authorization"] == f"Bearer {JWT}" for c in calls)
    assert client.stats.requests == {"auth": 1, "journeys": 3}


async def test_token_refreshed_when_expired() -> None:
    now = [0.0]
    handler = Recorder(lambda r: token_ok(r) or json_response(200, {}))
    async with make_client(handler, clock=lambda: now[0]) as client:
        await client.journeys.get("/v1/accounts/current")
        now[0] = 3539.0
        await client.journeys.get("/v1/accounts/current")
        now[0] = 3541.0
        await client.journeys.get("/v1/accounts/current")
    assert client.stats.requests["auth"] == 2


async def test_token_refreshed_once_on_401() -> None:
    seen: list[str] = []

    def respond(request: httpx.Request) -> httpx.Response:
        if (ok := token_ok(request)) is not None:
            return ok
        seen.append(request.headers["authorization"])
        if len(seen) == 1:
            return json_response(401, {"errors": [{"detail": "token expired", "status": "401"}]})
        return json_response(200, {"environment": {"id": 1, "name": "x"}})

    handler = Recorder(respond)
    async with make_client(handler) as client:
        body = await client.journeys.get(client.env_path())
    assert body["environment"]["id"] == 1
    assert handler.paths().count("/v1/service_accounts/oauth/token") == 2


async def test_persistent_401_on_journeys_is_auth_error_with_hint() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        return token_ok(request) or json_response(
            401, {"errors": [{"detail": "invalid token", "status": "401"}]}
        )

    handler = Recorder(respond)
    async with make_client(handler) as client:
        with pytest.raises(ApiAuthError) as info:
            await client.journeys.get(client.env_path("segments"))
    assert len(handler.requests) == 4  # token, call, token again, call again
    assert "CIO_TEST_SERVICE_ACCOUNT" in (info.value.hint or "")


async def test_bad_service_account_fails_at_exchange() -> None:
    handler = Recorder(
        lambda r: json_response(401, {"errors": [{"detail": "bad secret", "status": "401"}]})
    )
    async with make_client(handler) as client:
        with pytest.raises(ApiAuthError) as info:
            await client.journeys.get(client.env_path("segments"))
    assert "oauth/token" in str(info.value)
    assert "service-account" in (info.value.hint or "")


async def test_app_401_names_the_env_var_not_the_value() -> None:
    body = {"errors": [{"detail": "Unauthorized", "status": "401"}]}
    handler = Recorder(lambda r: json_response(401, body))
    async with make_client(handler) as client:
        with pytest.raises(ApiAuthError) as info:
            await client.app.get("/v1/segments")
    assert "CIO_TEST_APP_API_KEY" in str(info.value)
    assert APP_KEY not in str(info.value)


async def test_missing_credentials_are_config_errors() -> None:
    handler = Recorder(lambda r: json_response(200, {}))
    async with make_client(handler, app_key=None, service_account=None) as client:
        with pytest.raises(MissingCredentialError, match="App API key") as app:
            await client.app.get("/v1/segments")
        with pytest.raises(MissingCredentialError, match="service account") as sa:
            await client.journeys.get(client.env_path("segments"))
        assert not client.has_credential(Surface.APP)
    assert "CIO_TEST_APP_API_KEY" in (app.value.hint or "")
    assert "CIO_TEST_SERVICE_ACCOUNT" in (sa.value.hint or "")
    assert handler.requests == []


async def test_no_auth_request() -> None:
    handler = Recorder(lambda r: json_response(200, {"ip_addresses": []}))
    async with make_client(handler, app_key=None) as client:
        await client.request(Surface.APP, "GET", "/v1/info/ip_addresses", auth=False)
    assert "authorization" not in handler.requests[0].headers


@pytest.mark.parametrize(
    ("status", "body", "cls", "detail"),
    [
        (
            422,
            {"errors": [{"detail": "name already exists", "status": "422",
                         "source": {"pointer": "/name"}}]},
            ApiValidationError,
            "/name: name already exists",
        ),
        (
            400,
            {"errors": [{"detail": "Invalid request format", "status": "400"}]},
            ApiValidationError,
            "Invalid request format",
        ),
        (
            422,
            {"errors": [{"detail": "a", "source": {"pointer": "/x"}}, {"detail": "b"}]},
            ApiValidationError,
            "/x: a; b",
        ),
        (400, {"meta": {"error": "content not in message"}}, ApiValidationError,
         "content not in message"),
        (404, None, ApiNotFound, None),
        (404, {"errors": [{"detail": "not found", "status": "404"}]}, ApiNotFound, "not found"),
        (403, {"errors": [{"detail": "read only", "status": "403"}]}, ApiForbiddenError,
         "read only"),
        (409, {"errors": [{"detail": "conflict", "status": "409"}]}, ApiError, "conflict"),
    ],
)
async def test_error_mapping(status: int, body: object, cls: type[ApiError], detail: str) -> None:
    handler = Recorder(lambda r: json_response(status, body, **{"x-request-id": "req-42"}))
    async with make_client(handler) as client:
        with pytest.raises(cls) as info:
            await client.app.post("/v1/snippets", {"name": "a", "value": "b"})
    err = info.value
    assert type(err) is cls and isinstance(err, CioctlError)
    assert err.status == status
    assert err.request_id == "req-42"
    assert err.detail == detail
    assert "POST /v1/snippets" in str(err) and "req-42" in str(err)


async def test_validation_error_keeps_pointers() -> None:
    body = {"errors": [{"detail": "bad", "status": "400",
                        "source": {"pointer": "/segment/conditions/and/1/attribute"}}]}
    handler = Recorder(lambda r: json_response(400, body))
    async with make_client(handler) as client:
        with pytest.raises(ApiValidationError) as info:
            await client.app.post("/v1/segments", {})
    assert [p.pointer for p in info.value.problems] == ["/segment/conditions/and/1/attribute"]


async def test_undocumented_error_body_text_is_detail() -> None:
    handler = Recorder(lambda r: httpx.Response(400, text="nope"))
    async with make_client(handler) as client:
        with pytest.raises(ApiValidationError) as info:
            await client.app.get("/v1/campaigns/x")
    assert info.value.detail == "nope"


async def test_empty_and_non_json_bodies() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, text="<html>")

    handler = Recorder(respond)
    async with make_client(handler) as client:
        assert await client.app.delete("/v1/segments/1") is None
        with pytest.raises(ApiProtocolError):
            await client.app.get("/v1/segments")


async def test_canary_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cioctl")

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/boom"):
            raise httpx.ConnectError(f"refused {request.headers.get('authorization', '')[:0]}")
        if (ok := token_ok(request)) is not None:
            return ok
        jwt = JWT if request.url.host.endswith("fly.customer.io") else ""
        echoed = f"key {APP_KEY} / {jwt} / {SA_TOKEN} rejected"
        return json_response(401, {"errors": [{"detail": echoed, "status": "401"}]})

    handler = Recorder(respond)
    client = make_client(handler)
    texts = [repr(client), str(client), repr(client.app), repr(client._credentials)]
    for call in (
        client.app.get("/v1/segments"),
        client.journeys.get(client.env_path("segments")),
        client.app.post("/boom", {}),
    ):
        with pytest.raises(ApiError) as info:
            await call
        err = info.value
        texts += [str(err), repr(err), err.detail or "", err.hint or "", err.message]
    await client.aclose()
    texts += [r.getMessage() for r in caplog.records]
    assert caplog.records, "expected debug logging"
    for text in texts:
        for canary in CANARIES:
            assert canary not in text, text


async def test_connection_error_mentions_emulator_for_loopback() -> None:
    from cioctl.api import endpoints
    from cioctl.api.http import ApiClient, Credentials

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    client = ApiClient(
        endpoints.for_override("http://127.0.0.1:9"),
        Credentials(),
        transport=httpx.MockTransport(refuse),
    )
    client._retry = client._retry.__class__(max_attempts=1)
    with pytest.raises(ApiConnectionError) as info:
        await client.request(Surface.APP, "GET", "/v1/info/ip_addresses", auth=False)
    await client.aclose()
    assert "emulator" in (info.value.hint or "")


async def test_a_dropped_connection_is_reported_as_dropped(tmp_path: Path) -> None:
    """Over real TCP: the served emulator drops every connection (its faults), so the client
    got a connection and lost it — not "is the emulator running?"."""
    spec = FaultSpec.parse("drop=1.0")
    with running_emulator(tmp_path / "db.sqlite3", faults=spec, rate_limit=False) as url:
        async with connect(credentials(LOCAL_APP_API_KEY), endpoint=url, throttle=False,
                           max_attempts=2) as client:
            with pytest.raises(ApiConnectionError) as info:
                await snippets.list_snippets(client)
    message, hint = info.value.message, info.value.hint or ""
    assert "dropped by the server or reset" in message and "(2 attempts)" in message
    assert "emulator running" not in hint


async def test_a_refused_connection_asks_whether_the_emulator_runs() -> None:
    with socket.socket() as sock:  # a loopback port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with connect(credentials(LOCAL_APP_API_KEY), endpoint=f"http://127.0.0.1:{port}",
                       throttle=False, max_attempts=1) as client:
        with pytest.raises(ApiConnectionError) as info:
            await snippets.list_snippets(client)
    assert "could not connect" in info.value.message
    assert "is the emulator running?" in (info.value.hint or "")


async def test_a_dropped_write_says_it_may_have_landed() -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    async with make_client(Recorder(drop)) as client:
        with pytest.raises(ApiConnectionError) as info:
            await client.app.post("/v1/segments", {"segment": {"name": "x"}})
    assert "dropped by the server or reset" in info.value.message
    assert "may have landed" in (info.value.hint or "")
