"""What plan, show and apply share: building a plan, rendering it, safety."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import anyio

from cioctl.cli.options import PlanFormat
from cioctl.cli.progress import progress_reporter
from cioctl.credential_gate import banner, require_credentials
from cioctl.errors import OperationInterruptedError
from cioctl.model.workspace import Workspace
from cioctl.plan.safety import Overrides, UnsafePlanError, check_plan
from cioctl.plan.value import Plan
from cioctl.state.desired import desired_resources


def plan_for(workspace: Workspace, targets: Sequence[str], *, allow_missing: bool = False,
             command: str = "plan") -> Plan:
    """Read the live environment and plan it (with progress on a terminal).

    Stops before reading when a credential is missing, unless ``allow_missing``: then the plan
    covers what the present credentials can read and carries the banner saying so."""
    from cioctl.engine import make_plan
    from cioctl.environments import open_client

    missing = require_credentials(workspace.root, workspace.config, workspace.environment_name,
                                  os.environ, allow_missing=allow_missing, command=command)

    async def run() -> Plan:
        with progress_reporter(f"reading {workspace.environment_name}") as progress:
            async with open_client(workspace.root, workspace.config,
                                   workspace.environment_name, os.environ) as client:
                return await make_plan(workspace, client, targets=targets, progress=progress)

    try:
        planned = anyio.run(run)
    except KeyboardInterrupt:  # planning only reads: say so, rather than a bare exit 130
        raise OperationInterruptedError(
            f"interrupted while reading the live workspace ('{workspace.environment_name}'); "
            "nothing was changed") from None
    if not missing:
        return planned
    return replace(planned, missing_credentials=missing,
                   warnings=(banner(missing), *planned.warnings))


def safety_problem(plan: Plan, workspace: Workspace, allow_destroy: bool,
                   force: bool) -> UnsafePlanError | None:
    """Why this plan may not be applied as it is, if it may not (shown by ``plan``; ``apply``
    refuses early with it, before asking, and the engine checks again before any change)."""
    try:
        check_plan(plan, workspace.environment, desired_resources(workspace).values(),
                   Overrides(allow_destroy=allow_destroy, force=force))
    except UnsafePlanError as problem:
        return problem
    return None


def with_warning(plan: Plan, problem: UnsafePlanError | None) -> Plan:
    """The plan with a safety refusal added to its warnings (so every rendering shows it)."""
    if problem is None:
        return plan
    text = f"refused: {problem.message} ({problem.hint})" if problem.hint else problem.message
    return replace(plan, warnings=(*plan.warnings, text))


def render(plan: Plan, output: PlanFormat, verbose: bool = False) -> str:
    """The plan in the chosen format (text uses rich markup; ``verbose`` text adds each
    field's precise path and a create's every leaf)."""
    if output is PlanFormat.JSON:
        return plan.to_json()
    if output is PlanFormat.MARKDOWN:
        from cioctl.render.plan_markdown import render_plan_markdown

        return render_plan_markdown(plan)
    from cioctl.render.plan_text import render_plan_text

    return render_plan_text(plan, verbose)


def _verbose() -> bool:
    """Whether the command runs under the global ``-v``."""
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    return ctx is not None and bool(ctx.find_root().params.get("verbose"))


def emit(plan: Plan, output: PlanFormat) -> None:
    """Print the plan; Markdown also goes to $GITHUB_STEP_SUMMARY under GitHub Actions."""
    import typer

    from cioctl.cli.console import stdout_console

    text = render(plan, output, _verbose())
    if output is PlanFormat.TEXT:
        stdout_console().print(text)
    else:
        typer.echo(text, nl=False)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and output is PlanFormat.MARKDOWN:
        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(text)
