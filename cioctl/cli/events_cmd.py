"""``cioctl events check`` and ``cioctl events schema``: payloads vs the declared events."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.group import CioctlCommand, CioctlGroup
from cioctl.cli.options import EnvOption, FormatOption, OutputFormat, WorkspaceOption

events_app = typer.Typer(
    name="events",
    cls=CioctlGroup,
    help="Check event payloads against the events declared in the definitions, or write "
    "their JSON Schemas.",
    no_args_is_help=True,
)

StrictOption = Annotated[
    bool, typer.Option("--strict", help="Properties the event does not declare are errors "
                       "(by default warnings: Customer.io accepts them).")
]


@events_app.command("check", cls=CioctlCommand)
def check(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", help="JSON Lines or JSON array files of payloads; '-' is stdin.")],
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    output: FormatOption = OutputFormat.TEXT,
    strict: StrictOption = False,
) -> None:
    """Check event payloads against the event schemas of the definitions.

    Each payload is a Track API event, {"name": EVENT, "data": {...}} ("event" and
    "properties" are accepted too), one per line (JSON Lines) or as a JSON array. Reports
    unknown events, missing required properties, wrong types, values outside an enum, bad
    formats, and undeclared properties (warnings unless --strict), each with file, line and
    JSON path, then a summary. Files are streamed. Exit 0 when every payload is valid, 1 when
    any has an error.
    """
    from cioctl.cli.boundary import EXIT_ERROR
    from cioctl.engine import load_valid_workspace
    from cioctl.events.run import check_files

    ws = load_valid_workspace(workspace, env, os.environ)
    errors = check_files(ws.events, files, strict=strict, json_output=output is OutputFormat.JSON,
                         out=sys.stdout, stdin=sys.stdin.buffer)
    if errors:
        raise typer.Exit(EXIT_ERROR)


@events_app.command("schema", cls=CioctlCommand)
def schema(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")],
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    strict: StrictOption = False,
) -> None:
    """Write one JSON Schema (draft 2020-12) per declared event: EVENT.schema.json.

    Each describes a whole Track API payload ({"name": ..., "data": {...}}) for other tools;
    with --strict, undeclared properties are not allowed.
    """
    from cioctl.engine import load_valid_workspace
    from cioctl.events.run import write_schemas

    ws = load_valid_workspace(workspace, env, os.environ)
    for path in write_schemas(ws.events, out, strict=strict):
        typer.echo(f"wrote {path}")
