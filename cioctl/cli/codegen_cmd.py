"""``cioctl codegen``: typed tracking code from the event definitions, and its usage."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cioctl.cli.options import EnvOption, WorkspaceOption

if TYPE_CHECKING:  # the command imports its heavy modules only when it runs
    from cioctl.codegen.model import CodegenModel
    from cioctl.model.config import WorkspaceConfig


class Lang(StrEnum):
    """A codegen target language."""

    PYTHON = "python"
    TYPESCRIPT = "typescript"


class UsageFormat(StrEnum):
    """How the usage report is printed."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def codegen(
    sources: Annotated[list[Path] | None, typer.Argument(
        metavar="[SRC...]", help="With --usage: the apps' source files or folders "
        "(.py read with Python's ast; .ts/.js with the TypeScript parser, via node).")] = None,
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    lang: Annotated[Lang | None, typer.Option(
        "--lang", help="Only this language (with --out: the file's language; by default "
        "told by its suffix).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write this one file instead of workspace.yaml's codegen "
        "targets.")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; exit 1 naming each file that regenerating would "
        "change (a CI gate: no token, no network).")] = False,
    usage: Annotated[bool, typer.Option(
        "--usage", help="Report declared-but-unused events and calls to undeclared events "
        "in SRC...; exit 1 when a call names an undeclared event.")] = False,
    output: Annotated[UsageFormat, typer.Option(
        "--format", help="--usage report: text, markdown (PR comments) or json.")]
    = UsageFormat.TEXT,
) -> None:
    """Generate typed tracking code (Python, TypeScript) from the event definitions.

    One typed function per event, an interface/TypedDict per event's data, typed identify for
    the declared attributes, runtime validation (off|warn|raise) and a recording tracker for
    unit tests. Each file starts with a do-not-edit header naming the cioctl version and the
    sha256 of the definitions. The workflow:

    * declare targets in workspace.yaml: codegen: [{lang: python, out: app/tracking.py}]
    * cioctl codegen            write them (only files whose bytes change)
    * cioctl codegen --check    in CI: exit 1 naming stale files
    * cioctl codegen --usage app/ web/src   unused and undeclared events

    Example: cioctl codegen -w workspaces/example --lang typescript --out web/src/tracking.ts
    """
    from cioctl.codegen.load import load_codegen_model

    root, config, model = load_codegen_model(workspace, env, os.environ)
    if usage:
        _usage(model, sources or [], output)
        return
    if sources:
        from cioctl.errors import ConfigError

        raise ConfigError("source files are only read with --usage",
                          hint="cioctl codegen --usage " + " ".join(map(str, sources)))
    _generate(root, config, model, lang, out, check)


def _generate(root: Path, config: WorkspaceConfig, model: CodegenModel, lang: Lang | None,
              out: Path | None, check: bool) -> None:
    from cioctl.codegen.run import generate, resolve_targets
    from cioctl.errors import ConfigError

    targets = resolve_targets(root, config, lang.value if lang else None, out)
    outcomes = generate(model, targets, check=check)
    for outcome in outcomes:
        word = {"written": "wrote", "unchanged": "up to date:", "stale": "stale:"}[outcome.state]
        typer.echo(f"{word} {outcome.target.path} ({outcome.target.lang})")
    stale = [str(o.target.path) for o in outcomes if o.state == "stale"]
    if stale:
        raise ConfigError("generated code is out of date: " + ", ".join(stale),
                          hint="run 'cioctl codegen' and commit the result")


def _usage(model: CodegenModel, sources: list[Path], output: UsageFormat) -> None:
    from cioctl.cli.boundary import EXIT_ERROR
    from cioctl.codegen.report import render_json, render_markdown, render_text
    from cioctl.codegen.usage import usage_report
    from cioctl.errors import ConfigError

    if not sources:
        raise ConfigError("--usage needs the source files or folders to read",
                          hint="cioctl codegen --usage app/ web/src/")
    report = usage_report(model, sources)
    render = {UsageFormat.TEXT: render_text, UsageFormat.MARKDOWN: render_markdown,
              UsageFormat.JSON: render_json}[output]
    typer.echo(render(report), nl=False)
    if report.undeclared:
        raise typer.Exit(EXIT_ERROR)
