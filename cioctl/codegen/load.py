"""The events and attributes codegen needs, without modelling the rest of the workspace.

``codegen --check`` runs on every PR, so it reads only the definitions files that can declare
events or attributes (a text test before parsing: a false positive only costs a parse) and
validates them as ``validate`` does. Any problem in those files stops codegen: typed code is
never generated from definitions that do not validate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from cioctl.codegen.model import CodegenModel, build_model
from cioctl.definitions.discover import find_root, scan_definitions
from cioctl.definitions.interpolate import Interpolator
from cioctl.definitions.load import (
    LoadedSources,
    _load_document,
    credential_secrets,
    environment_variables,
    load_config,
    select_environment,
)
from cioctl.definitions.yaml_loader import read_text
from cioctl.errors import CioctlError, DefinitionError, ValidationFailedError
from cioctl.model.build import build_workspace
from cioctl.model.config import WorkspaceConfig

_DECLARES = re.compile(r"""(?:events|attributes)["']?\s*:""")


def load_codegen_model(start: Path, env: str,
                       environ: Mapping[str, str]) -> tuple[Path, WorkspaceConfig, CodegenModel]:
    """The workspace root, its configuration and the codegen model of its definitions."""
    root = find_root(start)
    config = load_config(root)
    environment = select_environment(config, env)
    secrets = credential_secrets(environment, environ)
    interpolate = Interpolator(
        env, environment_variables(config, env, environ, root, secrets), environ, collect=True)
    found = scan_definitions(root)
    problems: list[CioctlError] = list(found.problems)
    documents = []
    for path in found.files:
        try:
            if _DECLARES.search(read_text(path)):
                documents.append(_load_document(path, interpolate))
        except DefinitionError as error:
            problems.append(error)
    problems.extend(interpolate.problems)
    sources = LoadedSources(root, config, env, environment, tuple(documents), tuple(problems),
                            {**secrets, **interpolate.secrets})
    workspace, found_problems = build_workspace(sources)
    if found_problems:
        raise ValidationFailedError(found_problems)
    return root, config, build_model(config.workspace, workspace.events, workspace.attributes)
