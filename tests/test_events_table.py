"""``events check --table``: the SQL check gives the file path's verdicts, in DuckDB and Spark."""

from __future__ import annotations

import io
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.engine import load_valid_workspace
from cioctl.events.check import UNKNOWN, Checker, Summary, check_stream
from cioctl.events.sql import not_checked
from cioctl.events.table import TableReport, check_table, find_table
from cioctl.model.data import Event
from cioctl.model.sources import EventsSource
from cioctl.sql.engines import DuckDBRunner, Runner, SparkRunner
from tests.conftest import EXAMPLE
from tests.estimate import conftest as estimate_fixtures

spark = estimate_fixtures.spark  # the suite's one session-scoped SparkSession (a JVM is slow)

TYPED = Event.model_validate({"name": "typed event", "properties": {
    "s": {"type": "string", "enum": ["a", "b"], "required": True},
    "i": {"type": "integer", "enum": [1, 2]}, "n": {"type": "number", "enum": [1.5, 3]},
    "b": {"type": "boolean"}, "t": {"type": "timestamp"}, "a": {"type": "array"},
    "o": {"type": "object"}, "odd name": {"type": "string", "format": "email"},
    "d": {"type": "string", "format": "date"}, "dt": {"type": "string", "format": "date-time"},
    "flag": {"type": "boolean", "enum": [True]},
}})
# events whose every check SQL expresses (the uri format is listed as not checked)
EVENTS = [e for e in load_valid_workspace(EXAMPLE, "local", {}).events
          if not any(p.format == "uri" for p in e.properties.values())] + [TYPED]
CHECKER = Checker(EVENTS)
START = datetime(2024, 1, 1, tzinfo=UTC)

_values = st.sampled_from([
    "a", "b", "c", "", "google", "pro", "x@y", "nope", "2024-02-29", "2023-02-29", "0000-01-01",
    "2024-05-01T12:00:00Z", "2024-05-01t12:00:00+02:00", "2024-05-01T12:00:00Z\n",
    "2024-05-01T12:00:00Z\n\n", "2024-02-29\n",
    "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", 0, 1, 2, 3, -7, 1.5, 3.0, 2.5, True, False,
    None, [], [1, "x"], {}, {"k": 1}])


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    event = draw(st.sampled_from(EVENTS))
    names = [*event.properties, "extra"]
    data = draw(st.dictionaries(st.sampled_from(names), _values, max_size=len(names)))
    name = draw(st.sampled_from([event.name] * 6 + ["signed_upp", None]))
    row: dict[str, Any] = {} if name is None else {"name": name}
    shape = draw(st.integers(0, 9))
    if shape == 0:
        row["data"] = draw(st.sampled_from([[1], "x", 3]))
    elif shape > 1:
        row["data"] = data
    return row


def file_verdicts(payloads: list[dict[str, Any]]) -> tuple[dict[str, tuple[int, int]],
                                                            Counter[tuple[str, str, str]]]:
    """Per event (rows, rows with errors) and per (event, path, kind) rows, by the file path."""
    text = "".join(json.dumps(p) + "\n" for p in payloads).encode()
    summary = Summary()
    problems = Counter(
        (p.event or UNKNOWN, p.finding.path, p.finding.kind)
        for p in check_stream(CHECKER, io.BytesIO(text), "f", summary) if p.finding.error)
    return {n: (t.payloads, t.with_errors) for n, t in summary.by_event.items()}, problems


def table_verdicts(report: TableReport) -> tuple[dict[str, tuple[int, int]],
                                                 Counter[tuple[str, str, str]]]:
    return ({e.event: (e.rows, e.with_errors) for e in report.events},
            Counter({(p.event, p.path, p.kind): p.rows for p in report.problems}))


def write_parquet(payloads: list[dict[str, Any]], folder: Path) -> Path:
    """A typed Parquet event table: the data column is JSON text, absent data is NULL."""
    import duckdb

    path = folder / "events.parquet"
    with duckdb.connect() as db:
        db.execute("CREATE TABLE t (person_id VARCHAR, name VARCHAR, timestamp TIMESTAMP, "
                   "data VARCHAR)")
        db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [
            (f"p{i}", p.get("name"), (START + timedelta(seconds=i)).replace(tzinfo=None),
             json.dumps(p["data"]) if "data" in p else None) for i, p in enumerate(payloads)])
        db.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    return path


