"""Apply's steps between the plan and the summary: confirmation, lock, progress, report."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import anyio
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from cioctl.apply.runner import ApplyResult, ChangeResult, Status
from cioctl.cli.console import stdout_console
from cioctl.cli.progress import interactive
from cioctl.contract.mode import ContractMode
from cioctl.errors import ConfigError
from cioctl.model.workspace import Workspace
from cioctl.plan.safety import Overrides
from cioctl.plan.value import Plan

STATUS_STYLE = {Status.APPLIED: "green", Status.FAILED: "red", Status.SKIPPED: "yellow",
                Status.NOT_RUN: "dim"}


def saved_or_fresh_plan(plan_file: Path | None, ws: Workspace, targets: Sequence[str]) -> Plan:
    """The saved plan (verified, for this workspace and environment) or a new one."""
    from cioctl.cli.plan_support import plan_for
    from cioctl.plan.value import load_plan

    if plan_file is None:
        return plan_for(ws, targets, command="apply")
    if targets:
        raise ConfigError("--target cannot narrow a saved plan",
                          hint="narrow it when planning: cioctl plan --target … --out FILE")
    from cioctl.engine import check_identity

    saved = load_plan(plan_file)
    check_identity(saved, ws)  # before anything else: a 0-change plan returns right after
    _refuse_partial(saved, ws)
    return saved


def _refuse_partial(saved: Plan, ws: Workspace) -> None:
    """A plan made with --allow-missing left kinds unread: it cannot be applied, ever."""
    from cioctl.credential_gate import (
        CredentialsMissingError,
        banner,
        fix_hint,
        require_credentials,
    )

    if saved.missing_credentials:
        raise CredentialsMissingError(
            f"this plan was {banner(saved.missing_credentials)}; nothing was changed",
            hint=fix_hint(saved.missing_credentials, ws.environment_name, "apply")
            + f", and plan again: cioctl plan -e {ws.environment_name} --out FILE")
    require_credentials(ws.root, ws.config, ws.environment_name, os.environ,
                        allow_missing=False, command="apply")


def confirm(plan: Plan, auto_approve: bool) -> None:
    """Ask at a terminal; require --auto-approve elsewhere."""
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ConfigError("apply needs confirmation and there is no terminal to ask",
                          hint="review the plan, then pass --auto-approve (as CI does)")
    answer = typer.prompt(f"Apply {len(plan.changes)} change(s) to '{plan.environment}'? "
                          "Only 'yes' proceeds")
    if answer.strip() != "yes":
        raise ConfigError("apply cancelled; nothing was changed")


def _lock(ws: Workspace, force_unlock: str | None) -> AbstractContextManager[None]:
    if ws.environment.backend != "embedded":
        if force_unlock is not None:
            raise ConfigError(f"environment '{ws.environment_name}' has no apply lock to "
                              "release", hint="real workspaces are serialised by CI concurrency "
                              "groups; drop --force-unlock")
        return nullcontext()  # real workspaces: CI concurrency groups serialise applies
    from cioctl.apply.lock import embedded_lock
    from cioctl.environments import embedded_db

    return embedded_lock(embedded_db(ws.root), force_unlock=force_unlock)


def _line(result: ChangeResult) -> None:
    detail = f" — {result.detail}" if result.detail else ""
    typer.echo(f"{result.status:>8}  {result.action:<8} {result.address}{detail}")


def apply_and_report(plan: Plan, ws: Workspace, force_unlock: str | None = None, *,
                     safety: Overrides = Overrides(),
                     contract: ContractMode | None = None) -> None:
    """Lock, run, summarise; exit 1 unless every change applied."""
    from cioctl.apply.audit import AuditLog
    from cioctl.engine import execute_plan
    from cioctl.environments import open_client

    audit = AuditLog(ws.root / ".cioctl" / "audit.jsonl", plan.environment, plan.workspace_id)
    finished: list[ChangeResult] = []
    bar = _progress(len([c for c in plan.changes if c.executable]))

    def seen(result: ChangeResult) -> None:
        finished.append(result)
        if bar is None:
            _line(result)
        else:
            bar.advance(bar.task_ids[0])

    async def run() -> tuple[ApplyResult, str | None]:
        async with open_client(ws.root, ws.config, ws.environment_name, os.environ) as client:
            outcome = await execute_plan(
                plan, ws, client, audit=audit, on_result=seen, safety=safety,
                contract=contract,
                on_warning=lambda note: typer.echo(f"warning: {note}", err=True))
            for address in outcome.released:
                typer.echo(f"note: no API deletes data-index metadata; cioctl stopped managing "
                           f"{address}, delete it in the UI if it should go")
            return outcome.result, outcome.ledger_error

    with _lock(ws, force_unlock), bar or nullcontext():
        try:
            result, ledger_error = anyio.run(run)
        except KeyboardInterrupt:
            _summary(_interrupted(plan, finished), None)
            typer.echo("interrupted: the changes above marked not_run were not applied; run "
                       "apply again to converge (.cioctl/audit.jsonl has the record)", err=True)
            raise typer.Exit(130) from None
    _summary(result, ledger_error)


def _progress(total: int) -> Progress | None:
    """A progress bar on a terminal; None in CI and pipes (they get one line per change)."""
    if not interactive():
        return None
    bar = Progress(SpinnerColumn(), TextColumn("applying"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(),
                   console=Console(stderr=True, no_color="NO_COLOR" in os.environ),
                   transient=True)
    bar.add_task("apply", total=total)
    return bar


def _interrupted(plan: Plan, finished: list[ChangeResult]) -> ApplyResult:
    done = {r.address for r in finished}
    rest = [ChangeResult(c.address, c.action, Status.NOT_RUN, "interrupted")
            for c in plan.changes if c.address not in done]
    return ApplyResult([*finished, *rest], interrupted=True)


def _summary(result: ApplyResult, ledger_error: str | None) -> None:
    console = stdout_console()
    trouble = [r for r in result.results if r.status is not Status.APPLIED]
    if trouble:
        table = Table(title="changes not applied", show_edge=False)
        for column in ("result", "action", "resource", "detail"):
            table.add_column(column)
        for r in trouble:
            table.add_row(f"[{STATUS_STYLE[r.status]}]{r.status}[/]", r.action, r.address,
                          r.detail or "")
        console.print(table)
    counts = ", ".join(f"{result.count(s)} {s}" for s in Status)
    console.print(f"[bold]Apply:[/] {counts}.")
    if ledger_error:
        console.print(f"[yellow]warning:[/] {ledger_error}")
    if not result.ok and not result.interrupted:
        raise typer.Exit(1)
