"""The Python target: typed (mypy --strict, ruff), self-contained, and it sends through the
official ``customerio`` client or any callable, with validation off|warn|raise and a recorder."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cioctl.codegen.model import CodegenModel
from cioctl.codegen.python import render_python
from tests.codegen.conftest import REPO

PYTHON_APP = REPO / "workspaces" / "example" / "apps" / "python"
GOOD_USE = """\
from awkward_tracking import RecordingTracker, Tracker, TrackingValidationError

def use(tracker: Tracker) -> None:
    tracker.signed_up("1", method="google", plan="pro", timestamp=1700000000)
    tracker.order_placed("1", total_amount=2.5, class_="x", timestamp_="2024-01-01T00:00:00Z",
                         person_id_="p", item_count=2, rating=1.5, flag=True, tags=[1],
                         meta={"a": 1}, day="2024-02-29", url="https://x.test")
    tracker.order_placed_2("1")
    tracker.track_("1")
    tracker.e_1st_login("1")
    tracker.import_("1", from_="x")
    tracker.identify("1", email="a@b.c", plan="pro", score=3, class_="c", seen_at=5)
    tracker.track("1", "Order Placed", {"total amount": 1})

recorder = RecordingTracker()
use(recorder)
errors: list[TrackingValidationError] = []
"""
BAD_USE = """\
from awkward_tracking import Tracker

def use(tracker: Tracker) -> None:
    tracker.signed_up("1", method="fax")
    tracker.signed_up("1")
    tracker.order_placed("1", total_amount=1, item_count=7)
    tracker.no_such_event("1")
    tracker.track("1", "no such event", {})
"""


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated(awkward_model: CodegenModel, tmp_path: Path) -> ModuleType:
    path = tmp_path / "awkward_tracking.py"
    path.write_text(render_python(awkward_model), encoding="utf-8")
    return _load(path, "awkward_tracking")


def test_generated_module_passes_mypy_strict_and_ruff(awkward_model: CodegenModel,
                                                      tmp_path: Path) -> None:
    """~10 s: one mypy run (the generated module, correct and incorrect callers) and ruff."""
    (tmp_path / "awkward_tracking.py").write_text(render_python(awkward_model), encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD_USE, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD_USE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir",
         str(tmp_path / ".mypy"), "awkward_tracking.py", "good.py", "bad.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if not e.startswith("bad.py")], result.stdout
    assert {int(e.split(":")[1]) for e in errors} == {4, 5, 6, 7, 8}, result.stdout
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--config", str(REPO / "pyproject.toml"),
         "--no-cache", "awkward_tracking.py"], cwd=tmp_path, capture_output=True, text=True,
        check=False)
    assert ruff.returncode == 0, ruff.stdout


def test_generated_module_imports_only_the_standard_library(
        awkward_model: CodegenModel) -> None:
    tree = ast.parse(render_python(awkward_model))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported - {"__future__"} <= set(sys.stdlib_module_names), imported


def test_sends_through_the_official_customerio_client(
        generated: ModuleType, track_server: tuple[str, list[dict[str, Any]]]) -> None:
    import customerio

    url, received = track_server
    client = customerio.CustomerIO(site_id="site", api_key="key", retries=0)
    client.base_url = url  # the client only speaks https to its own hosts; a local stand-in
    tracker = generated.Tracker(client, validation="raise")
    tracker.signed_up("42", method="google", plan="pro", timestamp=1700000000)
    tracker.order_placed("42", total_amount=9.5, class_="gold", timestamp_=12)
    tracker.identify("42", email="ada@example.com", plan="pro")
    assert received == [
        {"method": "POST", "path": "/api/v1/customers/42/events",
         "body": {"name": "signed_up", "data": {"method": "google", "plan": "pro"},
                  "timestamp": 1700000000}},
        {"method": "POST", "path": "/api/v1/customers/42/events",
         "body": {"name": "Order Placed",
                  "data": {"total amount": 9.5, "class": "gold", "timestamp": 12}}},
        {"method": "PUT", "path": "/api/v1/customers/42",
         "body": {"email": "ada@example.com", "plan": "pro"}},
    ]


def test_any_callable_and_the_validation_modes(generated: ModuleType) -> None:
    sent: list[Any] = []
    raising = generated.Tracker(sent.append, validation="raise")
    with pytest.raises(generated.TrackingValidationError) as refused:
        raising.track("1", "signed_up", {"method": "fax", "plan": 3})
    assert [p.path for p in refused.value.problems] == ["$.data.method", "$.data.plan"]
    assert sent == []
    with pytest.raises(generated.TrackingValidationError, match="missing required"):
        raising.track("1", "import", {})
    with pytest.raises(generated.TrackingValidationError, match="not a valid email"):
        raising.identify("1", email="nobody")

    warning = generated.Tracker(sent.append, validation="warn")
    with pytest.warns(generated.TrackingValidationWarning, match="is not one of"):
        warning.track("1", "signed_up", {"method": "fax"})
    assert sent[-1].data == {"method": "fax"}  # warn never stops production traffic

    quiet = generated.Tracker(sent.append, validation="off")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.track("1", "signed_up", {"method": "fax"})
    assert len(sent) == 2
    with pytest.warns(generated.TrackingValidationWarning, match="not a declared property"):
        raising.track("1", "signed_up", {"method": "email", "extra": 1})  # a warning: sent
    assert len(sent) == 3


def test_default_validation_raises_under_tests_and_follows_the_environment(
        generated: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    assert generated.Tracker([].append).validation == "raise"  # PYTEST_CURRENT_TEST
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert generated.default_validation() == "warn"
    monkeypatch.setenv("CIO_TRACKING_VALIDATION", "off")
    assert generated.default_validation() == "off"


def test_recording_tracker_for_unit_tests(generated: ModuleType) -> None:
    recorder = generated.RecordingTracker()
    recorder.signed_up("1", method="github")
    recorder.track_("2")
    recorder.identify("1", score=4)
    assert [c.name for c in recorder.events()] == ["signed_up", "track"]
    assert recorder.events("signed_up")[0].data == {"method": "github"}
    assert recorder.identified()[0].data == {"score": 4}
    with pytest.raises(generated.TrackingValidationError):
        recorder.order_placed("1", total_amount=1, day="2023-02-29")
    recorder.clear()
    assert recorder.calls == []


def test_example_python_app_type_checks_lints_and_its_tests_pass(tmp_path: Path) -> None:
    """~10 s: mypy --strict, ruff and the app's own pytest, as a user's CI would run them."""
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir",
                           str(tmp_path / ".mypy"), "acme_app", "tests"], cwd=PYTHON_APP,
                          capture_output=True, text=True, check=False)
    assert mypy.returncode == 0, mypy.stdout
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--config",
                           str(REPO / "pyproject.toml"), "acme_app", "tests"], cwd=PYTHON_APP,
                          capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "-p", "no:randomly", "tests"], cwd=PYTHON_APP, capture_output=True,
                           text=True, check=False)
    assert tests.returncode == 0 and "3 passed" in tests.stdout, tests.stdout
