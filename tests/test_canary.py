"""A canary credential (and a canary secret in the definitions) never appears in any output,
plan file, audit log, step summary or PR text — while apply still sends the real values."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cioctl.emulator import running_emulator
from tests.conftest import EXAMPLE, WriteWorkspace

APP_KEY = "canary-app-key-5f3a9c1e77"
SERVICE_ACCOUNT = "canary-sa-token-0b4d2e9a61"
CRM_TOKEN = "canary-crm-token-9e8d7c6b5a"
CANARIES = (APP_KEY, SERVICE_ACCOUNT, CRM_TOKEN)


@pytest.fixture
def staging(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cioctl"))
    with running_emulator(tmp_path / "staging.sqlite3", workspace_id=111111,
                          app_api_keys=frozenset({APP_KEY}),
                          service_account_tokens=frozenset({SERVICE_ACCOUNT})) as url:
        text = (root / "workspace.yaml").read_text().replace(
            "    region: us\n    workspace_id: 111111\n",
            f"    endpoint: {url}\n    workspace_id: 111111\n")
        (root / "workspace.yaml").write_text(text)
        winback = root / "flows" / "winback.yaml"
        winback.write_text(winback.read_text().replace(
            "headers: {Content-Type: application/json}",
            'headers: {Content-Type: application/json, Authorization: "Bearer ${env:CRM_TOKEN}"}'))
        yield root, url


def test_secrets_never_leak(staging: tuple[Path, str], tmp_path: Path) -> None:
    root, url = staging
    summary, plan_file = tmp_path / "summary.md", tmp_path / "plan.json"
    env = {**os.environ, "CIO_STAGING_APP_API_KEY": APP_KEY,
           "CIO_STAGING_SERVICE_ACCOUNT": SERVICE_ACCOUNT, "CRM_TOKEN": CRM_TOKEN,
           "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "NO_COLOR": "1",
           "CI": "true"}
    ws = ["-w", str(root), "-e", "staging"]
    outputs = []
    for args in (["validate", *ws], ["plan", *ws, "--format", "markdown"],
                 ["plan", *ws, "--format", "json", "--out", str(plan_file)],
                 ["plan", *ws], ["show", str(plan_file)],
                 ["apply", *ws, "--auto-approve", str(plan_file)], ["drift", *ws],
                 ["doctor", *ws], ["-v", "plan", *ws, "--target", "nonsense:x"]):
        done = subprocess.run([sys.executable, "-m", "cioctl", *args], capture_output=True,
                              text=True, env=env, timeout=300, check=False)
        outputs.append(done.stdout + done.stderr)
    assert "63 applied" in outputs[5], outputs[5]
    assert "${env:CRM_TOKEN}" in plan_file.read_text()
    texts = [*outputs, plan_file.read_text(), summary.read_text(),
             (root / ".cioctl" / "audit.jsonl").read_text()]
    for canary in CANARIES:
        assert not [t for t in texts if canary in t], canary
    assert _webhook_header(url) == f"Bearer {CRM_TOKEN}"


def _get(url: str, headers: dict[str, str]) -> Any:
    """A read that waits out the emulator's 10 req/s limit (a 429 right after the commands
    above, on a loaded machine, made this test flaky)."""
    for _ in range(10):
        response = httpx.get(url, headers=headers)
        if response.status_code != 429:
            break
        time.sleep(float(response.headers.get("Retry-After", "1")))
    response.raise_for_status()
    return response.json()


def _webhook_header(url: str) -> str:
    auth = {"Authorization": f"Bearer {APP_KEY}"}
    campaigns = _get(f"{url}/v1/campaigns", auth)["campaigns"]
    winback = next(c for c in campaigns if c["name"] == "Cancellation win-back")
    actions = _get(f"{url}/v1/campaigns/{winback['id']}/actions", auth)
    hook = next(a for a in actions["actions"] if a["type"] == "webhook")
    import json

    headers = {h["name"]: h["value"] for h in json.loads(hook["headers"])}
    return str(headers["Authorization"])


OLD_CRM_TOKEN = "canary-old-crm-token-3c2b1a0f9e"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    from cioctl.cli import app
    from cioctl.cli.boundary import run_cli

    code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
    done = capsys.readouterr()
    assert code in (0, 2), done.out + done.err
    return done.out + done.err


@pytest.fixture
def staging_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("CIO_STAGING_APP_API_KEY", APP_KEY), ("NO_COLOR", "1"),
                        ("CIO_STAGING_SERVICE_ACCOUNT", SERVICE_ACCOUNT)):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def _every_rendering(capsys: pytest.CaptureFixture[str], root: Path,
                     plan_file: Path) -> list[str]:
    """plan (text, Markdown, JSON file), show (text, Markdown) and drift."""
    ws = ["-w", str(root), "-e", "staging"]
    texts = [_cli(capsys, "plan", *ws), _cli(capsys, "plan", *ws, "--format", "markdown"),
             _cli(capsys, "plan", *ws, "--format", "json", "--out", str(plan_file))]
    texts += [plan_file.read_text(), _cli(capsys, "show", str(plan_file)),
              _cli(capsys, "show", str(plan_file), "--format", "markdown"),
              _cli(capsys, "drift", *ws), _cli(capsys, "drift", *ws, "--format", "json")]
    return texts


def test_rotated_secret_live_values_are_masked(
        staging: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], staging_env: None) -> None:
    """After ${env:CRM_TOKEN} rotates, the live (old) value of every field filled from it —
    headers with innocent names and URL queries included — is masked in every output."""
    root, _ = staging
    winback = root / "flows" / "winback.yaml"
    winback.write_text(winback.read_text().replace(
        "Content-Type: application/json,", 'Content-Type: application/json, X-Crm-Id: '
        '"${env:CRM_TOKEN}",').replace("hooks/winback", "hooks/winback?code=${env:CRM_TOKEN}"))
    hooks = root / "content" / "integrations.yaml"
    hooks.write_text(hooks.read_text().replace(
        "endpoint: ${var.events_endpoint}",
        'endpoint: "${var.events_endpoint}?k=${env:CRM_TOKEN}"'))
    monkeypatch.setenv("CRM_TOKEN", OLD_CRM_TOKEN)
    _cli(capsys, "apply", "-w", str(root), "-e", "staging", "--auto-approve")
    monkeypatch.setenv("CRM_TOKEN", CRM_TOKEN)  # rotated
    plan_file = tmp_path / "rotated.json"
    texts = _every_rendering(capsys, root, plan_file)
    changed = {c["address"] if "address" in c else f"{c['kind']}:{c['key']}"
               for c in json.loads(plan_file.read_text())["changes"]}
    assert changed == {"flow:cancellation_win_back", "reporting_webhook:warehouse_events"}
    for canary in (OLD_CRM_TOKEN, CRM_TOKEN, APP_KEY, SERVICE_ACCOUNT):
        assert not [t for t in texts if canary in t], canary
    saved = plan_file.read_text()
    assert "?code=***" in saved and "?k=***" in saved and "Bearer ***" in saved
    assert "${env:CRM_TOKEN}" in saved


def test_credentials_read_into_a_template_are_masked(
        staging: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], staging_env: None) -> None:
    """The command's own credentials are masked wherever they appear, even in content the
    definitions read from a file."""
    root, _ = staging
    monkeypatch.setenv("CRM_TOKEN", CRM_TOKEN)
    welcome = root / "templates" / "welcome.html"
    welcome.write_text(welcome.read_text() + f"\n<!-- {APP_KEY} {SERVICE_ACCOUNT} -->\n")
    texts = _every_rendering(capsys, root, tmp_path / "plan.json")
    for canary in CANARIES:
        assert not [t for t in texts if canary in t], canary
    assert "${env:CIO_STAGING_APP_API_KEY}" in texts[3]


def test_validation_messages_name_the_variable_not_its_value(
        write_workspace: WriteWorkspace) -> None:
    """A problem whose text quotes an environment value (here an undeclared attribute built
    from one) shows ${env:NAME} instead."""
    from cioctl.pipeline import validate_workspace
    from tests.checks.test_checks import DATA

    root = write_workspace({"data.yaml": DATA, "flows.yaml": """\
        flows:
          - name: F
            trigger: {event: cancelled}
            steps:
              - email: {id: a, subject: "Hi {{ customer.${env:TOK} }}", body: x}
        """})
    report = validate_workspace(root, "local", {"TOK": CRM_TOKEN})
    (problem,) = report.problems
    assert CRM_TOKEN not in str(problem) and "customer.${env:TOK}" in str(problem)
