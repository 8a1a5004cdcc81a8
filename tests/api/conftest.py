"""Fixtures for the API client tests: handler fakes over a real ``httpx.MockTransport``, the
real client against the embedded workspace (in process and over loopback), and vcrpy."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from cioctl.api import endpoints
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy
from cioctl.api.secret import Secret
from cioctl.emulator import create_app, running_emulator

from .cassette_scrub import vcr_settings
from .emulator_target import EMBEDDED_BASE, WS, Backend, Clock, Served, Target, snapshot

APP_KEY = "canary-app-key-XYZ123"
SA_TOKEN = "canary-sa-token-QRS789"
JWT = "canary-jwt-ABC456"
WORKSPACE_ID = 111111

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class FakeSleep:
    """Records requested sleeps instead of sleeping."""

    slept: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


@dataclass
class Recorder:
    """A MockTransport handler: records each request and answers with ``respond``."""

    respond: Handler
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def bodies(self) -> list[Any]:
        """JSON bodies of the requests (None for empty or form bodies)."""
        return [
            json.loads(r.content) if r.headers.get("content-type") == "application/json" else None
            for r in self.requests
        ]


def json_response(status: int, body: Any = None, **headers: str) -> httpx.Response:
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def make_client(
    handler: Handler,
    *,
    sleep: FakeSleep | None = None,
    app_key: str | None = APP_KEY,
    service_account: str | None = SA_TOKEN,
    max_attempts: int = 5,
    throttle_budget: float = 120.0,
    clock: Callable[[], float] | None = None,
    limiter: RateLimiter | None = None,
) -> ApiClient:
    """A client over ``handler`` that never really sleeps nor (unless given a limiter)
    throttles."""
    fake_sleep = sleep or FakeSleep()
    retry = RetryPolicy(
        max_attempts=max_attempts, throttle_budget=throttle_budget, sleep=fake_sleep,
        random=random.Random(7), clock=lambda: 0.0,
    )
    creds = Credentials(
        app_api_key=Secret(app_key) if app_key else None,
        service_account=Secret(service_account) if service_account else None,
        app_api_key_source="env CIO_TEST_APP_API_KEY",
        service_account_source="env CIO_TEST_SERVICE_ACCOUNT",
    )
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    return ApiClient(
        endpoints.for_region("us"),
        creds,
        workspace_id=WORKSPACE_ID,
        transport=httpx.MockTransport(handler),
        retry=retry,
        limiter=limiter or RateLimiter(enabled=False),
        **extra,
    )


def token_ok(request: httpx.Request) -> httpx.Response | None:
    """Answer the token exchange, or None for other requests."""
    if request.url.path == "/v1/service_accounts/oauth/token":
        return json_response(200, {"access_token": JWT, "token_type": "Bearer", "expires_in": 3600})
    return None


# -- the real client against the embedded workspace, in process and over loopback -----------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One served emulator per test module (and xdist worker), on a free loopback port."""
    db = tmp_path_factory.mktemp("served") / "embedded.sqlite3"
    with running_emulator(
        db, rate_limit=False, workspace_id=WS, app_api_keys=frozenset({APP_KEY}),
        service_account_tokens=frozenset({SA_TOKEN}),
    ) as url:
        yield Served(url, db, snapshot(db))


@pytest.fixture(params=["asgi", "loopback"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """The embedded workspace in process (ASGI) or served on loopback, in a fresh state."""
    if request.param == "loopback":
        server: Served = request.getfixturevalue("served")
        server.reset()
        return Backend("loopback", server.url, server.db_path, httpx.AsyncHTTPTransport)
    clock = Clock()
    db = tmp_path / "embedded.sqlite3"
    app = create_app(
        db, workspace_id=WS, app_api_keys=frozenset({APP_KEY}),
        service_account_tokens=frozenset({SA_TOKEN}), rate_limit=False, clock=clock, seed=11,
    )
    return Backend("asgi", EMBEDDED_BASE, db, lambda: httpx.ASGITransport(app=app),
                   clock=clock, sleep=clock.sleep)


@pytest.fixture
async def target(backend: Backend) -> AsyncIterator[Target]:
    made = Target(backend, APP_KEY, SA_TOKEN)
    try:
        yield made
    finally:
        await made.aclose()


@pytest.fixture
def client(target: Target) -> ApiClient:
    """The real client on the parametrized backend (its wire log is ``target.wires[0]``)."""
    return target.make()


# -- vcrpy cassettes (pytest-recording) ------------------------------------------------------


@pytest.fixture
def vcr_config(record_mode: str) -> dict[str, Any]:
    """Record mode from ``--record-mode`` (default ``none``: replay only), credentials
    scrubbed before anything is written, requests matched without host and port."""
    return vcr_settings(record_mode)
