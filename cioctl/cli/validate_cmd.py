"""``cioctl validate``."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from cioctl.cli.options import EnvOption, FormatOption, OutputFormat, WorkspaceOption


def validate(
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check definitions without contacting Customer.io.

    Loads every *.yaml of the workspace for one environment (resolving ${var.x} and
    ${env:X}), validates each definition against its schema, then checks references
    (attributes, events, event properties, segments, snippets), segment cycles, operator
    types and Liquid. Every problem is reported at once with file:line:col and a hint.
    Exit 0 when valid, 1 when not. Under GITHUB_ACTIONS=true problems are also emitted as
    ::error annotations.
    """
    from cioctl.cli.boundary import EXIT_ERROR
    from cioctl.cli.console import stdout_console
    from cioctl.pipeline import validate_workspace
    from cioctl.render.problems import (
        github_annotations,
        render_problems_json,
        render_problems_text,
    )
    from cioctl.render.summary import render_summary

    report = validate_workspace(workspace, env, os.environ)
    counts: dict[str, object] = dict(report.workspace.counts())
    if output is OutputFormat.JSON:
        typer.echo(render_problems_json(report.problems, counts), nl=False)
    else:
        console = stdout_console()
        console.print(render_problems_text(report.problems), end="")
        console.print(render_summary(report))
    if report.problems and os.environ.get("GITHUB_ACTIONS") == "true":
        typer.echo(github_annotations(report.problems), nl=False)
    if report.problems:
        raise typer.Exit(EXIT_ERROR)
