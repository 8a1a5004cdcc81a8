"""``show PLAN.json`` prints what ``plan`` printed: same fields, same order, every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.plan.engine_helpers import edit


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_show_renders_a_saved_plan_as_plan_did(cli: Cli, example_copy: Path, tmp_path: Path,
                                               output: str) -> None:
    ws, saved = str(example_copy), tmp_path / "plan.json"
    assert cli("apply", "-w", ws, "--auto-approve")[0] == 0
    edit(example_copy / "templates/tips.html", "Invite a teammate", "Invite your team")
    (example_copy / "flows/renewal.yaml").unlink()  # a delete: every field, in model order
    with (example_copy / "segments/engagement.yaml").open("a") as handle:
        handle.write("  - name: Mobile users\n    conditions: {event: logged_in, at_least: 5}\n")
    code, planned = cli("plan", "-w", ws, "--format", output)
    assert code == 0 and "mobile_users" in planned
    assert cli("plan", "-w", ws, "--out", str(saved))[0] == 0
    code, shown = cli("show", str(saved), "--format", output)
    assert code == 0
    assert shown == planned
