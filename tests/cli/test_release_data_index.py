"""Deleting an attribute or event definition: no API deletes data-index metadata, so apply
stops managing it, says so once, and later plans, drifts and applies are clean."""

from __future__ import annotations

from pathlib import Path

from cioctl.plan.change import Action
from tests.cli.conftest import Cli
from tests.plan.engine_helpers import apply, edit, plan

PHONE = "  - {name: phone, type: string, format: phone, sensitive: true}\n"


def test_removed_attribute_is_released_once_and_later_plans_are_clean(
        example_copy: Path, cli: Cli) -> None:
    apply(example_copy)
    edit(example_copy / "data/attributes.yaml", PHONE, "")
    (change,) = plan(example_copy).changes
    assert change.action is Action.UNSUPPORTED and change.address == "attribute:phone"
    assert "apply stops managing it" in (change.reason or "")
    code, out = cli("apply", "-w", str(example_copy), "--auto-approve")
    assert code == 0, out
    assert "cioctl stopped managing attribute:phone, delete it in the UI" in out
    code, out = cli("plan", "-w", str(example_copy), "--detailed-exitcode")
    assert code == 0 and "No changes" in out, out
    code, out = cli("drift", "-w", str(example_copy))
    assert code == 0, out
    code, out = cli("apply", "-w", str(example_copy), "--auto-approve")
    assert code == 0 and "stopped managing" not in out, out
