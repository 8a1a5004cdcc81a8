"""``cioctl schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def schema(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = Path(
        "schemas"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the files are out of date.")
    ] = False,
) -> None:
    """Write the JSON Schemas of definitions files and workspace.yaml.

    Editors use them for completion and inline errors: put
    '# yaml-language-server: $schema=PATH/definitions.schema.json' at the top of a file.
    """
    from cioctl.errors import ConfigError
    from cioctl.schemas import generate_schemas

    stale = []
    for name, text in generate_schemas().items():
        target = out / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(str(target))
        if not check:
            out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {target}")
    if check and stale:
        raise ConfigError(
            "schemas are out of date: " + ", ".join(stale), hint="run 'cioctl schema'"
        )
    if not stale:
        typer.echo(f"schemas in {out} are up to date")
