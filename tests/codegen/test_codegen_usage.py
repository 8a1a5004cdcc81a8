"""``cioctl codegen --usage``: declared-but-unused events and calls to undeclared events, in
Python (ast) and TypeScript (the TypeScript parser via node)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cioctl.codegen.model import CodegenModel
from cioctl.codegen.python import render_python
from cioctl.codegen.usage import usage_report
from tests.codegen.conftest import NODE_MODULES, REPO, cli, needs_node_tools

PY_APP = """\
from tracking import Tracker
import customerio

class Signup:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    def run(self, cio: customerio.CustomerIO, name: str) -> None:
        self.tracker.signed_up("1", method="google")
        self.tracker.order_placed_2("1")
        self.tracker.identify("1", plan="pro")
        self.tracker.signd_up("1", method="google")
        cio.track("1", "import", {"from": "x"})
        cio.track("1", name="gone_event")
        cio.track("1", name)
        other.signed_up_later("1")
"""
TS_APP = """\
import { TrackClient } from "customerio-node";
import { Tracker } from "./tracking.js";
export function run(tracker: Tracker, cio: TrackClient): void {
  tracker.orderPlaced("1", { "total amount": 1 });
  tracker.e1stLogin("1");
  void cio.track("1", { name: "track" });
  void cio.track("1", { name: "renamed_event", data: {} });
  this.tracking.signdUp("1");
}
"""


@pytest.fixture
def sources(tmp_path: Path, awkward_model: CodegenModel) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "app.py").write_text(PY_APP, encoding="utf-8")
    (src / "tracking.py").write_text(render_python(awkward_model), encoding="utf-8")
    (src / "node_modules").mkdir()  # never read
    (src / "node_modules" / "x.ts").write_text("tracker.nope('1');", encoding="utf-8")
    return src


def test_python_usage(awkward_model: CodegenModel, sources: Path) -> None:
    report = usage_report(awkward_model, [sources])
    assert report.files == 1  # the generated module and node_modules are skipped
    assert sorted(report.used) == ["import", "order.placed", "signed_up"]
    assert [(Path(s.file).name, s.line, s.named) for s in report.undeclared] == [
        ("app.py", 12, "signd_up"), ("app.py", 14, "gone_event")]
    assert report.unused == ["1st-login", "Order Placed", "track"]


@needs_node_tools
def test_typescript_usage_through_the_typescript_parser(
        awkward_model: CodegenModel, sources: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (sources / "web.ts").write_text(TS_APP, encoding="utf-8")
    monkeypatch.setenv("NODE_PATH", str(NODE_MODULES))
    report = usage_report(awkward_model, [sources])
    assert report.files == 2
    assert sorted(report.used) == ["1st-login", "Order Placed", "import", "order.placed",
                                   "signed_up", "track"]
    assert [(Path(s.file).name, s.line, s.named) for s in report.undeclared] == [
        ("app.py", 12, "signd_up"), ("app.py", 14, "gone_event"),
        ("web.ts", 7, "renamed_event"), ("web.ts", 8, "signdUp")]
    assert report.unused == []


def test_cli_usage_formats_and_exit_code(awkward: Path, sources: Path) -> None:
    code, text = cli("codegen", "-w", str(awkward), "--usage", str(sources))
    assert code == 1  # a call to an undeclared event is a bug
    assert "calls to undeclared events:" in text and "app.py:12" in text
    assert "did you mean 'signed_up'?" in text and "declared but unused:" in text
    code, text = cli("codegen", "-w", str(awkward), "--usage", str(sources), "--format",
                     "markdown")
    assert text.startswith("<!-- cioctl-usage -->") and "Declared but unused (3)" in text
    code, text = cli("codegen", "-w", str(awkward), "--usage", str(sources / "app.py"),
                     "--format", "json")
    data = json.loads(text)
    assert data["unused"] == ["1st-login", "Order Placed", "track"]
    assert [u["name"] for u in data["undeclared"]] == ["signd_up", "gone_event"]
    code, text = cli("codegen", "-w", str(awkward), "--usage")
    assert code == 1 and "needs the source files" in text
    code, text = cli("codegen", "-w", str(awkward), "--usage", str(sources / "missing"))
    assert code == 1 and "no such file" in text


@needs_node_tools
def test_example_apps_send_only_declared_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_PATH", str(NODE_MODULES))
    apps = REPO / "workspaces" / "example" / "apps"
    code, text = cli("codegen", "-w", str(apps.parent), "--usage", str(apps))
    assert code == 0, text
    assert "0 calls to undeclared events" in text and "  account_deleted" in text


def test_typescript_without_the_typescript_package_is_a_clear_error(
        awkward_model: CodegenModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "web.ts").write_text(TS_APP, encoding="utf-8")
    monkeypatch.setenv("NODE_PATH", "")
    monkeypatch.chdir(tmp_path)
    if any((p / "node_modules" / "typescript").is_dir() for p in (tmp_path, *tmp_path.parents)):
        pytest.skip("a typescript package is installed above the temporary folder")
    code, text = cli("codegen", "-w", str(REPO / "workspaces" / "example"), "--usage",
                     str(tmp_path / "web.ts"))
    assert code == 1 and ("'typescript' npm package" in text or "needs node" in text)
