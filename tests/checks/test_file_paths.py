"""body_file / data_file read only files inside the workspace folder (symlinks resolved first);
anything else is an error at the field's line, and nothing of the file reaches a plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.pipeline import validate_workspace
from tests.checks.test_checks import DATA
from tests.conftest import WriteWorkspace

FLOW = """\
flows:
  - name: F
    trigger: {event: cancelled}
    steps:
      - wait: 1d
      - email: {id: a, subject: S,
                body_file: %s}
"""
COLLECTION = """\
collections:
  - name: rows
    data_file: %s
"""


def _problems(root: Path) -> list[tuple[str, int, str, str]]:
    report = validate_workspace(root, "local", {})
    return [(p.location.file.name if p.location else "?", p.location.line if p.location else 0,
             p.message, p.hint or "") for p in report.problems]


@pytest.mark.parametrize(("path", "says"), [
    ("/proc/self/environ", "is an absolute path"),
    ("/etc/passwd", "is an absolute path"),
    ("../outside.html", "outside the workspace folder"),
    ("../../../../../../../../proc/self/environ", "outside the workspace folder"),
    ("tpl/link.html", "outside the workspace folder"),  # a symlink pointing outside
])
def test_body_file_outside_the_workspace_is_an_error_at_its_line(
        write_workspace: WriteWorkspace, tmp_path: Path, path: str, says: str) -> None:
    secret = "canary-outside-4e5f6a7b8c"
    (tmp_path / "outside.html").write_text(secret, encoding="utf-8")
    root = write_workspace({"data.yaml": DATA, "flows.yaml": FLOW % path})
    (root / "tpl").mkdir()
    (root / "tpl" / "link.html").symlink_to(tmp_path / "outside.html")
    (problem,) = _problems(root)
    file, line, message, hint = problem
    assert (file, line) == ("flows.yaml", 7) and "body_file" in message and says in message
    assert "inside the workspace folder" in hint
    assert secret not in message + hint


def test_data_file_outside_the_workspace_is_an_error_at_its_line(
        write_workspace: WriteWorkspace, tmp_path: Path) -> None:
    (tmp_path / "rows.json").write_text("[]", encoding="utf-8")
    root = write_workspace({"data.yaml": DATA, "c.yaml": COLLECTION % "../rows.json"})
    (problem,) = _problems(root)
    assert problem[:2] == ("c.yaml", 3) and "data_file" in problem[2]
    assert "outside the workspace folder" in problem[2]


def test_files_inside_the_workspace_still_load_through_symlinks(
        write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"data.yaml": DATA, "flows/f.yaml": FLOW % "../tpl/link.html",
                            "tpl/real.html": "<p>hi</p>", "c.yaml": COLLECTION % "rows.json",
                            "rows.json": '[{"id": 1}]'})
    (root / "tpl" / "link.html").symlink_to(root / "tpl" / "real.html")
    report = validate_workspace(root, "local", {})
    assert report.problems == ()
    assert report.workspace.collections[0].data == [{"id": 1}]
