"""From a workspace folder to located source documents, interpolated for one environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cioctl.definitions.discover import WORKSPACE_FILE, find_root, scan_definitions
from cioctl.definitions.interpolate import Interpolator
from cioctl.definitions.located import LocatedDict
from cioctl.definitions.problems import problems_from_validation
from cioctl.definitions.yaml_loader import load_yaml, read_text
from cioctl.errors import CioctlError, ConfigError, DefinitionError, Location
from cioctl.model.config import Environment, WorkspaceConfig


@dataclass(frozen=True)
class SourceDocument:
    """One definitions file, parsed, with locations."""

    path: Path
    data: LocatedDict


@dataclass(frozen=True)
class LoadedSources:
    """The workspace configuration and every definitions file that parsed."""

    root: Path
    config: WorkspaceConfig
    environment_name: str
    environment: Environment
    documents: tuple[SourceDocument, ...]
    problems: tuple[CioctlError, ...]
    env_values: dict[str, str] = field(default_factory=dict, repr=False)


def load_config(root: Path) -> WorkspaceConfig:
    """Read and validate ``workspace.yaml`` (no interpolation: credentials stay references)."""
    path = root / WORKSPACE_FILE
    data = load_yaml(path, read_text(path))
    if not isinstance(data, LocatedDict):
        raise DefinitionError(
            "workspace.yaml must be a mapping with at least 'workspace:'",
            location=Location(path),
            hint="run 'cioctl init DIR' to see a minimal workspace.yaml",
        )
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, data, path)
        if len(problems) == 1:
            raise problems[0] from None
        from cioctl.errors import ValidationFailedError

        raise ValidationFailedError(problems) from None


def environment_variables(
    config: WorkspaceConfig, name: str, environ: Mapping[str, str], root: Path,
    secrets: dict[str, str] | None = None,
) -> dict[str, str]:
    """The ``${var.x}`` values of one environment: top-level defaults, then its own.

    Values taken from ``${env:...}`` are added to ``secrets`` (value → variable name)."""
    merged: dict[str, Any] = {**config.variables}
    env = config.environments.get(name)
    if env is not None:
        merged.update(env.variables)
    resolve = Interpolator(name, {}, environ)
    where = (env or config).field_source("variables") or Location(root / WORKSPACE_FILE)
    values = {key: resolve(str(value), where) for key, value in merged.items()}
    if secrets is not None:
        secrets.update(resolve.secrets)
    return values


def credential_secrets(environment: Environment, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment's credential values (value → variable name), so that they are masked
    wherever they turn up — a template that happens to contain the API key included."""
    found: dict[str, str] = {}
    for reference in (environment.credentials.app_api_key,
                      environment.credentials.service_account):
        match = _ENV_REFERENCE.fullmatch(reference or "")
        if match and environ.get(match.group(1)):
            found[environ[match.group(1)]] = match.group(1)
    return found


_ENV_REFERENCE = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")


def select_environment(config: WorkspaceConfig, name: str) -> Environment:
    """The environment called ``name``, or a clear error listing the ones that exist."""
    env = config.environment(name)
    if env is None:
        raise ConfigError(
            f"environment '{name}' is not defined in workspace.yaml",
            hint="choose one of: " + ", ".join(config.environment_names()),
        )
    return env


def load_sources(start: Path, env_name: str, environ: Mapping[str, str]) -> LoadedSources:
    """Discover, read and interpolate every definitions file; collect per-file problems."""
    root = find_root(start)
    config = load_config(root)
    environment = select_environment(config, env_name)
    # A missing ${var.x} / ${env:X} is collected, not raised: the rest of its file still
    # loads, so what it defines still exists and no "not declared" errors follow from it.
    secrets = credential_secrets(environment, environ)
    interpolate = Interpolator(
        env_name, environment_variables(config, env_name, environ, root, secrets), environ,
        collect=True,
    )
    found = scan_definitions(root)
    documents: list[SourceDocument] = []
    problems: list[CioctlError] = list(found.problems)
    for path in found.files:
        try:
            documents.append(_load_document(path, interpolate))
        except DefinitionError as exc:
            problems.append(exc)
    problems.extend(interpolate.problems)
    return LoadedSources(
        root, config, env_name, environment, tuple(documents), tuple(problems),
        {**secrets, **interpolate.secrets},
    )


def _load_document(path: Path, interpolate: Interpolator) -> SourceDocument:
    data = load_yaml(path, read_text(path), interpolate)
    if data is None:
        raise DefinitionError(
            "file is empty",
            location=Location(path),
            hint="add definitions (events:, attributes:, segments:, flows:, ...) or delete it",
        )
    if not isinstance(data, LocatedDict):
        raise DefinitionError(
            "a definitions file must be a mapping of kinds (events:, segments:, ...)",
            location=Location(path),
            hint="start the file with a key such as 'segments:' followed by a list",
        )
    return SourceDocument(path, data)
