"""``cioctl estimate``."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.options import Engine, EnvOption, WorkspaceOption


class EstimateFormat(StrEnum):
    """How an estimate is printed."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def estimate(
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    people: Annotated[str | None, typer.Option(
        "--people", help="People: Parquet, CSV or JSON Lines (file, glob or folder; relative "
        "to the current directory).")] = None,
    events: Annotated[str | None, typer.Option(
        "--events", help="Events: Parquet, CSV or JSON Lines (file, glob or folder; relative "
        "to the current directory).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The instant to estimate at (RFC 3339 or Unix seconds; default "
        "data.as_of in workspace.yaml, else now).")
    ] = None,
    segment: Annotated[list[str] | None, typer.Option(
        "--segment", help="Only this segment (key); repeatable.")] = None,
    engine: Annotated[Engine, typer.Option("--engine", help="duckdb (embedded) or spark.")
                      ] = Engine.DUCKDB,
    spark_master: Annotated[str, typer.Option(
        "--spark-master", help="Spark master URL for --engine spark.")] = "local[*]",
    output: Annotated[EstimateFormat, typer.Option(
        "--format", help="text, json or markdown.")] = EstimateFormat.TEXT,
    sql: Annotated[bool, typer.Option("--sql", help="Print the query instead of running it.")
                   ] = False,
    dialect: Annotated[str, typer.Option(
        "--dialect", help="With --sql: duckdb, spark, bigquery, snowflake or trino.")
    ] = "duckdb",
    live: Annotated[bool, typer.Option(
        "--live/--no-live", help="Show the environment's live customer_count beside each "
        "estimate (when it can be read).")] = True,
) -> None:
    """Estimate every segment's audience from your own people and events.

    Compiles the segment conditions to SQL (docs/estimate.md) and runs them on DuckDB, or on
    Spark with --engine spark. Paths default to data.people.path / data.events.path in
    workspace.yaml.

    Example: cioctl estimate -w workspaces/example --as-of 2026-06-01T00:00:00Z
    """
    from cioctl.errors import ValidationFailedError
    from cioctl.estimate import render
    from cioctl.estimate.run import chosen_keys, parse_as_of, source_paths
    from cioctl.pipeline import validate_workspace

    report = validate_workspace(workspace, env, os.environ)
    if report.problems:
        raise ValidationFailedError(report.problems)
    model = report.workspace
    keys = chosen_keys(model, segment or [])
    moment = parse_as_of(as_of or model.config.data.as_of)
    if sql:
        from cioctl.estimate.dialects import dialect_or_error, warehouse_sql
        from cioctl.semantics.segments import SegmentWorld

        typer.echo(warehouse_sql(keys, SegmentWorld.from_model(model), moment,
                                 dialect_or_error(dialect), model.config.data), nl=False)
        return
    from cioctl.estimate.run import estimate as run_estimate
    from cioctl.sql.engines import open_runner
    from cioctl.sql.sources import resolve

    people_path, events_path = source_paths(model, people, events)
    people_src = resolve(people_path, model.root, "people")
    events_src = resolve(events_path, model.root, "events")
    from cioctl.cli.progress import progress_reporter

    with progress_reporter(f"estimating on {engine.value}") as progress:
        progress("starting the engine")
        runner = open_runner(engine.value, spark_master)
        try:
            result = run_estimate(model, keys, people_src, events_src, moment, runner, progress)
        finally:
            runner.close()
    if live:
        from cioctl.estimate.live import live_counts
        from cioctl.estimate.run import with_live

        found = live_counts(model, keys)
        result = with_live(result, found.counts, env, found.unavailable)
    renderer = {EstimateFormat.TEXT: render.render_text, EstimateFormat.JSON: render.render_json,
                EstimateFormat.MARKDOWN: render.render_markdown}[output]
    typer.echo(renderer(result), nl=False)
