"""Options shared by several commands."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="Workspace folder (holds workspace.yaml).", show_default=True
    ),
]
EnvOption = Annotated[
    str,
    typer.Option("--env", "-e", help="Environment from workspace.yaml; 'local' needs no "
                 "credentials and uses the embedded workspace."),
]


class OutputFormat(StrEnum):
    """How a command prints its result."""

    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="text for people, json for tools.")
]


class PlanFormat(StrEnum):
    """How a plan is printed."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


class Engine(StrEnum):
    """Where a data query runs (``estimate``, ``events check --table``)."""

    DUCKDB = "duckdb"
    SPARK = "spark"


PlanFormatOption = Annotated[
    PlanFormat,
    typer.Option("--format", help="text for terminals, markdown for PR comments, json for tools."),
]
TargetOption = Annotated[
    list[str] | None,
    typer.Option("--target", help="Only this resource (kind:key) and what it depends on; "
                 "repeatable."),
]
AllowDestroyOption = Annotated[
    bool, typer.Option("--allow-destroy", help="Permit deletes in a protected environment.")
]
AllowMissingOption = Annotated[
    bool, typer.Option("--allow-missing", help="Go on when the environment lacks credentials: "
                       "read only what the present ones can (for PR checks without secrets). "
                       "The result says so, and such a plan cannot be applied.")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Permit deleting more than max_destroy_percent.")
]
