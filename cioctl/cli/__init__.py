"""The ``cioctl`` command line. Commands are thin; heavy modules load inside them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cioctl import __version__
from cioctl.cli import (
    apply_cmd,
    doctor_cmd,
    emulator_cmd,
    envs_cmd,
    estimate_cmd,
    events_cmd,
    import_cmd,
    init_cmd,
    plan_cmd,
    schema_cmd,
    show_cmd,
    unlock_cmd,
    validate_cmd,
)
from cioctl.cli.boundary import run_cli
from cioctl.cli.group import CioctlCommand, CioctlGroup

EXIT_CODES = ("Exit codes: 0 success / no changes · 1 error, invalid definitions, refused or a "
              "usage error · 2 changes present (plan/promote --detailed-exitcode, drift, diff) "
              "· 130 interrupted (Ctrl-C).")

app = typer.Typer(
    name="cioctl",
    cls=CioctlGroup,
    help="Manage a Customer.io workspace as code: validate YAML definitions, plan the changes "
    "against a live workspace, and apply them in order.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="markdown",
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"cioctl {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    env: Annotated[str | None, typer.Option(
        "--env", "-e", help="Environment from workspace.yaml (default: local), for the command "
        "that follows; also accepted after it.")] = None,
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Workspace folder (default: .); also accepted after the "
        "command.")] = None,
    output: Annotated[str | None, typer.Option(
        "--format", metavar="FORMAT", help="The command's output format: text, json or "
        "markdown (plan, show, drift, diff, promote); also accepted after the command.")] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Show details of failures: each failed request's route, request "
        "id and response body (credentials masked).")] = False,
    no_color: Annotated[bool, typer.Option(
        "--no-color", help="Plain output (also: NO_COLOR=1).")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    import os

    from cioctl.cli.globals import forward_global_options, show_failure_details

    if no_color:
        os.environ["NO_COLOR"] = "1"
    if verbose:
        show_failure_details(ctx)
    forward_global_options(ctx, {"--env": env, "--workspace": workspace, "--format": output})


app.command("validate", cls=CioctlCommand)(validate_cmd.validate)
app.command("schema", cls=CioctlCommand)(schema_cmd.schema)
app.command("init", cls=CioctlCommand)(init_cmd.init)
app.command("plan", cls=CioctlCommand)(plan_cmd.plan)
app.command("show", cls=CioctlCommand)(show_cmd.show)
app.command("apply", cls=CioctlCommand)(apply_cmd.apply)
app.command("drift", cls=CioctlCommand)(envs_cmd.drift)
app.command("diff", cls=CioctlCommand)(envs_cmd.diff)
app.command("promote", cls=CioctlCommand)(envs_cmd.promote)
app.command("doctor", cls=CioctlCommand)(doctor_cmd.doctor)
app.command("import", cls=CioctlCommand)(import_cmd.import_)
app.command("unlock", cls=CioctlCommand)(unlock_cmd.unlock)
app.command("estimate", cls=CioctlCommand)(estimate_cmd.estimate)
app.add_typer(emulator_cmd.emulator_app, name="emulator")
app.add_typer(events_cmd.events_app, name="events")


GLOBAL_VALUE_OPTIONS = frozenset({"-e", "--env", "-w", "--workspace", "--format"})
GROUPS = frozenset({"emulator", "events"})


def global_options_last(args: list[str]) -> list[str]:
    """``cioctl -e staging -w ws plan`` → ``cioctl plan -e staging -w ws``: the environment,
    workspace and format options are accepted before the command too (design.md §9)."""
    moved: list[str] = []
    rest = list(args)
    while rest and rest[0] in GLOBAL_VALUE_OPTIONS and len(rest) > 1:
        moved += rest[:2]
        rest = rest[2:]
    if not moved or not rest or rest[0].startswith("-"):
        return args
    command = 2 if rest[0] in GROUPS and len(rest) > 1 else 1
    return [*rest[:command], *moved, *rest[command:]]


def main() -> None:
    """Console-script entry point."""
    verbose = any(arg in ("-v", "--verbose") for arg in sys.argv[1:])
    args = [a for a in sys.argv[1:] if a not in ("-v", "--verbose")]
    if "--no-color" in args:  # accepted anywhere, like NO_COLOR
        import os

        os.environ["NO_COLOR"] = "1"
        args = [a for a in args if a != "--no-color"]
    sys.argv = [sys.argv[0], *(["--verbose"] if verbose else []), *global_options_last(args)]
    sys.exit(run_cli(app, verbose))
