from __future__ import annotations

from pathlib import Path

from cioctl.bench.generate import Size, generate_workspace
from cioctl.pipeline import validate_workspace


def test_generated_workspace_is_valid_and_sized(tmp_path: Path) -> None:
    size = Size().scaled(0.04)
    report = validate_workspace(generate_workspace(tmp_path / "l", size), "local", {})
    assert report.problems == ()
    counts = report.workspace.counts()
    assert counts["attributes"] == size.attributes and counts["flows"] == size.flows
    referencing = [s for s in report.workspace.segments if "segment" in str(s.conditions)]
    assert len(referencing) == size.segments // 3


def test_the_plan_minimum_counts_pages_until_a_short_one() -> None:
    """Evidence §3: a list is read until a page shorter than asked (an exactly full last page
    costs one more, empty, request); segments and campaigns at 20, attributes and event names
    at 50. ``make bench`` divides the plan's requests by this."""
    from cioctl.bench.plan_apply import minimum_read_requests, pages_needed

    assert [pages_needed(n, 20) for n in (0, 19, 20, 40, 41)] == [1, 1, 2, 3, 3]
    # L: 1000 segments (51), 300 flows (16), 5000 attributes (101), 2000 events (41),
    # 3 App API lists, the ledger and the description record, 1300 ownership tags (66 pages),
    # per flow its Journeys read and one page of actions
    assert minimum_read_requests(Size()) == 51 + 16 + 101 + 41 + 3 + 2 + 66 + 600
