"""A saved plan is applied exactly as shown or refused: edited changes (with or without a
recomputed digest) and plans made for another workspace or environment touch nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.plan.value import PLAN_FORMAT, Plan, load_plan, plan_digest
from tests.plan.engine_helpers import apply, edit, plan

_PLAN: TypeAdapter[Plan] = TypeAdapter(Plan)
SNIPPET_EDIT = ('value: "Acme:"', 'value: "ACME:"')


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def saved(example_copy: Path, tmp_path: Path,
          capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """The example applied, then one snippet edit planned into plan.json."""
    assert apply(example_copy).result.ok
    edit(example_copy / "content/snippets.yaml", *SNIPPET_EDIT)
    path = tmp_path / "plan.json"
    code, _ = _cli(capsys, "plan", "-w", str(example_copy), "--out", str(path))
    assert code == 0
    assert [c.address for c in load_plan(path).changes] == ["snippet:sms_signature"]
    return example_copy, path


def _winback_delete(root: Path) -> dict[str, Any]:
    """A genuine ``delete flow:cancellation_win_back`` change, as a plan file holds it."""
    moved = root.parent / "winback.yaml.away"
    shutil.move(root / "flows/winback.yaml", moved)
    try:
        data = plan(root).to_data()
    finally:
        shutil.move(moved, root / "flows/winback.yaml")
    return next(c for c in data["changes"] if c["action"] == "delete"
                and c["key"] == "cancellation_win_back")


def _write(path: Path, data: dict[str, Any], *, redigest: bool = False) -> Path:
    if redigest:  # anyone can recompute a digest: apply must still refuse
        data["changes_digest"] = plan_digest(_PLAN.validate_python(
            {k: v for k, v in data.items() if k not in {"summary", "changes_digest"}}))
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _only_the_snippet_is_pending(root: Path) -> None:
    """Nothing was applied: winback still exists and the snippet edit is still to do."""
    assert [(c.action, c.address) for c in plan(root).changes] == [
        ("update", "snippet:sms_signature")]


@pytest.mark.parametrize("redigest", [False, True])
def test_appended_delete_is_refused_and_nothing_is_deleted(
        saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str], redigest: bool) -> None:
    root, path = saved
    data = json.loads(path.read_text(encoding="utf-8"))
    data["changes"].append(_winback_delete(root))
    tampered = _write(path.with_name("tampered.json"), data, redigest=redigest)
    code, text = _cli(capsys, "apply", "-w", str(root), "--auto-approve", str(tampered))
    assert code == 1
    if redigest:
        assert "not what apply would do now" in text and "delete flow:cancellation_win_back" in text
    else:
        assert "was modified after it was written" in text
    assert "nothing was changed" in text or "neither shown nor applied" in text
    _only_the_snippet_is_pending(root)


@pytest.mark.parametrize("redigest", [False, True])
def test_edited_after_is_refused_by_apply_and_show(
        saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str], redigest: bool) -> None:
    root, path = saved
    data = json.loads(path.read_text(encoding="utf-8"))
    data["changes"][0]["after"]["value"] = "Evil Corp:"
    data["changes"][0]["fields"][0]["after"] = "Evil Corp:"
    tampered = _write(path.with_name("tampered.json"), data, redigest=redigest)
    code, text = _cli(capsys, "apply", "-w", str(root), "--auto-approve", str(tampered))
    assert code == 1 and "Evil Corp" not in text
    _only_the_snippet_is_pending(root)
    if not redigest:
        code, text = _cli(capsys, "show", str(tampered))
        assert code == 1 and "was modified after it was written" in text
        assert "Evil Corp" not in text


def test_plan_of_an_older_format_is_refused_naming_both_versions(
        saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A format 2 plan (segments and flows in the codec's form) is neither shown nor applied:
    the message names its format and this one, and says to plan again."""
    root, path = saved
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format"] = PLAN_FORMAT - 1
    old = path.with_name("old.json")
    old.write_text(json.dumps(data), encoding="utf-8")
    for command in (["show", str(old)], ["apply", "-w", str(root), "--auto-approve", str(old)]):
        code, text = _cli(capsys, *command)
        flat = " ".join(text.split())
        assert code == 1, text
        assert f"a plan of format {PLAN_FORMAT - 1}" in flat
        assert f"only plans of format {PLAN_FORMAT}" in flat
        assert "re-run 'cioctl plan --out FILE'" in flat
    _only_the_snippet_is_pending(root)


def test_untouched_saved_plan_applies(saved: tuple[Path, Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root, path = saved
    code, text = _cli(capsys, "apply", "-w", str(root), "--auto-approve", str(path))
    assert code == 0, text
    assert plan(root).changes == ()


def test_plan_for_another_environment_is_refused_naming_both(
        saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root, path = saved
    code, text = _cli(capsys, "apply", "-w", str(root), "-e", "staging", "--auto-approve",
                      str(path))
    assert code == 1
    assert "environment 'local'" in text and "environment 'staging'" in text
    assert "definitions changed" not in text
    _only_the_snippet_is_pending(root)


def test_zero_change_plan_of_another_workspace_is_refused_naming_both(
        example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert apply(example_copy).result.ok
    path = tmp_path / "empty.json"
    assert _cli(capsys, "plan", "-w", str(example_copy), "--out", str(path))[0] == 0
    assert not load_plan(path).changes
    other = tmp_path / "other"
    shutil.copytree(example_copy, other, ignore=shutil.ignore_patterns(".cioctl"))
    edit(other / "workspace.yaml", "workspace: acme-projects", "workspace: globex")
    code, text = _cli(capsys, "apply", "-w", str(other), "--auto-approve", str(path))
    assert code == 1
    assert "workspace 'acme-projects'" in text and "workspace 'globex'" in text
    assert len(plan(other).changes) == 63  # the other workspace's embedded state: untouched


@pytest.mark.parametrize("redigest", [False, True])
def test_edited_ownership_writes_are_refused(
        saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str], redigest: bool) -> None:
    """The ownership writes a reviewer is shown are covered by the digest too: a file that
    claims apply records (or removes) other ledger rows is neither shown nor applied."""
    root, path = saved
    data = json.loads(path.read_text(encoding="utf-8"))
    data["ownership"].append({"address": "snippet:sms_signature", "via": "ledger",
                              "op": "remove", "entry": "snippet:sms_signature"})
    tampered = _write(path.with_name("tampered.json"), data, redigest=redigest)
    code, text = _cli(capsys, "apply", "-w", str(root), "--auto-approve", str(tampered))
    assert code == 1 and "nothing was changed" in text
    _only_the_snippet_is_pending(root)
    code, text = _cli(capsys, "show", str(tampered))
    assert (code == 1) != redigest  # a recomputed digest is shown; apply still refuses it
