"""DuckDB's membership equals the reference engine's (cioctl.semantics.segments.is_member) for
generated people, events and conditions: the same people, not just the same count (issue 13
item 3). One DuckDB connection serves every example; each example refills two small tables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from sqlglot import exp

from cioctl.estimate.compile import compile_segments
from cioctl.model.segments import Segment
from cioctl.semantics.segments import is_member
from cioctl.sql.engines import DuckDBRunner
from tests.estimate import strategies
from tests.estimate.worlds import (
    AS_OF,
    ATTRIBUTE_TYPES,
    Person,
    create_views,
    event_rows,
    history,
    people_rows,
    world,
)


@pytest.fixture(scope="module")
def duck() -> Iterator[DuckDBRunner]:
    runner = DuckDBRunner(threads=1)
    columns = ", ".join(f'"{name}" VARCHAR' for name in ATTRIBUTE_TYPES)
    runner.connection.execute(f"CREATE TABLE raw_people (id VARCHAR, cio_added_at TIMESTAMP, "
                              f"{columns})")
    runner.connection.execute("CREATE TABLE raw_events (person_id VARCHAR, name VARCHAR, "
                              '"timestamp" TIMESTAMP, data VARCHAR)')
    create_views(runner, ATTRIBUTE_TYPES)
    yield runner
    runner.close()


def _insert(duck: DuckDBRunner, table: str, rows: list[tuple[object, ...]]) -> None:
    """One INSERT of literals per table (DuckDB's parameter binding probes optional modules
    on every call, which dominated this test's time)."""
    duck.connection.execute(f"DELETE FROM {table}")
    if rows:
        values = exp.values([tuple(exp.convert(v) for v in row) for row in rows])
        duck.connection.execute(f"INSERT INTO {table} {values.sql('duckdb')}")


@settings(max_examples=500)
@given(people=strategies.people(), segments=strategies.segments())
def test_duckdb_members_equal_the_reference_engine(
        duck: DuckDBRunner, people: list[Person], segments: list[Segment]) -> None:
    _insert(duck, "raw_people", people_rows(people))
    _insert(duck, "raw_events", event_rows(people))
    reference = world(segments)
    compiled = compile_segments([s.key for s in segments], reference, AS_OF)
    rows = duck.rows(compiled.membership())
    assert [row[0] for row in rows] == [p.id for p in people]
    for index, key in enumerate(compiled.segments):
        expected = [is_member(key, history(p), AS_OF, reference) for p in people]
        assert [row[index + 1] for row in rows] == expected, key
