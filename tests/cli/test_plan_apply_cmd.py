"""plan, show and apply through the command line: exit codes, files, prompts, summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.plan.engine_helpers import edit

PLANS_LOOP = ("            {% for plan in plans %}<p>{{ plan.name }}: {{ plan.price }}</p>"
              "{% endfor %}\n")


def test_plan_exit_codes(cli: Cli, example_copy: Path) -> None:
    ws = str(example_copy)
    code, out = cli("plan", "-w", ws, "--detailed-exitcode")
    assert code == 2 and "63 to create" in out
    code, out = cli("plan", "-w", ws)
    assert code == 0
    code, out = cli("apply", "-w", ws, "--auto-approve")
    assert code == 0 and "63 applied, 0 failed, 0 skipped" in out
    code, out = cli("plan", "-w", ws, "--detailed-exitcode")
    assert code == 0 and "No changes" in out


def test_saved_plan_show_and_apply(cli: Cli, example_copy: Path, tmp_path: Path) -> None:
    ws, saved = str(example_copy), tmp_path / "out" / "plan.json"
    code, _ = cli("plan", "-w", ws, "--out", str(saved), "--format", "json")
    assert code == 0 and json.loads(saved.read_text())["summary"]["create"] == 63
    code, out = cli("show", str(saved), "--format", "markdown")
    assert code == 0 and out.startswith("<!-- cioctl-plan -->")
    code, out = cli("apply", "-w", ws, "-e", "local", "--auto-approve", str(saved))
    assert code == 0 and "63 applied" in out
    code, out = cli("apply", "-w", ws, "--auto-approve", str(saved))
    assert code == 1 and "changed since this plan was made" in out


def test_apply_needs_approval_without_a_terminal(cli: Cli, example_copy: Path) -> None:
    code, out = cli("apply", "-w", str(example_copy))
    assert code == 1 and "--auto-approve" in out


def test_apply_refuses_missing_credentials_before_touching_anything(
        cli: Cli, example_copy: Path) -> None:
    code, out = cli("apply", "-w", str(example_copy), "-e", "staging", "--auto-approve",
                    env={})
    assert code == 1 and "CIO_STAGING_APP_API_KEY" in out
    assert not (example_copy / ".cioctl" / "audit.jsonl").exists()


def test_markdown_goes_to_step_summary(cli: Cli, example_copy: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = cli("plan", "-w", str(example_copy), "--format", "markdown")
    assert code == 0 and summary.read_text() == out


def test_protected_delete_is_shown_then_refused(cli: Cli, example_copy: Path) -> None:
    ws = str(example_copy)
    edit(example_copy / "workspace.yaml", "  local:\n    backend: embedded\n",
         "  local:\n    backend: embedded\n    protect: true\n")
    assert cli("apply", "-w", ws, "--auto-approve")[0] == 0
    (example_copy / "content/integrations.yaml").unlink()
    # the trial email reads the deleted collection: validation requires that read to go too
    edit(example_copy / "flows/trial.yaml", PLANS_LOOP, "")
    code, out = cli("plan", "-w", ws)
    assert code == 1 and "- reporting_webhook warehouse_events" in out
    assert "protected" in out and "--allow-destroy" in out
    code, out = cli("apply", "-w", ws, "--auto-approve", "--allow-destroy")
    assert code == 0 and "3 applied" in out  # the webhook, the collection, the trial email
