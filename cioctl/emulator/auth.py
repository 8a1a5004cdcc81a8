"""Credentials of the embedded workspace.

App API routes take ``Authorization: Bearer <App API key>``. The Journeys routes take a JWT-looking
opaque token from ``POST /v1/service_accounts/oauth/token`` (a service-account token exchanged;
stored in SQLite with its expiry and scope). App API keys are not accepted on Journeys routes,
nor JWTs on App API routes. ``/v1/accounts/current`` needs a JWT.
"""

from __future__ import annotations

import base64
import json
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cioctl.emulator.context import TOKEN_TTL_SECONDS, Workspace, workspace
from cioctl.emulator.store import Doc
from cioctl.emulator.web import ApiError, ok

OPEN_PATHS = frozenset({"/v1/info/ip_addresses", "/v1/service_accounts/oauth/token"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_journeys(path: str) -> bool:
    return path.startswith("/v1/environments/") or path == "/v1/accounts/current"


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, code="invalid_credentials")


def bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def check(ws: Workspace, method: str, path: str, headers: dict[str, str]) -> None:
    """Raise a 401/403 unless the request carries the credential its route needs."""
    if path in OPEN_PATHS:
        return
    token = bearer(headers)
    if not is_journeys(path):
        if token not in ws.app_api_keys:
            raise _unauthorized("missing or invalid App API key")
        return
    with ws.store.read() as tx:
        found = tx.token(token) if token else None
    if found is None or found[1] <= ws.clock():
        raise _unauthorized("missing, invalid or expired access token")
    if found[0] == "read_only" and method in WRITE_METHODS:
        raise ApiError(403, "this access token is read only", code="forbidden")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _new_jwt(ws: Workspace, scope: str, expires_at: float) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"sub": "service_account", "workspace_id": ws.workspace_id, "scope": scope,
              "exp": int(expires_at), "jti": secrets.token_hex(8)}
    parts = (json.dumps(header).encode(), json.dumps(claims).encode(), secrets.token_bytes(32))
    return ".".join(_b64(p) for p in parts)


async def _form(request: Request) -> Doc:
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(raw or b"{}")
        except ValueError as exc:
            raise ApiError(400, "invalid JSON body") from exc
        return body if isinstance(body, dict) else {}
    return {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}


async def token_exchange(request: Request) -> Response:
    ws = workspace(request)
    form = await _form(request)
    if form.get("grant_type") != "client_credentials":
        raise ApiError(400, "grant_type must be client_credentials", pointer="/grant_type")
    if form.get("client_secret") not in ws.service_account_tokens:
        raise _unauthorized("invalid service account token")
    scope = "read_only" if form.get("scope") == "read_only" else "full"
    expires_at = ws.clock() + TOKEN_TTL_SECONDS
    token = _new_jwt(ws, scope, expires_at)
    with ws.store.write() as tx:
        tx.add_token(token, scope, expires_at)
    return ok({"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL_SECONDS})


async def account_current(request: Request) -> Response:
    ws = workspace(request)
    return ok({"account": {"id": ws.workspace_id, "data_center": ws.region}})


ROUTES = [
    Route("/v1/service_accounts/oauth/token", token_exchange, methods=["POST"]),
    Route("/v1/accounts/current", account_current, methods=["GET"]),
]
