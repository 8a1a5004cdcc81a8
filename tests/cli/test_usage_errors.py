"""Usage errors exit 1, never 2: exit 2 means "changes present" (plan --detailed-exitcode,
drift, diff), so a typo must not read as drift or as a green CI step that applied nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.conftest import EXAMPLE

EX = str(EXAMPLE)


@pytest.mark.parametrize(("args", "words"), [
    # unknown option
    (["apply", "-w", EX, "--auto-aprove"], "No such option: --auto-aprove"),
    (["drift", "-w", EX, "--formt", "json"], "No such option: --formt"),
    (["plan", "-w", EX, "--detailed-exitcod"], "No such option"),
    (["events", "check", "-w", EX, "--strcit", "x.jsonl"], "No such option"),
    (["-w", EX, "--nope", "validate"], "No such option"),
    # missing argument
    (["init"], "Missing argument"),
    (["show"], "Missing argument"),
    (["events", "check", "-w", EX], "Missing argument"),
    # an option without its value
    (["plan", "-w", EX, "--out"], "requires an argument"),
    (["drift", "-w"], "requires an argument"),
    # a bad choice or value
    (["plan", "-w", EX, "--format", "xml"], "'xml' is not one of"),
    (["drift", "-w", EX, "--format", "yaml"], "'yaml' is not one of"),
    (["validate", "-w", EX, "--format", "markdown"], "'markdown' is not one of"),
    (["emulator", "serve", "-w", EX, "--port", "http"], "--port"),
    # no such command
    (["plna"], "No such command 'plna'"),
    (["drfit", "-w", EX], "No such command 'drfit'"),
    (["emulator", "serv"], "No such command 'serv'"),
    (["events", "chek", "x.jsonl"], "No such command 'chek'"),
    # an extra argument
    (["drift", "-w", EX, "staging"], "unexpected extra argument"),
    # a global option before a command that does not take it
    (["--format", "json", "init", "x"], "has no option --format"),
])
def test_usage_errors_exit_1(cli: Cli, args: list[str], words: str) -> None:
    code, out = cli(*args)
    assert code == 1, out
    assert words in out, out
    assert "Traceback" not in out


def test_drift_still_exits_2_when_there_is_drift(cli: Cli, example_copy: Path) -> None:
    # The never-applied example differs from the embedded workspace: real drift is 2.
    code, out = cli("drift", "-w", str(example_copy))
    assert code == 2, out
    code, out = cli("drift", "-w", str(example_copy), "--formt", "json")
    assert code == 1, out


@pytest.mark.parametrize("args", [["apply", "--auto-aprove"], ["drift", "--formt", "json"],
                                  ["plna"], ["-e", "local", "drift", "extra"]])
def test_the_console_script_exits_1_on_usage_errors(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "cioctl", *args, "-w", EX],
                          capture_output=True, text=True, check=False, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
