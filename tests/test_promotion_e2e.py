"""The team journey end to end: two `cioctl emulator serve` processes on loopback stand in for
the staging and production workspaces; a PR plans both, merge applies staging, promote plans
production from the same definitions, production is applied from the saved plan, drift and
diff report, a UI edit is caught, and import writes definitions that plan to zero changes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT
from tests.conftest import EXAMPLE

ENV = {"CIO_STAGING_APP_API_KEY": LOCAL_APP_API_KEY,
       "CIO_STAGING_SERVICE_ACCOUNT": LOCAL_SERVICE_ACCOUNT,
       "CIO_PRODUCTION_APP_API_KEY": LOCAL_APP_API_KEY,
       "CIO_PRODUCTION_SERVICE_ACCOUNT": LOCAL_SERVICE_ACCOUNT}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Two served emulators: staging (workspace 111111) and production (222222)."""
    procs, urls = [], {}
    for name, workspace_id in (("staging", 111111), ("production", 222222)):
        folder = tmp_path / f"server-{name}"
        folder.mkdir()
        (folder / "workspace.yaml").write_text("workspace: server\n")
        port = _free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "cioctl", "emulator", "serve", "-w", str(folder),
             "--port", str(port), "--workspace-id", str(workspace_id)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        urls[name] = f"http://127.0.0.1:{port}"
    try:
        for url in urls.values():
            _wait(url)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def _wait(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/v1/info/ip_addresses", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


def cioctl(*args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "cioctl", *args], capture_output=True,
                          text=True, env={**os.environ, **ENV, "NO_COLOR": "1", "CI": "true"},
                          timeout=300, check=False)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def repo(tmp_path: Path, served: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cioctl"))
    text = (root / "workspace.yaml").read_text()
    text = text.replace("    region: us\n    workspace_id: 111111\n",
                        f"    endpoint: {served['staging']}\n    workspace_id: 111111\n")
    text = text.replace("    region: eu\n    workspace_id: 222222\n",
                        f"    endpoint: {served['production']}\n    workspace_id: 222222\n")
    (root / "workspace.yaml").write_text(text)
    return root


def test_pr_plan_apply_promote_drift_diff_import(repo: Path, tmp_path: Path,
                                                 served: dict[str, str]) -> None:
    ws = str(repo)
    for env in ("staging", "production"):
        code, out = cioctl("validate", "-w", ws, "-e", env)
        assert code == 0, out
        code, out = cioctl("plan", "-w", ws, "-e", env, "--format", "markdown", "--out",
                           str(tmp_path / f"plan-{env}.json"))
        assert code == 0 and out.startswith("<!-- cioctl-plan -->"), out
        assert "| + to create | 63 |" in out

    code, out = cioctl("apply", "-w", ws, "-e", "staging", "--auto-approve",
                       str(tmp_path / "plan-staging.json"))
    assert code == 0 and "63 applied" in out, out
    assert cioctl("drift", "-w", ws, "-e", "staging")[0] == 0
    code, out = cioctl("drift", "-w", ws, "-e", "production")
    assert code == 2 and "differs from the definitions in 63" in out

    code, out = cioctl("promote", "--from", "staging", "--to", "production", "-w", ws,
                       "--out", str(tmp_path / "promote.json"))
    assert code == 0, out
    assert "63 to create" in out and "Differences staging → production" in out
    assert "Acme Staging <hello@staging.acme.test>" in out and "Acme <hello@acme.test>" in out
    code, out = cioctl("apply", "-w", ws, "-e", "production", "--auto-approve",
                       str(tmp_path / "promote.json"))
    assert code == 0 and "63 applied" in out, out
    assert cioctl("drift", "-w", ws, "-e", "production")[0] == 0

    code, out = cioctl("diff", "--from", "staging", "--to", "production", "-w", ws)
    assert code == 2 and "trial_last_day › from" in out and "segment pro_plan" not in out

    _edit_snippet_in_the_ui(served["staging"])
    code, out = cioctl("drift", "-w", ws, "-e", "staging")
    assert code == 2 and "snippet support_line" in out
    code, out = cioctl("promote", "--from", "staging", "--to", "production", "-w", ws)
    assert code == 1 and "does not match the definitions" in out

    imported = tmp_path / "imported"
    imported.mkdir()
    code, out = cioctl("import", "-w", ws, "-e", "production", "-o", str(imported))
    assert code == 0, out
    code, out = cioctl("plan", "-w", str(imported), "-e", "production", "--detailed-exitcode")
    assert code == 0 and "No changes" in out, out


def _edit_snippet_in_the_ui(url: str) -> None:
    response = httpx.put(f"{url}/v1/snippets", json={"name": "support_line",
                                                     "value": "Email us any time."},
                         headers={"Authorization": f"Bearer {LOCAL_APP_API_KEY}"})
    assert response.status_code == 200, response.text
