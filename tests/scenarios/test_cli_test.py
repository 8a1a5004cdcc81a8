"""``cioctl test`` end to end on the example workspace, through the real CLI."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from tests.conftest import EXAMPLE

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["test", *args], env={"NO_COLOR": "1"})
    if result.exception and not isinstance(result.exception, SystemExit):
        # Errors become messages and exit codes only at the boundary, as in `cioctl`.
        code = run_cli(lambda: (_ for _ in ()).throw(result.exception), False)
        return code, result.output
    return result.exit_code, result.output


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target)
    return target


def without_the_winback_branch_scenario(tmp_path: Path) -> Path:
    """The example minus the only scenario that takes the win-back branch's ``then`` arm."""
    workspace = copy_example(tmp_path)
    for name in ("winback_returns.yaml", "winback_returns.trace.json"):
        (workspace / "scenarios" / name).unlink()
    return workspace


def test_example_scenarios_pass_and_cover_every_branch() -> None:
    code, out = run("-w", str(EXAMPLE))
    assert code == 0, out
    assert out.rstrip().endswith("7 passed, 0 failed")
    assert "branch coverage: 4/4 arms (100%)" in out
    assert "not reached" not in out


def test_an_arm_no_scenario_reaches_is_listed(tmp_path: Path) -> None:
    code, out = run("-w", str(without_the_winback_branch_scenario(tmp_path)))
    assert code == 0, out
    assert out.rstrip().endswith("6 passed, 0 failed")
    assert "branch coverage: 3/4 arms (75%)" in out
    assert "not reached: cancellation_win_back steps[3]:then" in out


def test_committed_traces_are_what_update_writes(tmp_path: Path) -> None:
    workspace = copy_example(tmp_path)
    code, out = run("-w", str(workspace), "--update")
    assert code == 0, out
    for written in sorted((workspace / "scenarios").glob("*.trace.json")):
        committed = EXAMPLE / "scenarios" / written.name
        assert written.read_bytes() == committed.read_bytes(), written.name
    again = {p.name: p.read_bytes() for p in (workspace / "scenarios").glob("*.trace.json")}
    run("-w", str(workspace), "--update")
    assert again == {p.name: p.read_bytes() for p in (workspace / "scenarios").glob("*.json")}


def test_a_failing_expectation_shows_the_trace_around_it(tmp_path: Path) -> None:
    workspace = copy_example(tmp_path)
    scenario = workspace / "scenarios" / "unverified_signup.yaml"
    text = scenario.read_text().replace("step: welcome}, at: +5m}", "step: welcome}, at: +6m}")
    scenario.write_text(text)
    code, out = run("-w", str(workspace), str(scenario), "--explain")
    assert code == 1
    assert f"{scenario}:15:5: ada should be sent onboarding/welcome at 2026-01-05T09:06:00Z; " \
        "sent at 2026-01-05T09:05:00Z" in out
    assert "trace around it:" in out
    assert "2026-01-05T09:05:00Z ada sent onboarding/welcome #1 (channel: email)" in out
    assert "email_verified eq true — email_verified is false → FALSE" in out  # --explain
    assert out.rstrip().endswith("0 passed, 1 failed")


def test_junit_and_json_formats() -> None:
    code, out = run("-w", str(EXAMPLE), "--format", "junit")
    assert code == 0
    suites = ET.fromstring(out)
    assert suites.get("failures") == "0"
    assert len(suites.findall("testsuite")) == 7
    cases = suites.findall("testsuite/testcase")
    assert int(suites.get("tests") or 0) == len(cases) > 30
    code, out = run("-w", str(EXAMPLE), "--format", "json")
    data = json.loads(out)
    assert (data["passed"], data["failed"]) == (7, 0)
    assert data["branch_coverage"]["not_reached"] == []


def test_min_branch_coverage_fails_below(tmp_path: Path) -> None:
    workspace = without_the_winback_branch_scenario(tmp_path)
    code, out = run("-w", str(workspace), "--min-branch-coverage", "100")
    assert code == 1
    assert "branch coverage 75% is below the minimum 100%" in out
    assert run("-w", str(workspace), "--min-branch-coverage", "75")[0] == 0
    assert run("-w", str(EXAMPLE), "--min-branch-coverage", "100")[0] == 0


def test_scenario_errors_name_file_and_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    workspace = copy_example(tmp_path)
    bad = workspace / "scenarios" / "zz_bad.yaml"
    bad.write_text("scenario: bad\nstart: 2026-01-05T09:00:00Z\nexpect:\n"
                   "  - {person: nobody, sent: {flow: onboarding, step: welcom}}\n")
    code, _ = run("-w", str(workspace))
    out = capsys.readouterr().err
    assert code == 1
    assert f"{bad}:4:6: error: unknown person 'nobody'" in out
    assert f"{bad}:4:22: error: flow 'onboarding' has no message step 'welcom'" in out
    assert "did you mean 'welcome'?" in out
    assert "Traceback" not in out


def test_no_scenarios_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = copy_example(tmp_path)
    shutil.rmtree(workspace / "scenarios")
    code, _ = run("-w", str(workspace))
    out = capsys.readouterr().err
    assert code == 1
    assert "no scenarios found" in out
