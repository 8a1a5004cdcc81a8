"""The work behind drift, diff and promote."""

from __future__ import annotations

import os
from pathlib import Path

import anyio
import typer

from cioctl.cli.options import PlanFormat
from cioctl.compare import EnvironmentDiff, compare, hide_secrets, managed
from cioctl.errors import CioctlError
from cioctl.kinds.address import Address
from cioctl.model.workspace import Workspace
from cioctl.plan.value import Plan
from cioctl.state.resource import Resource

Resources = dict[Address, Resource]


class DriftedError(CioctlError):
    """The source of a promotion does not match the definitions."""


def _live(ws: Workspace, allow_missing: bool) -> tuple[Resources, tuple[str, ...]]:
    from cioctl.credential_gate import banner, require_credentials
    from cioctl.environments import open_client
    from cioctl.plan.build import declare_types, wanted_addresses
    from cioctl.state.desired import desired_resources
    from cioctl.state.live import read_live

    missing = require_credentials(ws.root, ws.config, ws.environment_name, os.environ,
                                  allow_missing=allow_missing, command="diff")
    # the banner heads the comparison's notes, as it heads a plan's warnings
    marked = (f"{ws.environment_name}: {banner(missing)}",) if missing else ()

    async def run() -> tuple[Resources, tuple[str, ...]]:
        async with open_client(ws.root, ws.config, ws.environment_name, os.environ) as client:
            declare_types(client, ws)
            live = await read_live(client, wanted_addresses(desired_resources(ws)))
        unreadable = tuple(f"{ws.environment_name}: live {k}s could not be read (credential "
                           "missing)" for k in sorted(live.unreadable))
        return live.resources, marked + unreadable

    return anyio.run(run)


def live_diff(root: Path, source: str, target: str, *,
              allow_missing: bool = False) -> EnvironmentDiff:
    """Compare what two environments hold now (managed resources, attributes and events)."""
    from cioctl.engine import load_valid_workspace
    from cioctl.state.desired import desired_resources

    sides = [load_valid_workspace(root, env, os.environ) for env in (source, target)]
    (one, one_unread), (two, two_unread) = (_live(ws, allow_missing) for ws in sides)
    one, two = (hide_secrets(managed(live), desired_resources(ws), ws.env_values)
                for live, ws in zip((one, two), sides, strict=True))
    return compare(source, one, target, two, one_unread + two_unread)


def emit_diff(result: EnvironmentDiff, output: PlanFormat) -> None:
    """Print a comparison in the chosen format."""
    from cioctl.cli.console import stdout_console
    from cioctl.render.env_diff import (
        render_env_diff_json,
        render_env_diff_markdown,
        render_env_diff_text,
    )

    if output is PlanFormat.JSON:
        typer.echo(render_env_diff_json(result), nl=False)
    elif output is PlanFormat.MARKDOWN:
        typer.echo(render_env_diff_markdown(result), nl=False)
    else:
        stdout_console().print(render_env_diff_text(result))


def promotion(root: Path, source: str, target: str, output: PlanFormat,
              out: Path | None, *, allow_missing: bool = False) -> Plan:
    """Refuse a drifted source; plan the target; show what will differ afterwards."""
    from cioctl.cli.plan_support import emit, plan_for
    from cioctl.engine import load_valid_workspace
    from cioctl.state.desired import desired_resources

    source_ws = load_valid_workspace(root, source, os.environ)
    source_plan = plan_for(source_ws, [], allow_missing=allow_missing,
                           command="promote")
    if source_plan.has_changes:
        raise DriftedError(
            f"'{source}' does not match the definitions ({len(source_plan.changes)} "
            f"change(s) pending there), so they are not what {source} runs",
            hint=f"apply {source} first (or run 'cioctl drift -e {source}' to see what changed)")
    target_ws = load_valid_workspace(root, target, os.environ)
    target_plan = plan_for(target_ws, [], allow_missing=allow_missing,
                           command="promote")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(target_plan.to_json(), encoding="utf-8")
    emit(target_plan, output)
    after = compare(source, hide_secrets(desired_resources(source_ws), {},
                                         source_ws.env_values),
                    target, hide_secrets(desired_resources(target_ws), {},
                                         target_ws.env_values))
    typer.echo("")
    emit_diff(after, output)
    return target_plan
