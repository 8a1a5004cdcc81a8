"""Compiler edges: refusals rather than a query that means something else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cioctl.estimate.compile import compile_segments
from cioctl.estimate.leaves import CompileError
from cioctl.model.segments import Segment
from cioctl.semantics.segments import SegmentWorld

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize("condition", [
    {"attribute": "items[0]", "operator": "eq", "value": "x"},
    {"event": "e", "where": [{"property": "lines[].sku", "operator": "eq", "value": "x"}]},
])
def test_json_array_notation_is_refused(condition: dict[str, object]) -> None:
    segment = Segment.model_validate({"name": "X", "conditions": condition})
    with pytest.raises(CompileError, match="JSON array notation"):
        compile_segments(["x"], SegmentWorld({"x": segment}, {}), AS_OF)


def test_time_is_a_bound_literal_and_the_window_excludes_its_start() -> None:
    segment = Segment.model_validate(
        {"name": "X", "conditions": {"event": "e", "at_least": 1, "within": "1d"}})
    sql = compile_segments(["x"], SegmentWorld({"x": segment}, {}), AS_OF).counts().sql("duckdb")
    assert "ts > CAST('2026-05-31 00:00:00' AS TIMESTAMP)" in sql
    assert "ts <= CAST('2026-06-01 00:00:00' AS TIMESTAMP)" in sql
    assert "NOW" not in sql.upper() and "DATE_DIFF" not in sql.upper()
