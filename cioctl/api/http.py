"""``ApiClient``: the one HTTP client of cioctl, for both Customer.io API surfaces.

A thin layer over ``httpx.AsyncClient`` (with an injectable transport: the real network,
``httpx.ASGITransport`` to the embedded workspace, or ``httpx.MockTransport`` in tests) that
adds, in this order for every request: authentication per surface, the shared rate limiter, the
retry policy (:mod:`cioctl.api.retry`), request counting, and the mapping of error statuses to
typed errors (:mod:`cioctl.api.errors`).

Auth: the App API takes the App API key as ``Authorization: Bearer``. The Journeys routes take a
JWT obtained by exchanging the service-account token (see :mod:`cioctl.api.journeys_modeled`);
it is cached until shortly before it expires and refreshed once when a request answers 401.
Credentials are :class:`~cioctl.api.secret.Secret` values and never reach reprs, logs or errors.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from cioctl.api import journeys_modeled as jm
from cioctl.api.endpoints import Endpoints, Surface
from cioctl.api.errors import (
    ApiConnectionError,
    ApiProtocolError,
    MissingCredentialError,
    connection_failure,
    error_for,
    hint_for_status,
    response_excerpt,
)
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import Retry, RetryPolicy, is_idempotent
from cioctl.api.secret import Secret, scrub

LOG = logging.getLogger("cioctl.api")
AUTH = "auth"
Params = Mapping[str, str | int | float | bool]


@dataclass(frozen=True, slots=True)
class Credentials:
    """An environment's credentials and where each came from (for hints; never the value)."""

    app_api_key: Secret | None = None
    service_account: Secret | None = None
    app_api_key_source: str = "credentials.app_api_key"
    service_account_source: str = "credentials.service_account"


@dataclass(slots=True)
class RequestStats:
    """Requests sent (every attempt counts), per surface (``app``, ``journeys``, ``auth``)."""

    requests: Counter[str] = field(default_factory=Counter)
    retries: int = 0

    @property
    def total(self) -> int:
        """All requests sent, token exchanges included."""
        return sum(self.requests.values())


@dataclass(frozen=True, slots=True)
class _Token:
    value: Secret
    expires_at: float


class SurfaceClient:
    """``get/post/put/delete`` on one surface; returns parsed JSON, or None for no body."""

    def __init__(self, client: ApiClient, surface: Surface) -> None:
        self._client = client
        self.surface = surface

    def __repr__(self) -> str:
        return f"SurfaceClient({self.surface.value})"

    async def get(self, path: str, params: Params | None = None) -> Any:
        """GET ``path`` (retried on 5xx and connection errors)."""
        return await self._client.request(self.surface, "GET", path, params=params)

    async def post(self, path: str, body: Any = None, *, idempotent: bool = False) -> Any:
        """POST ``body`` as JSON; not retried on 5xx unless ``idempotent``."""
        return await self._client.request(
            self.surface, "POST", path, json=body, idempotent=idempotent
        )

    async def put(self, path: str, body: Any = None, *, idempotent: bool = True) -> Any:
        """PUT ``body`` as JSON; retried on 5xx unless not ``idempotent`` (a Journeys
        ``add_actions`` may commit and still answer 500, evidence §5)."""
        return await self._client.request(
            self.surface, "PUT", path, json=body, idempotent=idempotent
        )

    async def delete(self, path: str) -> Any:
        """DELETE ``path``."""
        return await self._client.request(self.surface, "DELETE", path)


