"""The CLI end to end, through the real entry point (subprocess-free: typer's runner)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.schemas import generate_schemas
from tests.conftest import EXAMPLE, REPO, WriteWorkspace

RUNNER = CliRunner()
GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args), env={"NO_COLOR": "1", **(env or {})})
    if result.exception and not isinstance(result.exception, SystemExit):
        code = run_cli(lambda: (_ for _ in ()).throw(result.exception), False)
        return code, result.output
    return result.exit_code, result.output


def test_example_is_valid() -> None:
    code, out = run("validate", "-w", str(EXAMPLE))
    assert code == 0, out
    assert "valid" in out and "17 events" in out


def test_example_is_valid_for_every_environment() -> None:
    for env in ("local", "staging", "production"):
        code, out = run("validate", "-w", str(EXAMPLE), "-e", env)
        assert code == 0, (env, out)


def test_json_format(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"a.yaml": "segments:\n  - {name: S, conditions: {segment: x}}\n"})
    code, out = run("validate", "-w", str(root), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["valid"] is False
    (problem,) = document["problems"]
    assert problem["line"] == 2 and problem["file"].endswith("a.yaml")
    assert "unknown segment" in problem["message"]


def test_github_annotations(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"a.yaml": "segments:\n  - {name: S, conditions: {segment: x}}\n"})
    code, out = run("validate", "-w", str(root), env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert "::error file=" in out and ",line=2,col=" in out and "unknown segment 'x'" in out


def test_unknown_environment_lists_choices() -> None:
    result = RUNNER.invoke(app, ["validate", "-w", str(EXAMPLE), "-e", "prod"])
    assert result.exit_code != 0
    assert "production" in str(result.exception)


def test_main_maps_errors_to_exit_codes(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cioctl", "validate", "-w", str(tmp_path)],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False,
    )
    assert proc.returncode == 1
    assert "has no workspace.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_env_variable_is_reported_not_echoed(write_workspace: WriteWorkspace) -> None:
    secret = "canary-abc-123"
    root = write_workspace({"a.yaml": "snippets:\n  - {name: s, value: '${env:NOT_SET_X}'}\n"})
    proc = subprocess.run(
        [sys.executable, "-m", "cioctl", "validate", "-w", str(root)],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", "CANARY": secret},
        check=False,
    )
    assert proc.returncode == 1
    assert "NOT_SET_X" in proc.stdout + proc.stderr and "a.yaml:2:" in proc.stdout + proc.stderr


def test_env_value_never_in_errors(write_workspace: WriteWorkspace) -> None:
    secret = "canary-never-print-9911"
    root = write_workspace({"a.yaml": "collections:\n  - {name: '${env:CANARY}', data: []}\n"})
    code, out = run("validate", "-w", str(root), env={"CANARY": secret})
    assert code == 1 and secret not in out


def test_schemas_committed_match_models() -> None:
    for name, text in generate_schemas().items():
        committed = (REPO / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run 'cioctl schema'"


def test_example_files_point_editors_at_schemas() -> None:
    for path in EXAMPLE.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target.is_file(), (path, target)


def test_init_scaffolds_a_valid_workspace(tmp_path: Path) -> None:
    code, out = run("init", str(tmp_path / "new"))
    assert code == 0, out
    code, out = run("validate", "-w", str(tmp_path / "new"))
    assert code == 0, out
    assert (tmp_path / "new" / ".schema" / "definitions.schema.json").is_file()
    code, _ = run("init", str(tmp_path / "new"))
    assert code == 1


def test_schema_check_detects_stale(tmp_path: Path) -> None:
    code, _ = run("schema", "--out", str(tmp_path))
    assert code == 0
    code, _ = run("schema", "--out", str(tmp_path), "--check")
    assert code == 0
    (tmp_path / "workspace.schema.json").write_text("{}", encoding="utf-8")
    code, _ = run("schema", "--out", str(tmp_path), "--check")
    assert code == 1


@pytest.mark.parametrize("command", ["validate", "schema", "init"])
def test_every_command_explains_itself(command: str) -> None:
    code, out = run(command, "--help")
    assert code == 0 and len(out) > 200


def test_validation_output_matches_golden(example_copy: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(example_copy)
    lifecycle = example_copy / "segments" / "lifecycle.yaml"
    lifecycle.write_text(lifecycle.read_text().replace("{segment: churn_risk}",
                                                       "{segment: churn_risks}"))
    winback = example_copy / "flows" / "winback.yaml"
    winback.write_text(winback.read_text().replace("event.reason }}</em>", "event.reasn }}</em>"))
    attributes = example_copy / "data" / "attributes.yaml"
    attributes.write_text(attributes.read_text().replace("type: timestamp, description: Last",
                                                         "type: timestmp, description: Last"))
    code, out = run("validate")
    assert code == 1
    golden = GOLDEN / "validate_errors.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_errors_raised_in_concurrent_work_are_reported_cleanly(capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    from cioctl.errors import ApiError

    def fails() -> None:
        raise ExceptionGroup("unhandled errors in a TaskGroup",
                             [ApiError("rate limited", status=429, request_id="r-1")])

    assert run_cli(fails, False) == 1
    err = capsys.readouterr().err
    assert "rate limited" in err and "internal error" not in err and "TaskGroup" not in err


@pytest.mark.parametrize(("given", "expected"), [
    (["-e", "staging", "-w", "ws", "plan", "--out", "p"],
     ["plan", "-e", "staging", "-w", "ws", "--out", "p"]),
    (["-w", "ws", "emulator", "serve", "--port", "1"], ["emulator", "serve", "-w", "ws",
                                                         "--port", "1"]),
    (["plan", "-e", "x"], ["plan", "-e", "x"]),
    (["-e"], ["-e"]),
])
def test_global_options_may_come_before_the_command(given: list[str],
                                                   expected: list[str]) -> None:
    from cioctl.cli import global_options_last

    assert global_options_last(given) == expected


def test_global_options_work_end_to_end(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cioctl", "-v", "--no-color", "-w", str(EXAMPLE), "-e",
         "production", "validate"],
        capture_output=True, text=True, env={**os.environ}, check=False)
    assert proc.returncode == 0 and "(production, 10 files)" in proc.stdout, proc.stderr
