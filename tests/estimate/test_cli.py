"""`cioctl estimate` end to end on the example workspace and its shipped dataset, through the
real CLI; the counts are held to the reference engine over the same files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.pipeline import validate_workspace
from cioctl.semantics.people import AttributeChange, PersonHistory, TimedEvent
from cioctl.semantics.segments import SegmentWorld, is_member

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "workspaces" / "example"
GOLDEN = REPO / "tests" / "golden" / "estimate"
AS_OF = datetime(2026, 6, 1, tzinfo=UTC)


def _run(*args: str) -> tuple[int, str]:
    """Through typer's runner; an error goes through the real boundary for its exit code."""
    result = CliRunner().invoke(app, ["estimate", *args], env={"NO_COLOR": "1"})
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        code = run_cli(lambda: (_ for _ in ()).throw(error), False)
        return code, result.output + str(error)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def example_json() -> dict[str, object]:
    code, output = _run("-w", str(EXAMPLE), "--format", "json")
    assert code == 0, output
    parsed: dict[str, object] = json.loads(output)
    return parsed


def _reference_histories() -> list[PersonHistory]:
    """The shipped Parquet files as reference-engine histories (read with plain DuckDB)."""
    data = EXAMPLE / "estimate-data"
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        people = connection.execute(f"SELECT * FROM '{data / 'people.parquet'}'")
        names = [d[0] for d in people.description]
        rows = people.fetchall()
        events = connection.execute(
            f"SELECT person_id, name, timestamp, data FROM '{data / 'events.parquet'}'").fetchall()
    by_person: dict[str, list[TimedEvent]] = {}
    for person_id, name, ts, payload in events:
        moment = ts.replace(tzinfo=UTC)
        by_person.setdefault(person_id, []).append(
            TimedEvent(name, json.loads(payload), moment, moment))
    early = datetime(2000, 1, 1, tzinfo=UTC)
    histories = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        changes = tuple(AttributeChange(early, k, v.replace(tzinfo=UTC).isoformat()
                                        if isinstance(v, datetime) else v)
                        for k, v in values.items()
                        if k not in ("id", "cio_added_at") and v is not None)
        histories.append(PersonHistory(values["id"], values["cio_added_at"].replace(tzinfo=UTC),
                                       changes, tuple(by_person.get(values["id"], []))))
    return histories


def test_example_counts_equal_the_reference_engine(example_json: dict[str, object]) -> None:
    report = validate_workspace(EXAMPLE, "local", os.environ)
    world = SegmentWorld.from_model(report.workspace)
    histories = _reference_histories()
    segments = example_json["segments"]
    assert isinstance(segments, list)
    assert example_json["people"] == len(histories) == 2000
    assert example_json["as_of"] == "2026-06-01T00:00:00Z"
    for entry in segments:
        if entry["count"] is None:  # manual: membership lives in Customer.io
            assert entry["key"] == "beta_testers"
            continue
        expected = sum(is_member(entry["key"], h, AS_OF, world) for h in histories)
        assert entry["count"] == expected, entry["key"]
        assert entry["share"] == round(expected / 2000, 4)
        assert len(entry["sample"]) == min(5, expected)
        for sample in entry["sample"]:
            assert sample["reasons"][-1] == "condition → TRUE"
    assert any(e["count"] for e in segments if e["key"] == "power_users")  # nested + reference


def test_text_and_markdown_show_counts_shares_and_samples() -> None:
    code, text = _run("-w", str(EXAMPLE), "--segment", "promoters")
    assert code == 0, text
    assert "Estimate at 2026-06-01T00:00:00Z on duckdb: 2,000 people" in text
    assert "segment promoters: 363 (18.1 %)" in text
    assert "nps_score gte 9 — nps_score is" in text
    code, markdown = _run("-w", str(EXAMPLE), "--segment", "promoters", "--segment", "dormant",
                          "--format", "markdown")
    assert code == 0
    assert "| `promoters` | 363 | 18.1 % |" in markdown
    assert "| `dormant` |" in markdown


def test_paths_from_options_and_a_missing_column_is_an_error_not_a_traceback(
        tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("id,plan\nu1,pro\n")
    (tmp_path / "events.csv").write_text("person_id,name,when,data\nu1,x,0,{}\n")
    done = subprocess.run(
        [sys.executable, "-m", "cioctl", "estimate", "-w", str(EXAMPLE), "--people",
         str(tmp_path / "people.csv"), "--events", str(tmp_path / "events.csv"),
         "--segment", "pro_plan"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "events.csv): no column 'timestamp' (event time)" in done.stderr
    assert "hint:" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    (tmp_path / "events.csv").write_text("person_id,name,timestamp,data\nu1,x,0,{}\n")
    code, output = _run("-w", str(EXAMPLE), "--people", str(tmp_path / "people.csv"),
                        "--events", str(tmp_path / "events.csv"), "--segment", "pro_plan",
                        "--format", "json")
    assert code == 0, output
    assert json.loads(output)["segments"][0]["count"] == 1


def test_unknown_segment_and_bad_as_of_are_clear_errors() -> None:
    code, output = _run("-w", str(EXAMPLE), "--segment", "nope")
    assert code == 1 and "no segment 'nope'" in output
    code, output = _run("-w", str(EXAMPLE), "--as-of", "yesterday")
    assert code == 1 and "--as-of yesterday is not a time" in output


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "trino"])
def test_warehouse_sql_matches_golden(dialect: str) -> None:
    """Golden SQL per warehouse dialect; UPDATE_GOLDEN=1 rewrites the files (review the diff)."""
    code, output = _run("-w", str(EXAMPLE), "--sql", "--dialect", dialect)
    assert code == 0, output
    golden = GOLDEN / f"example.{dialect}.sql"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(output)
    assert output == golden.read_text()
    assert "NOW(" not in output.upper() and "DATE_DIFF" not in output.upper()
    assert "CURRENT_TIMESTAMP" not in output.upper()


def test_duckdb_sql_runs_on_duckdb_over_the_example_data(tmp_path: Path) -> None:
    """The printed DuckDB query, run against tables named as the query expects, gives the
    CLI's own counts."""
    code, sql = _run("-w", str(EXAMPLE), "--sql", "--dialect", "duckdb")
    assert code == 0, sql
    data = EXAMPLE / "estimate-data"
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute(f"CREATE VIEW people AS SELECT * FROM '{data / 'people.parquet'}'")
        connection.execute(f"CREATE VIEW events AS SELECT * FROM '{data / 'events.parquet'}'")
        row = connection.execute(sql).fetchone()
    _, output = _run("-w", str(EXAMPLE), "--format", "json")
    counts = [s["count"] or 0 for s in json.loads(output)["segments"]]
    assert row is not None and list(row) == [2000, *counts]


def test_array_attribute_is_refused_for_bigquery(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns("estimate-data"))
    (workspace / "segments" / "extra.yaml").write_text(
        "segments:\n  - name: Slack users\n"
        "    conditions: {attribute: integrations, operator: contains, value: slack}\n")
    code, output = _run("-w", str(workspace), "--sql", "--dialect", "bigquery",
                        "--segment", "slack_users")
    assert code == 1
    assert "not on the bigquery allow-list" in output
    code, output = _run("-w", str(workspace), "--sql", "--dialect", "duckdb",
                        "--segment", "slack_users")
    assert code == 0 and "LIST_TRANSFORM" in output
