"""``cioctl import``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.options import AllowMissingOption, EnvOption, WorkspaceOption


def import_(
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="A new folder to write into, outside the workspace it reads "
        "(default: ./imported-ENV). A workspace.yaml is written there only if it has none.")
    ] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite files of an earlier import in OUT/imported/ (and, for an "
        "embedded environment, OUT's embedded state).")] = False,
    allow_missing: AllowMissingOption = False,
) -> None:
    """Write definitions for an existing workspace, so that plan right after shows no changes.

    Reads environment ENV of the workspace at -w DIR (its workspace.yaml gives the endpoint and
    the credentials) and writes OUT/imported/{events,attributes,segments,flows,snippets,
    reporting_webhooks,collections}.yaml, plus OUT/workspace.yaml with only that environment
    (credentials as ${env:NAME} references, never values) when OUT has none. OUT (default
    ./imported-ENV) may not be DIR, inside it or around it. Importing an embedded environment
    (-e local) carries its state into OUT/.cioctl, so plan there starts from the same state.

    Imported in full: segments (conditions, manual, tags), flows (trigger, filter, goal,
    frequency, state, tags, every step with its message content), snippets, reporting webhooks,
    collections (their data). Events and attributes: only their names, descriptions and
    sensitivity are readable, not their types — types are inferred from how conditions use
    them (marked with a comment to check), and event properties are declared only where
    filters or templates ({{ event.x }}) use them.

    Stops before reading when the environment lacks a credential (naming the variables to
    export); with --allow-missing it imports what the present credentials can read. Not
    imported then: kinds the environment's credentials cannot read (without the service
    account: segments, flows, events, attributes; without the App API key: snippets,
    collections, reporting webhooks, flows' content) — their files hold a commented stub that
    says why. Live items the format cannot express (e.g. a step name that is not a valid id)
    are left as comments. ${var.NAME} values are not reconstructed: the live text is written.

    Segments and flows cioctl does not manage yet are imported too; the first plan shows them
    as adopt updates, and once applied (tagged) plan shows no changes.
    """
    from cioctl.cli.progress import progress_reporter
    from cioctl.credential_gate import require_credentials
    from cioctl.definitions.discover import find_root
    from cioctl.definitions.load import load_config
    from cioctl.importer.run import import_workspace

    root = find_root(workspace)
    require_credentials(root, load_config(root), env, os.environ, allow_missing=allow_missing,
                        command="import")
    with progress_reporter(f"reading {env}") as progress:
        report = import_workspace(workspace, env, out, os.environ, force=force,
                                  progress=progress)
    target = report.target
    for plural, count in report.counts.items():
        reason = report.not_imported.get(plural)
        typer.echo(f"  {plural}: " + (f"not imported — {reason}" if reason else str(count)))
    if report.wrote_workspace_yaml:
        typer.echo(f"wrote {target / 'workspace.yaml'} (environment '{env}' only)")
    typer.echo(f"wrote {len(report.files)} files in {target / 'imported'}")
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"next: cioctl plan -w {target} -e {env}")
