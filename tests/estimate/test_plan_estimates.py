"""`cioctl plan --estimate-from PEOPLE,EVENTS` on the embedded workspace: each segment
change's audience before (the live definition, decoded) and after, on the same data."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from typer.testing import CliRunner

from cioctl.cli import app
from cioctl.estimate.plan_audiences import AudienceChange

EXAMPLE = Path(__file__).resolve().parents[2] / "workspaces" / "example"
TARGETS = ["--target", "segment:promoters", "--target", "segment:churn_risk",
           "--target", "segment:cancelled"]


def exported(workspace: Path) -> str:
    """``PEOPLE,EVENTS`` as a user types them: relative to the current directory."""
    return ",".join(os.path.relpath(workspace / "estimate-data" / f"{table}.parquet")
                    for table in ("people", "events"))


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output


def test_plan_shows_audience_before_and_after_each_segment_change(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns(".cioctl"))
    _invoke("apply", "-w", str(workspace), "--auto-approve", *TARGETS)
    engagement = workspace / "segments" / "engagement.yaml"
    engagement.write_text(engagement.read_text().replace(
        "{attribute: nps_score, operator: gte, value: 9}",
        "{attribute: nps_score, operator: gte, value: 8}"))
    edited = json.loads(_invoke("estimate", "-w", str(workspace), "--segment", "promoters",
                                "--segment", "exporters", "--format", "json"))
    counts = {s["key"]: s["count"] for s in edited["segments"]}
    text = _invoke("plan", "-w", str(workspace), *TARGETS, "--target", "segment:exporters",
                   "--estimate-from", exported(workspace))
    expected = AudienceChange("promoters", "update", 363, counts["promoters"]).line()
    assert expected in text and counts["promoters"] > 363
    assert f"segment exporters: est. — → {counts['exporters']}" in text
    assert "churn_risk" not in text.split("Audience estimates")[1]  # unchanged: not listed
    markdown = _invoke("plan", "-w", str(workspace), *TARGETS, "--format", "markdown",
                       "--estimate-from", exported(workspace))
    assert f"- `{expected}`" in markdown
    data = json.loads(_invoke("plan", "-w", str(workspace), *TARGETS, "--format", "json",
                              "--estimate-from", exported(workspace)))
    assert data["estimates"] == [{"kind": "segment", "key": "promoters", "action": "update",
                                  "before": 363,
                                  "after": counts["promoters"]}]
    assert data["changes"]


def test_flow_whose_filter_changes_gets_its_audience(tmp_path: Path) -> None:
    """A segment-triggered flow's audience is its trigger's members passing its filter."""
    workspace = tmp_path / "ws"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns(".cioctl"))
    _invoke("apply", "-w", str(workspace), "--auto-approve", "--target", "flow:trial_conversion")
    trial = workspace / "flows" / "trial.yaml"
    trial.write_text(trial.read_text().replace(
        "      not: {segment: beta_testers}\n",
        "      all:\n        - not: {segment: beta_testers}\n"
        "        - {attribute: email_verified, operator: eq, value: true}\n"))
    (workspace / "segments" / "check.yaml").write_text(
        "segments:\n  - name: Check\n    conditions:\n      all:\n"
        "        - {segment: trialing}\n        - not: {segment: beta_testers}\n"
        "        - {attribute: email_verified, operator: eq, value: true}\n")
    counts = {s["key"]: s["count"] for s in json.loads(_invoke(
        "estimate", "-w", str(workspace), "--segment", "trialing", "--segment", "check",
        "--format", "json"))["segments"]}
    data = json.loads(_invoke("plan", "-w", str(workspace), "--target", "flow:trial_conversion",
                              "--format", "json", "--estimate-from", exported(workspace)))
    assert data["estimates"] == [{"kind": "flow", "key": "trial_conversion", "action": "update",
                                  "before": counts["trialing"], "after": counts["check"]}]
    assert 0 < counts["check"] < counts["trialing"]