def agree(runner: Runner, payloads: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = find_table(str(write_parquet(payloads, Path(tmp))), Path(tmp))
        report = check_table(runner, EVENTS, source, EventsSource())
    assert table_verdicts(report) == file_verdicts(payloads)


@pytest.fixture(scope="module")
def duck() -> Iterator[DuckDBRunner]:
    runner = DuckDBRunner(threads=1)
    yield runner
    runner.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(payloads=st.lists(rows(), min_size=1, max_size=25))
def test_duckdb_gives_the_file_paths_verdicts(duck: DuckDBRunner,
                                              payloads: list[dict[str, Any]]) -> None:
    agree(duck, payloads)


@settings(max_examples=2, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(payloads=st.lists(rows(), min_size=30, max_size=40))
def test_spark_gives_the_file_paths_verdicts(spark: Any, payloads: list[dict[str, Any]]) -> None:
    """Justified slow (the JVM start, Spark planning a wide query): Spark local is the engine
    under test; two larger cases instead of many small ones."""
    agree(SparkRunner(spark), payloads)


# ------------------------------------------------------------------ the command

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    def invoke(*args: str) -> tuple[int, str]:
        monkeypatch.setenv("NO_COLOR", "1")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
        capsys.readouterr()
        code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return invoke


TABLE = [{"name": "signed_up", "data": {"method": "google"}},
         {"name": "signed_up", "data": {"method": "facebook"}},
         {"name": "nope"},
         {"name": "trial_ended", "data": {"converted": "yes"}}]


def test_table_markdown_and_json_name_rows_and_exit_1(run: Run, tmp_path: Path) -> None:
    path = write_parquet(TABLE, tmp_path)
    code, out = run("events", "check", "-w", str(EXAMPLE), "--table", str(path),
                    "--format", "markdown")
    assert code == 1, out
    assert "4 rows, 3 with errors" in out
    assert "| signed_up | `$.data.method` | not_in_enum | 1 | p1 @ 2024-01-01 00:00:01 |" in out
    assert "Not checked in SQL: invoice_paid.invoice_url (format uri)" in out
    code, out = run("events", "check", "-w", str(EXAMPLE), "--table", str(path),
                    "--format", "json")
    result = json.loads(out)
    assert result["by_event"]["<unknown event>"] == {"rows": 1, "with_errors": 1}
    assert {"event": "trial_ended", "path": "$.data.converted", "kind": "wrong_type",
            "rows": 1, "first_rows": ["p3 @ 2024-01-01 00:00:03"]} in result["problems"]


def test_a_valid_table_exits_0_and_a_csv_folder_is_read(run: Run, tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.csv").write_text(
        'person_id,name,timestamp,data\np1,signed_up,1700000000,"{""method"": ""email""}"\n',
        encoding="utf-8")
    code, out = run("events", "check", "-w", str(EXAMPLE), "--table", str(tmp_path / "t"))
    assert code == 0, out
    assert "1 rows, 0 with errors" in out


def test_missing_columns_and_tables_are_clear_errors(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("who,name\np1,x\n", encoding="utf-8")
    code, out = run("events", "check", "-w", str(EXAMPLE), "--table", str(tmp_path / "a.csv"))
    assert code != 0 and "no column 'person_id'" in out and "Traceback" not in out
    code, out = run("events", "check", "-w", str(EXAMPLE), "--table", str(tmp_path / "b.pq"))
    assert code != 0 and "no Parquet, CSV or JSON Lines file" in out
    code, out = run("events", "check", "-w", str(EXAMPLE))
    assert code != 0 and "Missing argument 'FILE...' (or --table PATH)" in out
    code, out = run("events", "check", "-w", str(EXAMPLE), "--table", str(tmp_path / "a.csv"),
                    "--strict")
    assert code != 0 and "--strict is not checked in SQL" in out
    code, out = run("events", "check", "-w", str(EXAMPLE), "--sql", "--dialect", "tsql")
    assert code != 0 and "--dialect tsql" in out and "Traceback" not in out


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_sql_prints_one_query_for_a_warehouse(run: Run, dialect: str) -> None:
    import sqlglot

    code, out = run("events", "check", "-w", str(EXAMPLE), "--sql", "--dialect", dialect)
    assert code == 0, out
    assert "not checked in SQL: invoice_paid.invoice_url (format uri)" in out
    [statement] = sqlglot.parse(out.split("\n", 2)[2], read=dialect)
    assert statement is not None and "violations" in out


def test_not_checked_names_each_property() -> None:
    assert not_checked(EVENTS) == ["undeclared properties (warnings; errors under --strict)"]


def test_the_shipped_example_dataset_matches_the_declared_events(run: Run) -> None:
    # The generator (cioctl.estimate.dataset) once wrote every event with the same data, so
    # payment_failed lacked its required amount and signed_up its method.
    table = EXAMPLE / "estimate-data" / "events.parquet"
    code, out = run("events", "check", "-w", str(EXAMPLE), "--table", str(table))
    assert code == 0, out
    assert "60,000 rows, 0 with errors" in out
