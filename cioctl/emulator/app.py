"""The embedded workspace: one Starlette app serving the App API and the Journeys routes.

Middleware, outermost first: fault injection (when configured), then the gate (the workspace's
10 req/s limit, then credentials), then the routes. Every error is answered in shape A.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cioctl.emulator import (
    auth,
    broadcasts,
    campaigns,
    collections,
    data_index,
    journeys,
    journeys_data_index,
    readonly,
    segments,
    snippets,
    webhooks,
)
from cioctl.emulator.context import Workspace
from cioctl.emulator.faults import FaultMiddleware, Faults, FaultSpec
from cioctl.emulator.journeys_common import LIVE_DATA_KEY
from cioctl.emulator.limits import SlidingWindow, rate_limited_detail
from cioctl.emulator.store import Store
from cioctl.emulator.web import ApiError

RATE_LIMIT = 10
RATE_WINDOW = 1.0
TRIGGER_WINDOW = 10.0

ROUTES = [
    *auth.ROUTES, *journeys.ROUTES, *segments.ROUTES, *campaigns.ROUTES, *broadcasts.ROUTES,
    *snippets.ROUTES, *collections.ROUTES, *webhooks.ROUTES, *data_index.ROUTES,
    *readonly.ROUTES,
    *journeys_data_index.ROUTES,
]


class Gate:
    """The workspace-wide rate limit, then the credential check, before any route runs."""

    def __init__(self, app: ASGIApp, workspace: Workspace) -> None:
        self.app = app
        self.ws = workspace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                self._admit(scope)
            except ApiError as error:
                await error.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _admit(self, scope: Scope) -> None:
        path: str = scope["path"]
        if self.ws.rate_limit and path != "/v1/info/ip_addresses":
            wait = self.ws.limiter.admit()
            if wait is not None:
                detail = rate_limited_detail(RATE_LIMIT, RATE_WINDOW, f"ws-{self.ws.workspace_id}")
                raise ApiError(429, detail, headers={"Retry-After": str(wait)})
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth.check(self.ws, scope["method"], path, headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = "route not found" if exc.status_code == 404 else str(exc.detail)
    return ApiError(exc.status_code, detail, headers=dict(exc.headers or {})).response()


async def _server_error(request: Request, exc: Exception) -> Response:
    return ApiError(500, "internal error in the embedded workspace").response()


def create_app(
    db_path: Path,
    *,
    workspace_id: int = 1,
    region: str = "us",
    app_api_keys: frozenset[str],
    service_account_tokens: frozenset[str],
    rate_limit: bool = True,
    faults: FaultSpec | None = None,
    seed: int = 0,
    clock: Callable[[], float] = time.time,
    privacy_level_feature: bool = True,
    allow_live_data_edits: bool | None = None,
) -> Starlette:
    """The embedded workspace as an ASGI app whose state lives in SQLite at ``db_path``.

    ``allow_live_data_edits`` sets the workspace's "Allow agent to edit live data" setting
    (evidence §2; stored in the database, also switchable with ``PUT
    /v1/environments/{ws}/settings/workspace``); None keeps what the database holds (on).
    """
    if region not in ("us", "eu"):
        raise ValueError(f"region must be us or eu, not {region!r}")
    store = Store(db_path, clock)
    with store.write() as tx:
        readonly.seed(tx)
        if allow_live_data_edits is not None:
            tx.set_meta(LIVE_DATA_KEY, "true" if allow_live_data_edits else "false")
    injected = Faults(faults, seed) if faults is not None else None
    ws = Workspace(
        store=store, workspace_id=workspace_id, region=region, app_api_keys=app_api_keys,
        service_account_tokens=service_account_tokens, clock=clock, rate_limit=rate_limit,
        privacy_level_feature=privacy_level_feature,
        limiter=SlidingWindow(RATE_LIMIT, RATE_WINDOW, clock),
        trigger_limiter=SlidingWindow(1, TRIGGER_WINDOW, clock),
        build_reads=faults.build_delay if faults is not None else 1, faults=injected,
    )
    middleware = [Middleware(Gate, workspace=ws)]
    if injected is not None:
        middleware.insert(0, Middleware(FaultMiddleware, faults=injected))
    app = Starlette(
        routes=ROUTES, middleware=middleware,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error,
                            500: _server_error},
    )
    app.state.workspace = ws
    return app
