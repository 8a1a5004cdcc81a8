"""What ``--help`` and ``-v`` tell a new user: global options, types as words, exit codes,
and the details of an API failure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main

from cioctl.cli import app
from cioctl.emulator import running_emulator
from tests.cli.conftest import Cli
from tests.conftest import EXAMPLE
from tests.served import KEYS, SERVICE_ACCOUNT_VAR, add_environments, served_environment


def flat(text: str) -> str:
    """Help text without rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in getattr(root, "commands", {}).items():
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "cioctl")
def test_help_shows_types_as_words(cli: Cli, path: list[str]) -> None:
    code, out = cli(*path, "--help")
    assert code == 0, out
    assert not re.search(r"<(bool|str|int|path|list\[|float|text\|)", out), out


def test_root_help_lists_the_global_options_and_exit_codes(cli: Cli) -> None:
    code, out = cli("--help")
    assert code == 0
    out = flat(out)
    for option in ("--env", "-e", "--workspace", "-w", "--format", "--verbose", "--no-color"):
        assert re.search(rf"(^|\s){re.escape(option)}\s", out), option
    assert "130 interrupted" in out and "2 changes present" in out


def test_value_options_show_their_type_and_flags_none(cli: Cli) -> None:
    _, out = cli("plan", "--help")
    assert re.search(r"--out\s+PATH", out) and re.search(r"--format\s+text\|markdown\|json", out)
    assert re.search(r"--detailed-exitcode\s+Exit 2", out), out
    _, out = cli("emulator", "serve", "--help")
    assert re.search(r"--port\s+INTEGER", out), out


def test_promote_explains_its_own_from_and_to(cli: Cli) -> None:
    diff, promote = (flat(cli(name, "--help")[1]) for name in ("diff", "promote"))
    assert "compare from" in diff and "compare from" not in promote
    assert "already running the definitions" in promote and "drifted" in promote


def test_global_options_before_the_command_reach_it_in_process(cli: Cli) -> None:
    code, out = cli("-e", "production", "-w", str(EXAMPLE), "validate")
    assert code == 0 and "production" in out, out
    code, out = cli("--format", "json", "-w", str(EXAMPLE), "validate")
    assert code == 0 and out.lstrip().startswith("{"), out


# --- -v: details of API failures ------------------------------------------------------------

WRONG_KEY = "wrong-app-key-canary-5150"


@pytest.fixture
def served_example(example_copy: Path, tmp_path: Path) -> Iterator[Path]:
    with running_emulator(tmp_path / "served.sqlite3", rate_limit=False) as url:
        add_environments(example_copy, served_environment("served", url))
        yield example_copy


def _plan(workspace: Path, *verbose: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **KEYS, "SERVED_APP_KEY": WRONG_KEY, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "cioctl", *verbose, "plan", "-w",
                           str(workspace), "-e", "served"], capture_output=True, text=True,
                          env=env, check=False, timeout=120)


def test_verbose_adds_route_request_id_and_masked_body_of_a_failed_request(
    served_example: Path,
) -> None:
    quiet, loud = _plan(served_example), _plan(served_example, "-v")
    assert quiet.returncode == loud.returncode == 1
    assert "HTTP 401" in quiet.stderr and "response body" not in quiet.stderr
    (detail,) = [line for line in loud.stderr.splitlines() if "response body:" in line]
    assert re.search(r"GET /v1/\w+ failed: HTTP 401, (no request id|request id \S+), "
                     r"response body: \{.*invalid_credentials", detail), detail
    for run in (quiet, loud):
        assert WRONG_KEY not in run.stdout + run.stderr
        assert KEYS[SERVICE_ACCOUNT_VAR] not in run.stdout + run.stderr


def test_response_body_masks_secrets() -> None:
    import httpx

    from cioctl.api.errors import response_excerpt
    from cioctl.api.secret import Secret

    key = Secret("live-key-canary-77")
    body = {"errors": [{"detail": f"bad key {key.reveal()}"}],
            "action": {"headers": [{"name": "Authorization", "value": "Bearer s3cr3t-x"}],
                       "url": "https://hooks.test/x?token=t0k3n-y", "api_key": "k-z"}}
    text = response_excerpt(httpx.Response(400, json=body),
                            lambda t: t.replace(key.reveal(), key.masked))
    for secret in (key.reveal(), "s3cr3t-x", "t0k3n-y", "k-z"):
        assert secret not in text
    assert "bad key" in text and "hooks.test" in text
