"""The data-source layer: formats, globs, folders, column names, errors, the JSON Lines cache."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from cioctl.errors import CioctlError
from cioctl.model.sources import DataSources, EventsSource, PeopleSource
from cioctl.sql.engines import DuckDBRunner, prepare
from cioctl.sql.sources import CACHE_FOLDER, FileFormat, resolve

ATTRS = {"plan": "string", "nps_score": "integer", "email_verified": "boolean",
         "integrations": "array", "trial_ends_at": "timestamp"}


def _write_events(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _load(tmp_path: Path, people: str, events: str, config: DataSources | None = None,
          attrs: dict[str, str] | None = None) -> DuckDBRunner:
    runner = DuckDBRunner()
    prepare(runner, resolve(people, tmp_path, "people"), resolve(events, tmp_path, "events"),
            config or DataSources(), ATTRS if attrs is None else attrs, cache_root=tmp_path)
    return runner


@pytest.fixture
def csv_people(tmp_path: Path) -> Path:
    (tmp_path / "people.csv").write_text(
        "id,plan,nps_score,email_verified,integrations,trial_ends_at\n"
        '1,Pro,9,true,"[""Slack"",""Jira""]",2026-02-01T00:00:00Z\n'
        "2,free,not-a-number,,,1767225600\n")
    _write_events(tmp_path / "events.jsonl", [
        {"person_id": 1, "name": "logged_in", "timestamp": "2026-01-01T10:00:00+02:00",
         "data": {"device": "web"}},
        {"person_id": "2", "name": "feature_used", "timestamp": 1767225600,
         "data": {"feature": "export"}}])
    return tmp_path


def test_csv_people_and_jsonl_events_become_typed_canonical_views(csv_people: Path) -> None:
    runner = _load(csv_people, "people.csv", "events.jsonl")
    people = runner.connection.execute(
        "SELECT id, attr_plan, attr_nps_score, attr_email_verified, attr_integrations, "
        "attr_trial_ends_at FROM people ORDER BY id").fetchall()
    assert people == [
        ("1", "Pro", 9.0, True, ["slack", "jira"], datetime(2026, 2, 1)),
        ("2", "free", None, None, None, datetime(2026, 1, 1)),  # unparsable → NULL (absent)
    ]
    events = runner.connection.execute(
        "SELECT person_id, name, ts, data->>'$.device' FROM events ORDER BY person_id").fetchall()
    assert events == [("1", "logged_in", datetime(2026, 1, 1, 8), "web"),
                      ("2", "feature_used", datetime(2026, 1, 1), None)]


def test_jsonl_is_converted_once_to_a_parquet_keyed_by_content(csv_people: Path) -> None:
    _load(csv_people, "people.csv", "events.jsonl")
    cached = sorted((csv_people / CACHE_FOLDER).glob("*.parquet"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    _load(csv_people, "people.csv", "events.jsonl")
    assert cached[0].stat().st_mtime_ns == stamp  # reused, not rewritten
    _write_events(csv_people / "events.jsonl", [
        {"person_id": 1, "name": "x", "timestamp": 0, "data": {}}])
    _load(csv_people, "people.csv", "events.jsonl")
    assert len(list((csv_people / CACHE_FOLDER).glob("*.parquet"))) == 2


def test_attributes_json_column_and_renamed_columns(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    runner = DuckDBRunner()
    runner.connection.execute(
        "COPY (SELECT 'a' AS uid, '{\"plan\": \"pro\", \"nps_score\": 10}' AS attrs) "
        f"TO '{tmp_path / 'p' / 'part-0.parquet'}'")
    runner.connection.execute(
        "COPY (SELECT 'a' AS who, 'e' AS what, TIMESTAMP '2026-01-01' AS at, "
        f"{{'k': 1}} AS payload) TO '{tmp_path / 'ev.parquet'}'")
    config = DataSources(
        people=PeopleSource(id="uid", attributes="attrs", columns={"nps_score": "nps"}),
        events=EventsSource(person_id="who", name="what", timestamp="at", data="payload"))
    loaded = _load(tmp_path, "p", "*.parquet", config, {"plan": "string", "nps_score": "number"})
    assert loaded.connection.execute("SELECT * FROM people").fetchall() == [
        ("a", None, 10.0, "pro")]
    assert loaded.connection.execute("SELECT data FROM events").fetchall() == [('{"k":1}',)]


@pytest.mark.parametrize(("people", "events", "message"), [
    ("id,plan\n1,pro\n", "person_id,name,data\n1,x,{}\n",
     "events (events.csv): no column 'timestamp' (event time)"),
    ("uid,plan\n1,pro\n", "person_id,name,timestamp,data\n1,x,0,{}\n",
     "people (people.csv): no column 'id'"),
    ("id\n1\n", "person_id,name,timestamp,data\n1,x,0,{}\n",
     "people (people.csv): no column 'plan' (attribute plan"),
    ("id,plan\n1,pro\n", "person_id,name,timestamp,data\n1,x,true,{}\n",
     "events (events.csv): column 'timestamp' holds boolean values"),
])
def test_missing_or_mistyped_columns_name_file_and_column(
        tmp_path: Path, people: str, events: str, message: str) -> None:
    (tmp_path / "people.csv").write_text(people)
    (tmp_path / "events.csv").write_text(events)
    with pytest.raises(CioctlError) as raised:
        _load(tmp_path, "people.csv", "events.csv", attrs={"plan": "string"})
    assert message in str(raised.value)
    assert raised.value.hint


def test_paths_that_match_nothing_or_mix_formats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CioctlError, match="no Parquet, CSV or JSON Lines file"):
        resolve("exports/*.parquet", tmp_path, "events")
    (tmp_path / "a.csv").write_text("id\n")
    (tmp_path / "b.parquet").write_bytes(b"")
    with pytest.raises(CioctlError, match="mixes formats"):
        resolve(".", tmp_path, "people")
    assert resolve("a.csv", tmp_path, "people").format is FileFormat.CSV