class ApiClient:
    """Async client for one workspace (one environment) over both API surfaces."""

    def __init__(
        self,
        endpoints: Endpoints,
        credentials: Credentials,
        *,
        workspace_id: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        token_scope: str | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.workspace_id = workspace_id
        self.stats = RequestStats()
        self.app = SurfaceClient(self, Surface.APP)
        self.journeys = SurfaceClient(self, Surface.JOURNEYS)
        self._credentials = credentials
        self._retry = retry or RetryPolicy(sleep=anyio.sleep)
        self._limiter = limiter or RateLimiter(sleep=anyio.sleep)
        self._clock = clock
        self._token_scope = token_scope
        self._token: _Token | None = None
        self._issued: deque[Secret] = deque(maxlen=4)
        self._token_lock = anyio.Lock()
        self._http = httpx.AsyncClient(
            transport=transport, timeout=timeout, headers={"accept": "application/json"}
        )
        # The definitions' declared attribute/property types: the Journeys codec writes and
        # reads condition values as strings (evidence §4) and needs them to do it exactly.
        # Set by whoever holds the workspace (plan, apply); empty means "read as strings".
        self.value_types = ValueTypes()

    def __repr__(self) -> str:
        has = [n for n in ("app_api_key", "service_account") if getattr(self._credentials, n)]
        return (
            f"ApiClient(app={self.endpoints.app!r}, journeys={self.endpoints.journeys!r}, "
            f"workspace_id={self.workspace_id!r}, credentials={has!r})"
        )

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying connection pool."""
        await self._http.aclose()

    def has_credential(self, surface: Surface) -> bool:
        """Whether a request to ``surface`` can be authenticated."""
        creds = self._credentials
        return bool(creds.app_api_key if surface is Surface.APP else creds.service_account)

    def env_path(self, *parts: str | int) -> str:
        """A Journeys path under this workspace: ``/v1/environments/{id}/<parts>``."""
        if self.workspace_id is None:
            raise MissingCredentialError(
                "the Journeys routes need the workspace id",
                hint="set workspace_id for this environment in workspace.yaml",
            )
        return jm.env_path(self.workspace_id, *parts)

    async def request(
        self,
        surface: Surface,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        auth: bool = True,
    ) -> Any:
        """Send one logical request (retried per policy) and return its parsed JSON body."""
        idem = is_idempotent(method) if idempotent is None else idempotent
        call = _Call(surface, method, path, params, json, idem, auth)
        response = await self._send(call)
        if response.status_code == 401 and surface is Surface.JOURNEYS and auth:
            self._token = None
            response = await self._send(call)
        return self._result(response, call)

    # -- sending ---------------------------------------------------------------------------

    async def _send(self, call: _Call) -> httpx.Response:
        async def attempt() -> httpx.Response:
            headers = await self._auth_headers(call.surface) if call.auth else {}
            return await self._attempt(call, headers, call.surface.value)

        return await self._with_retry(attempt, call)

    async def _attempt(self, call: _Call, headers: dict[str, str], counter: str) -> (
        httpx.Response
    ):
        await self._limiter.acquire()
        self.stats.requests[counter] += 1
        url = self.endpoints.base(call.surface) + call.path
        started = time.perf_counter()
        response = await self._http.request(
            call.method, url, params=call.params, json=call.json, data=call.form,
            headers=headers,
        )
        _log_response(call, response, time.perf_counter() - started)
        return response

    async def _with_retry(
        self, attempt: Callable[[], Any], call: _Call
    ) -> httpx.Response:
        attempts = 1

        def on_retry(retry: Retry) -> None:
            nonlocal attempts
            attempts += 1
            self.stats.retries += 1
            if retry.throttled:  # the whole workspace is over its limit, not just this call
                self._limiter.pause(retry.pause)
            status = "connection error" if retry.response is None else retry.response.status_code
            LOG.info("%s: retrying in %.2fs after %s", call.what, retry.delay, status)

        try:
            return await self._retry.run(attempt, idempotent=call.idempotent, on_retry=on_retry)
        except httpx.TransportError as exc:
            raise self._connection_error(exc, call, attempts) from None

    # -- auth ------------------------------------------------------------------------------

    async def _auth_headers(self, surface: Surface) -> dict[str, str]:
        if surface is Surface.APP:
            key = self._require(Surface.APP)
            return {"authorization": f"Bearer {key.reveal()}"}
        token = await self._journeys_token()
        return {"authorization": f"Bearer {token.reveal()}"}

    def _require(self, surface: Surface) -> Secret:
        creds = self._credentials
        secret = creds.app_api_key if surface is Surface.APP else creds.service_account
        if secret:
            return secret
        if surface is Surface.APP:
            raise MissingCredentialError(
                "this request needs an App API key and the environment has none",
                hint=f"set {creds.app_api_key_source} (an App API key from Customer.io)",
            )
        raise MissingCredentialError(
            "this request needs a service account and the environment has none",
            hint=f"set {creds.service_account_source} (a Customer.io service-account token)",
        )

    async def _journeys_token(self) -> Secret:
        async with self._token_lock:
            token = self._token
            if token is None or token.expires_at <= self._clock():
                token = self._token = await self._exchange_token()
            return token.value

    async def _exchange_token(self) -> _Token:
        secret = self._require(Surface.JOURNEYS)
        call = _Call(Surface.JOURNEYS, "POST", jm.TOKEN_PATH, None, None, True, False)
        call.form = jm.token_request_form(secret, self._token_scope)

        async def attempt() -> httpx.Response:
            return await self._attempt(call, {}, AUTH)

        response = await self._with_retry(attempt, call)
        grant = jm.parse_token(self._result(response, call))
        self._issued.append(grant.access_token)
        return _Token(grant.access_token, self._clock() + grant.cache_seconds)

    # -- results ---------------------------------------------------------------------------

    def _result(self, response: httpx.Response, call: _Call) -> Any:
        if response.is_success:
            return self._json(response, call)
        if LOG.isEnabledFor(logging.INFO):  # -v: the details the error message leaves out
            request_id = response.headers.get("x-request-id")
            LOG.info("%s failed: HTTP %d, %s, response body: %s", call.what,
                     response.status_code,
                     f"request id {request_id}" if request_id else "no request id",
                     response_excerpt(response, self._scrub))
        raise error_for(
            response,
            what=call.what,
            hint=self._hint(response.status_code, call),
            scrub=self._scrub,
        )

    def _json(self, response: httpx.Response, call: _Call) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiProtocolError(
                f"{call.what}: the API answered HTTP {response.status_code} with a body "
                "that is not JSON",
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
            ) from None

    def _hint(self, status: int, call: _Call) -> str | None:
        creds = self._credentials
        if call.surface is Surface.APP and status in (401, 403):
            return (
                f"check the App API key in {creds.app_api_key_source}: it must be an App API "
                "key of this workspace and region with the needed scope"
            )
        if call.surface is Surface.JOURNEYS and status in (401, 403):
            return (
                f"check the service-account token in {creds.service_account_source}: it must "
                "belong to this account and region and may not be read-only for writes"
            )
        return hint_for_status(status)

    def _scrub(self, text: str) -> str:
        creds = self._credentials
        return scrub(text, (creds.app_api_key, creds.service_account, *self._issued))

    def _connection_error(self, exc: httpx.TransportError, call: _Call, attempts: int) -> (
        ApiConnectionError
    ):
        base = self.endpoints.base(call.surface)
        reason = self._scrub(str(exc)) or type(exc).__name__
        tries = f" ({attempts} attempts)" if attempts > 1 else ""
        what, hint = connection_failure(exc, base, loopback=self.endpoints.is_loopback,
                                        write=not call.idempotent)
        return ApiConnectionError(f"{call.what}: {what}{tries}: {reason}", hint=hint)


@dataclass(slots=True)
class _Call:
    surface: Surface
    method: str
    path: str
    params: Params | None
    json: Any
    idempotent: bool
    auth: bool
    form: dict[str, str] | None = None

    @property
    def what(self) -> str:
        return f"{self.method} {self.path}"


def _log_response(call: _Call, response: httpx.Response, seconds: float) -> None:
    LOG.debug(
        "%s %s %s -> %d in %.0f ms (request id %s)",
        call.surface.value, call.method, call.path, response.status_code, seconds * 1000,
        response.headers.get("x-request-id", "-"),
    )
