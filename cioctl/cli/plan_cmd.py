"""``cioctl plan``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.options import (
    AllowDestroyOption,
    AllowMissingOption,
    EnvOption,
    ForceOption,
    PlanFormat,
    PlanFormatOption,
    TargetOption,
    WorkspaceOption,
)


def plan(
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    output: PlanFormatOption = PlanFormat.TEXT,
    out: Annotated[Path | None, typer.Option("--out", help="Also save the plan as JSON here "
                                             "(apply it later with 'cioctl apply FILE').")] = None,
    target: TargetOption = None,
    detailed_exitcode: Annotated[bool, typer.Option(
        "--detailed-exitcode", help="Exit 2 when there are changes (0 none, 1 error).")] = False,
    allow_destroy: AllowDestroyOption = False,
    force: ForceOption = False,
    allow_missing: AllowMissingOption = False,
) -> None:
    """Show what apply would change in an environment, resource by resource, field by field.

    Validates the definitions, reads the live workspace (the fewest requests the API allows),
    and diffs them: create, update, replace (immutable field), delete, and manual/unsupported
    where no API can make the change. Each change names the API surface and credential it
    needs. Live resources that code doesn't manage are listed as unmanaged and never deleted.
    In a protect: true environment deletes need --allow-destroy; deleting more than
    max_destroy_percent needs --force. When the environment lacks a credential, plan stops
    before reading and names the variables to export (cioctl doctor -e ENV checks them);
    --allow-missing plans what the present credentials can read instead, under a banner, and
    such a plan cannot be applied. Exit 0 (no changes), 1 (error or refused), 2 (changes,
    with --detailed-exitcode).
    """
    from cioctl.cli.boundary import EXIT_CHANGES
    from cioctl.cli.plan_support import emit, plan_for, safety_problem, with_warning
    from cioctl.engine import load_valid_workspace

    ws = load_valid_workspace(workspace, env, os.environ)
    planned = plan_for(ws, target or [], allow_missing=allow_missing)
    problem = safety_problem(planned, ws, allow_destroy, force)
    planned = with_warning(planned, problem)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(planned.to_json(), encoding="utf-8")
    emit(planned, output)
    if problem is not None:
        raise problem
    if detailed_exitcode and planned.has_changes:
        raise typer.Exit(EXIT_CHANGES)
    if not planned.has_changes:
        return
    if output is PlanFormat.TEXT and out is not None:
        typer.echo(f"saved to {out}; apply it with: cioctl apply -w {workspace} -e {env} {out}",
                   err=True)
