"""Every ``*.yaml`` path in a workspace is read or reported: nothing drops out silently
(a definitions file that vanished from validate would make apply delete what it defined)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.pipeline import validate_workspace
from tests.conftest import WriteWorkspace

SEGMENTS = "attributes: [{name: plan}]\nsegments:\n  - {name: Pro, conditions: " \
    "{attribute: plan, operator: eq, value: pro}}\n"


def _problems(root: Path) -> dict[str, str]:
    report = validate_workspace(root, "local", {})
    return {p.location.file.name: p.message for p in report.problems if p.location}


def test_dangling_link_is_an_error_at_its_path(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"ok.yaml": SEGMENTS})
    (root / "segments.yaml").symlink_to("gone.yaml")
    found = _problems(root)
    assert "gone.yaml" in found["segments.yaml"] and "does not exist" in found["segments.yaml"]


def test_self_loop_is_an_error(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"ok.yaml": SEGMENTS})
    (root / "self.yaml").symlink_to("self.yaml")
    assert "loop" in _problems(root)["self.yaml"]


def test_loop_between_two_links_reports_both(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"ok.yaml": SEGMENTS})
    (root / "sub").mkdir()
    (root / "sub" / "a.yaml").symlink_to("../b.yml")
    (root / "b.yml").symlink_to("sub/a.yaml")
    found = _problems(root)
    assert "loop" in found["a.yaml"] and "loop" in found["b.yml"]


def test_dangling_or_looping_linked_folder_is_an_error(write_workspace: WriteWorkspace,
                                                       tmp_path: Path) -> None:
    # A linked folder of definitions whose target is gone (e.g. not checked out in CI) would
    # otherwise drop out of validate, and apply would delete what it defined.
    root = write_workspace({"ok.yaml": SEGMENTS})
    (root / "shared").symlink_to(tmp_path / "gone")
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    (root / "looped").symlink_to(tmp_path / "l1")
    (root / "notes.md").symlink_to(tmp_path / "gone.md")  # a file that is not definitions
    found = _problems(root)
    assert "does not exist" in found["shared"] and "loop" in found["looped"], found
    assert "notes.md" not in found, found


def test_folder_named_yaml_is_an_error(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"ok.yaml": SEGMENTS})
    (root / "flows.yaml").mkdir()
    assert "is a folder" in _problems(root)["flows.yaml"]


def test_linked_folders_and_files_are_read(write_workspace: WriteWorkspace,
                                           tmp_path: Path) -> None:
    root = write_workspace({"ok.yaml": "attributes: [{name: plan}]\n"})
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "seg.yaml").write_text(SEGMENTS.split("\n", 1)[1], encoding="utf-8")
    (root / "linked").symlink_to(shared)
    (root / "again.yaml").symlink_to(root / "ok.yaml")  # the same file twice: defined twice
    report = validate_workspace(root, "local", {})
    assert [s.key for s in report.workspace.segments] == ["pro"]
    assert [p.message for p in report.problems] == ["attribute key 'plan' is defined twice"
                                                   f" (first at {root / 'again.yaml'}:1:14)"]


def test_validate_and_plan_refuse_a_dangling_link(
    write_workspace: WriteWorkspace, capsys: pytest.CaptureFixture[str],
) -> None:
    root = write_workspace({"ok.yaml": SEGMENTS})
    (root / "more.yaml").symlink_to("gone.yaml")
    for command in ("validate", "plan"):
        code = run_cli(lambda c=command: app([c, "-w", str(root)], prog_name="cioctl"), False)
        output = "".join(capsys.readouterr())
        assert code == 1, output
        assert "more.yaml" in output and "does not exist" in output


def test_validate_and_plan_report_a_looping_link_without_a_traceback(
    write_workspace: WriteWorkspace, capsys: pytest.CaptureFixture[str],
) -> None:
    # Rendering the problem's path must not resolve the loop it reports (RuntimeError once).
    root = write_workspace({"ok.yaml": SEGMENTS})
    (root / "a.yaml").symlink_to("b.yaml")
    (root / "b.yaml").symlink_to("a.yaml")
    for command in ("validate", "plan"):
        code = run_cli(lambda c=command: app([c, "-w", str(root)], prog_name="cioctl"), False)
        output = "".join(capsys.readouterr())
        assert code == 1, output
        assert "Traceback" not in output and "internal error" not in output, output
        assert "a.yaml:1:1: error:" in output and "b.yaml:1:1: error:" in output, output


def test_missing_env_in_snippet_is_the_root_cause_not_a_cascade(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({
        "a_flows.yaml": """\
            events: [{name: signed_up}]
            flows:
              - name: F
                trigger: {event: signed_up}
                steps: [{email: {id: a, subject: "{{ snippets.footer }}", body: x}}]
            """,
        "z_snippets.yaml": 'snippets:\n  - {name: footer, value: "Bye ${env:FOOTER_TEXT}"}\n',
    })
    report = validate_workspace(root, "local", {})
    messages = [p.message for p in report.problems]
    assert messages and "FOOTER_TEXT is not set" in messages[0], messages
    assert not any("not a declared snippet" in m for m in messages), messages


def test_missing_variable_is_reported_before_other_files_problems(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({
        "a.yaml": "segments:\n  - {name: S, conditions: {segment: nowhere}}\n",
        "b.yaml": 'snippets:\n  - {name: footer, value: "${var.missing}"}\n',
    })
    report = validate_workspace(root, "local", {})
    assert "variable 'missing'" in report.problems[0].message
    assert "unknown segment" in report.problems[1].message


def test_node_modules_of_an_app_beside_the_definitions_is_not_read(
        write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"ok.yaml": SEGMENTS,
                            "apps/web/node_modules/pkg/action.yml": "runs: {using: node20}\n"})
    report = validate_workspace(root, "local", {})
    assert report.ok, report.problems
    assert [p.relative_to(root).as_posix() for p in report.workspace.files] == ["ok.yaml"]
