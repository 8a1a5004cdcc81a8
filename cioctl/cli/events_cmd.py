"""``cioctl events check`` and ``cioctl events schema``: payloads vs the declared events."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.group import CioctlCommand, CioctlGroup
from cioctl.cli.options import Engine, EnvOption, WorkspaceOption

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


class CheckFormat(StrEnum):
    """How ``events check`` prints."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


@events_app.command("check", cls=CioctlCommand)
def check(
    files: Annotated[list[str] | None, typer.Argument(
        metavar="FILE...", help="JSON Lines or JSON array files of payloads; '-' is stdin.")
    ] = None,
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    output: Annotated[CheckFormat, typer.Option(
        "--format", help="text for people (markdown tables with --table), markdown for PR "
        "comments, json for tools.")] = CheckFormat.TEXT,
    strict: StrictOption = False,
    table: Annotated[str | None, typer.Option(
        "--table", metavar="PATH", help="Check an event table instead of files: Parquet, CSV "
        "or JSON Lines; a file, a glob or a folder, relative to the current directory (columns "
        "as in workspace.yaml data.events)."
    )] = None,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="Where --table is checked: duckdb (embedded) or spark.")
    ] = Engine.DUCKDB,
    sql: Annotated[bool, typer.Option(
        "--sql", help="Print the check as one SQL query (over a view 'events' with columns "
        "person_id, name, ts, data) and exit.")] = False,
    dialect: Annotated[str, typer.Option(
        "--dialect", help="The SQL dialect of --sql: duckdb, spark or databricks.")
    ] = "duckdb",
) -> None:
    """Check event payloads against the event schemas of the definitions.

    Each payload is a Track API event, {"name": EVENT, "data": {...}} ("event" and
    "properties" are accepted too), one per line (JSON Lines) or as a JSON array. Reports
    unknown events, missing required properties, wrong types, values outside an enum, bad
    formats, and undeclared properties (warnings unless --strict), each with file, line and
    JSON path, then a summary. Files are streamed. Exit 0 when every payload is valid, 1 when
    any has an error.

    With --table, the same checks run as SQL inside DuckDB or Spark over an event table:
    violating rows per event and property, with the first few (person and time); what SQL
    does not check is listed by name. Example:

        cioctl events check --table 'exports/events/*.parquet' --format markdown
    """
    from cioctl.cli.boundary import EXIT_ERROR
    from cioctl.engine import load_valid_workspace

    ws = load_valid_workspace(workspace, env, os.environ)
    if sql:
        from cioctl.events.table import print_sql

        print_sql(ws.events, dialect, sys.stdout)
        return
    if table is not None:
        from cioctl.events.table import run_table

        errors = run_table(ws, table, engine.value, output.value, strict, sys.stdout)
    else:
        from cioctl.errors import ConfigError
        from cioctl.events.run import check_files

        if not files:
            raise ConfigError("Missing argument 'FILE...' (or --table PATH)",
                              hint="cioctl events check payloads.jsonl")
        errors = check_files(ws.events, files, strict=strict,
                             json_output=output is CheckFormat.JSON, out=sys.stdout,
                             stdin=sys.stdin.buffer)
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
