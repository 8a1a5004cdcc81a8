"""Shared fixtures: real workspaces on disk, built from text."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "workspaces" / "example"

# Property tests run 300 examples in CI; the bad-input fuzz tests ask for 1,000 themselves
# (tests/test_fuzz.py), and a test whose issue names a count sets it with @settings.
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

MINIMAL_WORKSPACE = """\
workspace: test
environments:
  staging:
    workspace_id: 5
    credentials: {app_api_key: "${env:TEST_APP_KEY}"}
    variables: {sender: "Staging <s@example.test>"}
variables:
  sender: "Local <l@example.test>"
"""

WriteWorkspace = Callable[..., Path]


@pytest.fixture
def write_workspace(tmp_path: Path) -> WriteWorkspace:
    """Create a workspace folder from ``{relative path: yaml text}`` (dedented)."""

    def write(files: dict[str, str] | None = None, workspace: str = MINIMAL_WORKSPACE) -> Path:
        root = tmp_path / "ws"
        root.mkdir(exist_ok=True)
        (root / "workspace.yaml").write_text(workspace, encoding="utf-8")
        for name, text in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled example workspace."""
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".cioctl"))
    return target
