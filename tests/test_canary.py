"""A canary credential (and a canary secret in the definitions) never appears in any output,
plan file, audit log, step summary or PR text — while apply still sends the real values."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cioctl.emulator import running_emulator
from tests.conftest import EXAMPLE

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


def _webhook_header(url: str) -> str:
    auth = {"Authorization": f"Bearer {APP_KEY}"}
    campaigns = httpx.get(f"{url}/v1/campaigns", headers=auth).json()["campaigns"]
    winback = next(c for c in campaigns if c["name"] == "Cancellation win-back")
    actions = httpx.get(f"{url}/v1/campaigns/{winback['id']}/actions", headers=auth).json()
    hook = next(a for a in actions["actions"] if a["type"] == "webhook")
    import json

    headers = {h["name"]: h["value"] for h in json.loads(hook["headers"])}
    return str(headers["Authorization"])
