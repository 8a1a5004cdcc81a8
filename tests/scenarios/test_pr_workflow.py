"""The PR workflow runs the scenarios: JUnit, the job summary, one line in the plan comment."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cioctl.cli import app
from tests.conftest import EXAMPLE, REPO

PR = REPO / ".github" / "workflows" / "cioctl-pr.yml"


def plan_steps() -> list[dict[str, Any]]:
    data = yaml.safe_load(PR.read_text(encoding="utf-8"))
    steps: list[dict[str, Any]] = data["jobs"]["plan"]["steps"]
    return steps


def test_the_plan_job_tests_scenarios_before_commenting() -> None:
    steps = plan_steps()
    names = [s.get("id") or s.get("name") for s in steps]
    test = next(s for s in steps if s.get("id") == "test")
    args = shlex.split(test["with"]["command"])
    assert args[:3] == ["test", "--format", "junit"]
    assert "--summary-line" in args and "--plan" in args
    assert test["continue-on-error"] is True  # the comment is still posted on a failure
    line = names.index("add the test line to the plan comment")
    assert names.index("plan") < names.index("test") < line < names.index("PR comment (plan)")
    fail = next(s for s in steps if s.get("name") == "fail when a scenario failed")
    assert fail["if"] == "steps.test.outcome == 'failure'"
    assert names.index("fail when a scenario failed") == len(names) - 1


def test_summary_line_and_job_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"changes": [{"kind": "flow", "key": "cancellation_win_back", '
                    '"action": "update"}, {"kind": "segment", "key": "x", "action": "create"}]}')
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    line = tmp_path / "line.md"
    # The example without the scenario that reaches the win-back branch's `then` arm.
    workspace = tmp_path / "example"
    shutil.copytree(EXAMPLE, workspace)
    (workspace / "scenarios" / "winback_returns.yaml").unlink()
    result = CliRunner().invoke(app, ["test", "-w", str(workspace), "--format", "junit",
                                      "--plan", str(plan), "--summary-line", str(line)])
    assert result.exit_code == 0, result.output
    assert line.read_text() == (
        "✅ **cioctl test**: 6/6 scenarios passed · branch coverage 75% (3/4) · not reached in "
        "flows this PR changes: `cancellation_win_back steps[3]:then`\n")
    text = summary.read_text()
    assert text.startswith("## cioctl test\n")
    assert "| Unverified sign-up gets the reminder | `unverified_signup.yaml` | 7/7 | passed |" \
        in text
