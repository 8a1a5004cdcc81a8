"""One-call construction of an :class:`ApiClient` for an environment.

:func:`connect` covers real regions and a served emulator (``endpoint`` override);
:func:`connect_embedded` runs the same client in process against the embedded workspace's ASGI
app through ``httpx.ASGITransport`` — the same code path as against Customer.io.
"""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp

from cioctl.api import endpoints
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.ratelimit import DEFAULT_RATE, RateLimiter
from cioctl.api.retry import MAX_FAILED_ATTEMPTS, RetryPolicy
from cioctl.api.secret import Secret

EMBEDDED_ORIGIN = "http://127.0.0.1"


def _secret(value: str | Secret | None) -> Secret | None:
    return Secret(value) if isinstance(value, str) and value else value or None


def credentials(
    app_api_key: str | Secret | None = None,
    service_account: str | Secret | None = None,
    *,
    app_api_key_source: str = "credentials.app_api_key",
    service_account_source: str = "credentials.service_account",
) -> Credentials:
    """:class:`Credentials` from plain strings or secrets; the sources name them in hints."""
    return Credentials(
        _secret(app_api_key), _secret(service_account), app_api_key_source,
        service_account_source,
    )


def connect(
    creds: Credentials,
    *,
    region: str | None = None,
    endpoint: str | None = None,
    workspace_id: int | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    throttle: bool = True,
    rate: float = DEFAULT_RATE,
    max_attempts: int = MAX_FAILED_ATTEMPTS,
) -> ApiClient:
    """A client for a real region, or for a served emulator at a loopback ``endpoint``."""
    return ApiClient(
        endpoints.resolve(region, endpoint),
        creds,
        workspace_id=workspace_id,
        transport=transport,
        retry=RetryPolicy(max_attempts=max_attempts),
        limiter=RateLimiter(rate, enabled=throttle),
    )


def connect_embedded(
    app: ASGIApp, creds: Credentials, *, workspace_id: int, throttle: bool = True
) -> ApiClient:
    """A client reaching the embedded workspace ``app`` in process."""
    return connect(
        creds,
        endpoint=EMBEDDED_ORIGIN,
        workspace_id=workspace_id,
        transport=httpx.ASGITransport(app=app),
        throttle=throttle,
    )
