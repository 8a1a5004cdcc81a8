"""``cioctl drift``, ``cioctl diff`` and ``cioctl promote``: environments against code and
against each other."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.options import (
    AllowMissingOption,
    EnvOption,
    PlanFormat,
    PlanFormatOption,
    WorkspaceOption,
)

FromOption = Annotated[str, typer.Option("--from", help="The environment to compare from.")]
ToOption = Annotated[str, typer.Option("--to", help="The environment to compare to.")]
PromoteFromOption = Annotated[str, typer.Option(
    "--from", help="The environment already running the definitions; refused when it has "
    "drifted from them.")]
PromoteToOption = Annotated[str, typer.Option(
    "--to", help="The environment to plan from the same definitions (apply it afterwards).")]


def drift(
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    output: PlanFormatOption = PlanFormat.TEXT,
    allow_missing: AllowMissingOption = False,
) -> None:
    """Report whether the live environment still matches the definitions.

    Reads the environment and plans it without changing anything: any change the plan would
    make is drift (an edit in the Customer.io UI, or definitions not applied yet). Exit 0 when
    live matches code, 2 with a report when it does not, 1 on error. Scheduled workflows use it.
    """
    from cioctl.cli.boundary import EXIT_CHANGES
    from cioctl.cli.plan_support import emit, plan_for
    from cioctl.engine import load_valid_workspace

    ws = load_valid_workspace(workspace, env, os.environ)
    planned = plan_for(ws, [], allow_missing=allow_missing, command="drift")
    emit(planned, output)
    if planned.has_changes:
        typer.echo(f"drift: '{env}' differs from the definitions in "
                   f"{len(planned.changes)} resource(s)", err=True)
        raise typer.Exit(EXIT_CHANGES)


def diff(
    source: FromOption,
    target: ToOption,
    workspace: WorkspaceOption = Path(),
    output: PlanFormatOption = PlanFormat.TEXT,
    allow_missing: AllowMissingOption = False,
) -> None:
    """Compare two live environments through the model: by kind and key, never by id.

    Shows the resources cioctl manages that exist only in one environment, and field-level
    differences of the others (values from per-environment variables differ by design).
    Exit 0 when they are the same, 2 when they differ, 1 on error.
    """
    from cioctl.cli.boundary import EXIT_CHANGES
    from cioctl.cli.envs_support import emit_diff, live_diff

    result = live_diff(workspace, source, target, allow_missing=allow_missing)
    emit_diff(result, output)
    if result.differences:
        raise typer.Exit(EXIT_CHANGES)


def promote(
    source: PromoteFromOption = "staging",
    target: PromoteToOption = "production",
    workspace: WorkspaceOption = Path(),
    output: PlanFormatOption = PlanFormat.TEXT,
    out: Annotated[Path | None, typer.Option("--out", help="Save the target's plan as JSON "
                                             "(apply it with 'cioctl apply -e TO FILE').")] = None,
    detailed_exitcode: Annotated[bool, typer.Option(
        "--detailed-exitcode", help="Exit 2 when the target plan has changes.")] = False,
    allow_missing: AllowMissingOption = False,
) -> None:
    """Plan the target environment from the definitions the source already runs.

    Refuses when the source has drifted from the definitions (apply it, or find out who
    edited it, first). Then plans the target from the same definitions, and shows what will
    still differ between the two environments once both match them (their variables).
    """
    from cioctl.cli.boundary import EXIT_CHANGES
    from cioctl.cli.envs_support import promotion

    planned = promotion(workspace, source, target, output, out, allow_missing=allow_missing)
    if detailed_exitcode and planned.has_changes:
        raise typer.Exit(EXIT_CHANGES)
