"""``events check --table``: run the compiled check inside DuckDB or Spark and report it.

The table is found and read by the shared data-source layer (:mod:`cioctl.sql.sources`,
:mod:`cioctl.sql.engines`): a Parquet, CSV or JSON Lines file, glob or folder, with the column
names of ``data.events`` in workspace.yaml. The canonical ``events`` view is built over it and
the query of :func:`cioctl.events.sql.compile_check` runs once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cioctl.errors import ConfigError
from cioctl.events.sql import DIALECTS, compile_check, not_checked
from cioctl.model.data import Event
from cioctl.model.sources import EventsSource
from cioctl.model.workspace import Workspace
from cioctl.render.markdown import cell
from cioctl.sql.canonical import events_view
from cioctl.sql.engines import Row, Runner, open_runner
from cioctl.sql.sources import SourceFiles, from_command_line, resolve


@dataclass(frozen=True)
class EventRows:
    """Rows of one event (``<unknown event>`` for undeclared names) and those with errors."""

    event: str
    rows: int
    with_errors: int


@dataclass(frozen=True)
class PropertyRows:
    """Rows with one problem kind at one JSON path of one event, and the first few of them."""

    event: str
    path: str
    kind: str
    rows: int
    samples: tuple[str, ...]


@dataclass(frozen=True)
class TableReport:
    """What ``events check --table`` found."""

    table: str
    engine: str
    events: tuple[EventRows, ...]
    problems: tuple[PropertyRows, ...]
    not_checked: tuple[str, ...]

    @property
    def rows(self) -> int:
        return sum(e.rows for e in self.events)

    @property
    def with_errors(self) -> int:
        return sum(e.with_errors for e in self.events)

    def data(self) -> dict[str, object]:
        """JSON-ready."""
        return {"table": self.table, "engine": self.engine, "rows": self.rows,
                "with_errors": self.with_errors,
                "by_event": {e.event: {"rows": e.rows, "with_errors": e.with_errors}
                             for e in self.events},
                "problems": [{"event": p.event, "path": p.path, "kind": p.kind, "rows": p.rows,
                              "first_rows": list(p.samples)} for p in self.problems],
                "not_checked_in_sql": list(self.not_checked)}

    def json(self) -> str:
        return json.dumps(self.data(), indent=2) + "\n"

    def markdown(self) -> str:
        """Tables for a terminal or a pull request."""
        lines = [f"## events check: {self.table} ({self.engine})", "",
                 f"{self.rows:,} rows, {self.with_errors:,} with errors", "",
                 "| event | rows | with errors |", "| --- | ---: | ---: |"]
        lines += [f"| {cell(e.event)} | {e.rows:,} | {e.with_errors:,} |" for e in self.events]
        if self.problems:
            lines += ["", "| event | path | problem | rows | first rows (person @ time) |",
                      "| --- | --- | --- | ---: | --- |"]
            lines += [f"| {cell(p.event)} | `{p.path}` | {p.kind} | {p.rows:,} | "
                      f"{cell(', '.join(p.samples))} |" for p in self.problems]
        lines += ["", "Not checked in SQL: " + "; ".join(self.not_checked)]
        return "\n".join(lines) + "\n"


def _sample(person: object, ts: object) -> str:
    when = ts.isoformat(sep=" ") if hasattr(ts, "isoformat") else str(ts)
    return f"{person} @ {when}"


def build_report(rows: Sequence[Row], table: str, engine: str,
                 events: Sequence[Event]) -> TableReport:
    """The report from the query's rows (``part, event, path, kind, total, bad, person, ts``)."""
    totals: list[EventRows] = []
    counts: dict[tuple[str, str, str], int] = {}
    samples: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for part, event, path, kind, total, bad, person, ts in rows:
        if part == "event":
            totals.append(EventRows(str(event), int(total), int(bad or 0)))
        elif part == "property":
            counts[(event, path, kind)] = int(total)
        else:
            samples.setdefault((event, path, kind), []).append((str(ts), _sample(person, ts)))
    problems = tuple(PropertyRows(*key, count, tuple(s for _, s in sorted(
        samples.get(key, []))))
        for key, count in sorted(counts.items()))
    return TableReport(table, engine, tuple(sorted(totals, key=lambda e: e.event)), problems,
                       tuple(not_checked(events)))


def check_table(runner: Runner, events: Sequence[Event], source: SourceFiles,
                columns: EventsSource) -> TableReport:
    """Load ``source``, build the canonical view, run the check."""
    kinds = runner.load("raw_events", source)
    runner.create_view("events", events_view(source, kinds, columns, runner.flavour,
                                             "raw_events"))
    rows = runner.rows(compile_check(events, runner.flavour.dialect))
    return build_report(rows, source.label, runner.name, events)


def find_table(spec: str, root: Path) -> SourceFiles:
    """The files of ``--table`` (a command-line path: relative to the current directory)."""
    return resolve(from_command_line(spec), root, "events")


def run_table(ws: Workspace, spec: str, engine: str, output: str, strict: bool,
              out: TextIO) -> int:
    """``events check --table``: print the report; the rows with errors are returned."""
    if strict:
        raise ConfigError("--strict is not checked in SQL (undeclared properties)",
                          hint="check files for --strict, or drop it with --table")
    source = find_table(spec, ws.root)
    runner = open_runner(engine)
    try:
        report = check_table(runner, ws.events, source, ws.config.data.events)
    finally:
        runner.close()
    out.write(report.json() if output == "json" else report.markdown())
    return report.with_errors


def print_sql(events: Sequence[Event], dialect: str, out: TextIO) -> None:
    """The query of ``--table`` for a warehouse, over a view ``events``."""
    if dialect not in DIALECTS:
        raise ConfigError(f"--dialect {dialect}: the JSON functions are written for "
                          f"{', '.join(DIALECTS)}", hint="--dialect duckdb or --dialect spark")
    out.write("-- events check: reads a view 'events' (person_id, name, ts, data as JSON "
              "text)\n-- not checked in SQL: " + "; ".join(not_checked(events)) + "\n")
    out.write(compile_check(events, dialect).sql(dialect, pretty=True) + ";\n")
