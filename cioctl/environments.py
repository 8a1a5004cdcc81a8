"""From a workspace root and an environment name to a connected :class:`ApiClient`.

The one place that knows how an environment of ``workspace.yaml`` becomes a client:

* backend ``embedded`` — the embedded workspace's ASGI app over ``.cioctl/embedded.sqlite3``
  (state git-ignored), reached in process with the local credentials;
* backend ``customerio`` — a real region (HTTPS) or a loopback ``endpoint`` of a served emulator,
  with the credentials resolved from ``${env:NAME}`` references. A missing variable is not an
  error here: the client raises ``MissingCredentialError`` when a surface that needs it is used,
  and its hint names the variable to export (never a value).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import httpx

from cioctl.api.connect import connect, connect_embedded, credentials
from cioctl.api.endpoints import Endpoints, Surface, for_override, for_region
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.retry import MAX_FAILED_ATTEMPTS
from cioctl.api.secret import Secret
from cioctl.definitions.load import select_environment
from cioctl.errors import ConfigError
from cioctl.model.config import Environment, WorkspaceConfig

STATE_DIR = ".cioctl"
EMBEDDED_DB = "embedded.sqlite3"
DEFAULT_WORKSPACE_ID = 1
_REFERENCE = re.compile(r"^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$")


class CredentialStatus(NamedTuple):
    """Where one surface's credential comes from and whether it is set (never its value).

    ``env_var`` is None when the environment declares no reference (or is embedded)."""

    env_var: str | None
    present: bool


CREDENTIAL_FIELDS = {Surface.APP: "app_api_key", Surface.JOURNEYS: "service_account"}
CREDENTIAL_LABELS = {Surface.APP: "App API key", Surface.JOURNEYS: "service account"}


def state_dir(root: Path) -> Path:
    """``ROOT/.cioctl``, created with a ``.gitignore`` of ``*`` so state is never committed."""
    directory = root / STATE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    return directory


def embedded_db(root: Path) -> Path:
    """The embedded workspace's database of ``root`` (its folder is created)."""
    return state_dir(root) / EMBEDDED_DB


def env_var_name(reference: str | None) -> str | None:
    """``NAME`` of a ``${env:NAME}`` reference (None when unset)."""
    if reference is None:
        return None
    match = _REFERENCE.match(reference)
    if match is None:
        raise ConfigError(
            f"credential reference {reference!r} is not ${{env:NAME}}",
            hint="credentials come only from the environment: app_api_key: ${env:CIO_APP_KEY}",
        )
    return match.group(1)


def credential_status(
    config: WorkspaceConfig, env_name: str, environ: Mapping[str, str]
) -> dict[Surface, CredentialStatus]:
    """Per API surface: the env var an environment reads its credential from, and whether it
    is set. Embedded environments always have their (local) credentials."""
    env = select_environment(config, env_name)
    status: dict[Surface, CredentialStatus] = {}
    for surface, field in CREDENTIAL_FIELDS.items():
        if env.backend == "embedded":
            status[surface] = CredentialStatus(None, True)
            continue
        name = env_var_name(getattr(env.credentials, field))
        status[surface] = CredentialStatus(name, bool(name and environ.get(name)))
    return status


def resolve_credentials(env: Environment, environ: Mapping[str, str]) -> Credentials:
    """The environment's credentials as secrets; absent ones stay None, named by env var."""
    app_var = env_var_name(env.credentials.app_api_key)
    sa_var = env_var_name(env.credentials.service_account)
    return credentials(
        _lookup(app_var, environ),
        _lookup(sa_var, environ),
        app_api_key_source=_source(app_var, "app_api_key"),
        service_account_source=_source(sa_var, "service_account"),
    )


def _lookup(name: str | None, environ: Mapping[str, str]) -> Secret | None:
    value = environ.get(name) if name else None
    return Secret(value) if value else None


def _source(name: str | None, field: str) -> str:
    if name:
        return f"env {name} (export {name}=...)"
    return f"credentials.{field} in workspace.yaml (e.g. ${{env:CIO_{field.upper()}}})"


def workspace_id_of(env: Environment) -> int:
    """The workspace id (the embedded workspace defaults to 1)."""
    return env.workspace_id or DEFAULT_WORKSPACE_ID


def endpoints_of(env: Environment) -> Endpoints | None:
    """Base URLs per surface; None for the embedded workspace (in process)."""
    if env.backend == "embedded":
        return None
    if env.endpoint is not None:
        return for_override(env.endpoint)
    return for_region(env.region)


def open_client(
    root: Path,
    config: WorkspaceConfig,
    env_name: str,
    environ: Mapping[str, str],
    *,
    throttle: bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
    max_attempts: int = MAX_FAILED_ATTEMPTS,
) -> ApiClient:
    """A client for environment ``env_name`` of the workspace at ``root``.

    ``transport`` replaces the network for ``customerio`` environments (tests, observers);
    the embedded workspace always runs in process. Close the client (``async with``)."""
    env = select_environment(config, env_name)
    if env.backend == "embedded":
        return _embedded_client(root, env, throttle=throttle)
    return connect(
        resolve_credentials(env, environ),
        region=env.region,
        endpoint=env.endpoint,
        workspace_id=env.workspace_id,
        transport=transport,
        throttle=throttle,
        max_attempts=max_attempts,
    )


def _embedded_client(root: Path, env: Environment, *, throttle: bool) -> ApiClient:
    from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, create_app

    workspace_id = workspace_id_of(env)
    app = create_app(
        embedded_db(root),
        workspace_id=workspace_id,
        app_api_keys=frozenset({LOCAL_APP_API_KEY}),
        service_account_tokens=frozenset({LOCAL_SERVICE_ACCOUNT}),
        rate_limit=throttle,
    )
    creds = credentials(
        LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT,
        app_api_key_source="the embedded workspace's local key",
        service_account_source="the embedded workspace's local service account",
    )
    return connect_embedded(app, creds, workspace_id=workspace_id, throttle=throttle)
