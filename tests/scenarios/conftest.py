"""The example workspace, loaded once for the scenario tests."""

from __future__ import annotations

import pytest

from cioctl.engine import load_valid_workspace
from cioctl.model.workspace import Workspace
from cioctl.semantics.segments import SegmentWorld
from tests.conftest import EXAMPLE


@pytest.fixture(scope="session")
def example() -> Workspace:
    return load_valid_workspace(EXAMPLE, "local", {})


@pytest.fixture(scope="session")
def world(example: Workspace) -> SegmentWorld:
    return SegmentWorld.from_model(example)
