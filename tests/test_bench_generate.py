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
