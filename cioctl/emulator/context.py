"""The per-app configuration and state every route reaches through ``request.app.state``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request

from cioctl.emulator.faults import Faults
from cioctl.emulator.limits import SlidingWindow
from cioctl.emulator.store import Store

LOCAL_APP_API_KEY = "cioctl-local-app-key"
"""The App API key the embedded workspace accepts by default (the ``local`` environment)."""

LOCAL_SERVICE_ACCOUNT = "cioctl-local-service-account"
"""The service-account token the embedded workspace accepts by default."""

TOKEN_TTL_SECONDS = 3600


@dataclass
class Workspace:
    """One embedded workspace: its database, credentials, limits and clock."""

    store: Store
    workspace_id: int
    region: str
    app_api_keys: frozenset[str]
    service_account_tokens: frozenset[str]
    clock: Callable[[], float]
    rate_limit: bool
    privacy_level_feature: bool
    limiter: SlidingWindow
    trigger_limiter: SlidingWindow
    build_reads: int = 1
    """Status reads a segment answers ``build`` after each write (evidence §4; D13)."""
    faults: Faults | None = None


def workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws
