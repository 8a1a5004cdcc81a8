"""``open_client`` and ``credential_status``: one environment → one connected client."""

from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.api import segments, workspace
from cioctl.api.endpoints import Surface
from cioctl.api.errors import MissingCredentialError
from cioctl.definitions.load import load_config
from cioctl.environments import (
    CredentialStatus,
    credential_status,
    open_client,
    resolve_credentials,
)
from cioctl.errors import ConfigError
from cioctl.model.config import WorkspaceConfig
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.anyio
CANARY = "canary-secret-value-0000"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def config() -> WorkspaceConfig:
    return load_config(EXAMPLE)


async def test_embedded_client_uses_git_ignored_state(tmp_path: Path) -> None:
    async with open_client(tmp_path, config(), "local", {}, throttle=False) as client:
        created = await segments.create_manual_segment(client, "VIPs")
        assert created.name == "VIPs"
        envs = await workspace.get_environment(client)
    assert envs.id == 1
    state = tmp_path / ".cioctl"
    assert (state / "embedded.sqlite3").exists()
    assert (state / ".gitignore").read_text().strip() == "*"
    async with open_client(tmp_path, config(), "local", {}, throttle=False) as client:
        assert [s.name for s in await segments.list_segments(client)] == ["VIPs"]


async def test_customerio_client_resolves_env_references() -> None:
    client = open_client(Path(), config(), "staging", {"CIO_STAGING_APP_API_KEY": CANARY})
    async with client:
        assert client.endpoints.app == "https://api.customer.io"
        assert client.workspace_id == 111111
        assert client.has_credential(Surface.APP)
        assert not client.has_credential(Surface.JOURNEYS)
        assert CANARY not in repr(client)
        with pytest.raises(MissingCredentialError) as caught:
            await workspace.get_environment(client)
    assert "CIO_STAGING_SERVICE_ACCOUNT" in str(caught.value)


async def test_production_is_eu() -> None:
    async with open_client(Path(), config(), "production", {}) as client:
        assert client.endpoints.journeys == "https://eu.fly.customer.io"


def test_missing_variable_is_named_not_an_error() -> None:
    creds = resolve_credentials(config().environments["staging"], {})
    assert creds.app_api_key is None
    assert "CIO_STAGING_APP_API_KEY" in creds.app_api_key_source


def test_credential_status() -> None:
    environ = {"CIO_STAGING_APP_API_KEY": CANARY, "CIO_STAGING_SERVICE_ACCOUNT": ""}
    status = credential_status(config(), "staging", environ)
    assert status[Surface.APP] == ("CIO_STAGING_APP_API_KEY", True)
    assert status[Surface.JOURNEYS] == CredentialStatus("CIO_STAGING_SERVICE_ACCOUNT", False)
    local = credential_status(config(), "local", {})
    assert all(present for _, present in local.values())


def test_unknown_environment() -> None:
    with pytest.raises(ConfigError, match="not defined"):
        open_client(Path(), config(), "nope", {})
