"""``workspace.yaml``: the workspace's name and its environments."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from cioctl.model.base import Spec
from cioctl.model.sources import DataSources

ENV_REFERENCE = r"^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$"
CredentialRef = str


class Credentials(Spec):
    """Where an environment's credentials come from: always ``${env:NAME}``, never a literal."""

    app_api_key: str | None = Field(default=None, pattern=ENV_REFERENCE)
    service_account: str | None = Field(default=None, pattern=ENV_REFERENCE)


class Environment(Spec):
    """One Customer.io workspace the definitions are applied to."""

    backend: Literal["customerio", "embedded"] = "customerio"
    region: Literal["us", "eu"] = "us"
    workspace_id: int | None = Field(default=None, ge=1)
    endpoint: str | None = Field(
        default=None,
        pattern=r"^http://(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?/?$",
        description="A served emulator on loopback (tests and local tools only)",
    )
    protect: bool = Field(default=False, description="Deletes need --allow-destroy")
    max_destroy_percent: int = Field(default=30, ge=0, le=100)
    credentials: Credentials = Field(default_factory=Credentials)
    variables: dict[str, str | int | float | bool] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _customerio_needs_workspace(self) -> Self:
        if self.backend == "customerio" and self.workspace_id is None:
            raise ValueError("a customerio environment needs 'workspace_id'")
        return self


LOCAL = Environment(backend="embedded", workspace_id=1)


class WorkspaceConfig(Spec):
    """The content of ``workspace.yaml``."""

    workspace: str = Field(min_length=1, max_length=100)
    description: str | None = None
    variables: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="Defaults for every environment"
    )
    environments: dict[str, Environment] = Field(default_factory=dict)
    data: DataSources = Field(
        default_factory=DataSources, description="People and events for `cioctl estimate`"
    )

    def environment(self, name: str) -> Environment | None:
        """The named environment; ``local`` exists even when not written."""
        if name in self.environments:
            return self.environments[name]
        return LOCAL if name == "local" else None

    def environment_names(self) -> list[str]:
        """Every environment, ``local`` included."""
        return sorted(set(self.environments) | {"local"})
