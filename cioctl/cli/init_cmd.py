"""``cioctl init``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

_FILES = {"workspace.yaml": "workspace.yaml", "definitions.yaml": "definitions.yaml",
          "gitignore": ".gitignore"}


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing workspace.yaml.")
    ] = False,
) -> None:
    """Scaffold a minimal valid workspace: workspace.yaml, one definitions file, editor schemas.

    Its flow is a draft (state: draft), so the first apply sends nothing. Then run
    'cioctl validate -w DIR' and 'cioctl plan -w DIR'.
    """
    from cioctl.errors import ConfigError
    from cioctl.schemas import generate_schemas

    if (directory / "workspace.yaml").exists() and not force:
        raise ConfigError(
            f"{directory / 'workspace.yaml'} already exists",
            hint="choose an empty folder, or pass --force to overwrite the scaffold files",
        )
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a folder")
    scaffold = resources.files("cioctl") / "scaffold"
    directory.mkdir(parents=True, exist_ok=True)
    for source, target in _FILES.items():
        (directory / target).write_text(
            (scaffold / source).read_text(encoding="utf-8"), encoding="utf-8"
        )
    schema_dir = directory / ".schema"
    schema_dir.mkdir(exist_ok=True)
    for name, text in generate_schemas().items():
        (schema_dir / name).write_text(text, encoding="utf-8")
    typer.echo(f"created a workspace in {directory}\nnext: cioctl validate -w {directory}")
