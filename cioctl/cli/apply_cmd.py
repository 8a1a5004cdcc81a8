"""``cioctl apply``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.contract_option import ContractModeOption
from cioctl.cli.options import (
    AllowDestroyOption,
    EnvOption,
    ForceOption,
    TargetOption,
    WorkspaceOption,
)
from cioctl.cli.refusal import refusals_change_nothing


@refusals_change_nothing
def apply(
    plan_file: Annotated[Path | None, typer.Argument(
        help="A plan saved with 'cioctl plan --out'; without it, apply plans afresh.")] = None,
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    auto_approve: Annotated[bool, typer.Option(
        "--auto-approve", help="Apply without asking (required when not at a terminal).")] = False,
    target: TargetOption = None,
    allow_destroy: AllowDestroyOption = False,
    force: ForceOption = False,
    force_unlock: Annotated[str | None, typer.Option(
        "--force-unlock", metavar="ID", help="First release the embedded workspace's apply "
        "lock with this ID, left by an apply that died.")] = None,
    contract: ContractModeOption = None,
) -> None:
    """Make the live environment match the definitions, exactly as the plan shows.

    Re-plans (or loads PLAN_FILE), then a preflight checks credentials for every change,
    that neither the definitions nor the live workspace changed since the plan (stale plans
    are refused), the safety rules, the apply lock and — for a real region — every request
    body against Customer.io's published OpenAPI documents, before anything is touched. Changes
    run in dependency order, independent ones concurrently within the rate limit; a failed
    change skips what depends on it while the rest go on. Every change is appended to
    .cioctl/audit.jsonl. Re-running after any failure converges. Exit 0 when every change
    applied, 1 otherwise; a refusal before the first change says that nothing was changed.
    """
    from cioctl.cli.apply_support import apply_and_report, confirm, saved_or_fresh_plan
    from cioctl.cli.options import PlanFormat
    from cioctl.cli.plan_support import emit, safety_problem
    from cioctl.engine import load_valid_workspace
    from cioctl.plan.safety import Overrides

    ws = load_valid_workspace(workspace, env, os.environ)
    planned = saved_or_fresh_plan(plan_file, ws, target or [])
    problem = safety_problem(planned, ws, allow_destroy, force)
    if problem is not None:
        raise problem
    if plan_file is None:
        emit(planned, PlanFormat.TEXT)
    else:
        from cioctl.render.plan_common import summary_line

        typer.echo(f"applying saved plan {plan_file} to '{planned.environment}': "
                   f"{summary_line(planned.summary)}")
    if not planned.has_changes:
        return
    confirm(planned, auto_approve)
    apply_and_report(planned, ws, force_unlock, contract=contract,
                     safety=Overrides(allow_destroy=allow_destroy, force=force))
