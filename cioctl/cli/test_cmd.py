"""``cioctl test``: run people through the segments and flows on a virtual clock."""

from __future__ import annotations

import os
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cioctl.cli.options import EnvOption, WorkspaceOption

if TYPE_CHECKING:
    from cioctl.scenarios.coverage import Coverage
    from cioctl.scenarios.run import ScenarioResult


class TestFormat(StrEnum):
    """How ``cioctl test`` prints its result."""

    __test__ = False  # not a pytest class
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"


def test(
    scenarios: Annotated[list[Path] | None, typer.Argument(
        metavar="SCENARIO", help="Scenario files (default: every DIR/scenarios/*.yaml).")
    ] = None,
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    output: Annotated[TestFormat, typer.Option(
        "--format", help="text for people, json for tools, junit for CI.")] = TestFormat.TEXT,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Print every scenario's whole trace with the values that decided "
        "each gate (filter, branch, wait_until, exit check).")] = False,
    update: Annotated[bool, typer.Option(
        "--update", help="Write each scenario's full trace beside it as NAME.trace.json "
        "(byte-stable, for review diffs).")] = False,
    min_branch_coverage: Annotated[float | None, typer.Option(
        "--min-branch-coverage", metavar="P", min=0, max=100,
        help="Fail when fewer than P percent of the flows' branch arms are reached.")] = None,
    plan: Annotated[Path | None, typer.Option(
        "--plan", metavar="FILE", help="A plan saved with 'cioctl plan --out': the summary "
        "line lists the arms not reached in the flows it changes.")] = None,
    summary_line: Annotated[Path | None, typer.Option(
        "--summary-line", metavar="FILE", help="Write one Markdown line (scenarios passed, "
        "branch coverage, arms not reached in changed flows) for a PR comment.")] = None,
) -> None:
    """Run scenarios: people, a timeline and expectations, offline and deterministic.

    Each DIR/scenarios/*.yaml lists people, what happens to them when (events, possibly late;
    identify calls) and what must follow (messages sent or not, segment membership, attribute
    values, rendered text). The engine runs them through the workspace's segments and flows on
    a virtual clock and renders every message's Liquid at simulated time. Failing
    expectations are shown with the trace around them; the run ends with 'N passed, M failed'
    and branch coverage. Exit 0 when every scenario passes, 1 otherwise.

    Example: cioctl test -w workspaces/example --min-branch-coverage 75
    """
    from cioctl.cli.boundary import EXIT_ERROR
    from cioctl.cli.progress import progress_reporter
    from cioctl.engine import load_valid_workspace
    from cioctl.errors import ConfigError, ValidationFailedError
    from cioctl.scenarios.coverage import branch_coverage
    from cioctl.scenarios.load import load_scenarios
    from cioctl.scenarios.report import render_json, render_junit, render_text, trace_document
    from cioctl.scenarios.report import trace_path as trace_file
    from cioctl.scenarios.run import run_scenario
    from cioctl.semantics.segments import SegmentWorld

    ws = load_valid_workspace(workspace, env, os.environ)
    loaded = load_scenarios(ws, list(scenarios or []))
    if loaded.problems:
        raise ValidationFailedError(list(loaded.problems))
    if not loaded.files:
        raise ConfigError(f"no scenarios found in {ws.root / 'scenarios'}",
                          hint="write DIR/scenarios/NAME.yaml (see workspaces/example/scenarios)")
    world = SegmentWorld.from_model(ws)
    results = []
    with progress_reporter("running scenarios") as progress:
        for number, file in enumerate(loaded.files, 1):
            progress(f"{number}/{len(loaded.files)} {file.path.name}")
            results.append(run_scenario(file, ws, world, explain=True))
    coverage = branch_coverage(ws, {arm for r in results for arm in r.outcome.arms_reached})
    if update:
        for result in results:
            target = trace_file(result.path)
            target.write_text(trace_document(result), encoding="utf-8")
    if output is TestFormat.JSON:
        typer.echo(render_json(results, coverage), nl=False)
    elif output is TestFormat.JUNIT:
        typer.echo(render_junit(results, coverage), nl=False)
    else:
        typer.echo(render_text(results, coverage, explain=explain), nl=False)
    _annotate(results)
    _github_reports(results, coverage, plan, summary_line)
    below = min_branch_coverage is not None and coverage.percent < min_branch_coverage
    if below:
        typer.echo(f"branch coverage {coverage.percent:g}% is below the minimum "
                   f"{min_branch_coverage:g}%", err=True)
    if below or not all(r.passed for r in results):
        raise typer.Exit(EXIT_ERROR)


def _github_reports(results: Sequence[ScenarioResult], coverage: Coverage, plan: Path | None,
                    line_file: Path | None) -> None:
    """The summary line file, and the job summary under GitHub Actions."""
    from cioctl.scenarios import github

    if line_file is not None:
        changed = github.changed_flows(plan) if plan is not None else None
        line_file.write_text(github.summary_line(results, coverage, changed), encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if os.environ.get("GITHUB_ACTIONS") == "true" and summary:
        with Path(summary).open("a", encoding="utf-8") as out:
            out.write(github.summary_markdown(results, coverage))


def _annotate(results: Sequence[object]) -> None:
    """Failed expectations as ``::error`` annotations at their line in a GitHub workflow."""
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return
    from cioctl.errors import CioctlError
    from cioctl.render.problems import github_annotations
    from cioctl.scenarios.run import ScenarioResult

    failures = [CioctlError(e.message, location=e.where) for r in results
                if isinstance(r, ScenarioResult) for e in r.results if not e.passed]
    if failures:
        typer.echo(github_annotations(failures), nl=False)
