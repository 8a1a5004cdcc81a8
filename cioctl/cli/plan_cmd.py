"""``cioctl plan``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from cioctl.model.workspace import Workspace
    from cioctl.plan.value import Plan


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
    estimate_from: Annotated[str | None, typer.Option(
        "--estimate-from", help="PEOPLE,EVENTS: add each segment change's audience before and "
        "after, estimated on this data (see cioctl estimate; paths relative to the current "
        "directory).")] = None,
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
    if estimate_from is None:
        emit(planned, output)
    else:
        _emit_with_estimates(planned, ws, output, estimate_from)
    if problem is not None:
        raise problem
    if detailed_exitcode and planned.has_changes:
        raise typer.Exit(EXIT_CHANGES)
    if not planned.has_changes:
        return
    if output is PlanFormat.TEXT and out is not None:
        typer.echo(f"saved to {out}; apply it with: cioctl apply -w {workspace} -e {env} {out}",
                   err=True)


def _emit_with_estimates(planned: Plan, ws: Workspace, output: PlanFormat,
                         estimate_from: str) -> None:
    """The plan, then its audience estimates (JSON: an ``estimates`` key beside the plan)."""
    import json

    from cioctl.cli.console import stdout_console
    from cioctl.cli.plan_support import emit
    from cioctl.estimate.plan_audiences import audience_changes, render_section, split_paths
    from cioctl.estimate.run import parse_as_of
    from cioctl.sql.engines import DuckDBRunner
    from cioctl.sql.sources import from_command_line, resolve

    people, events = split_paths(estimate_from)
    runner = DuckDBRunner()
    try:
        found = audience_changes(planned.changes, ws,
                                 resolve(from_command_line(people), ws.root, "people"),
                                 resolve(from_command_line(events), ws.root, "events"),
                                 parse_as_of(ws.config.data.as_of), runner)
    finally:
        runner.close()
    if output is PlanFormat.JSON:
        data = json.loads(planned.to_json())
        data["estimates"] = [a.as_json() for a in found]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    emit(planned, output)
    section = render_section(found, markdown=output is PlanFormat.MARKDOWN)
    if output is PlanFormat.TEXT:
        stdout_console().print(section, markup=False, end="")
    else:
        typer.echo(section, nl=False)
