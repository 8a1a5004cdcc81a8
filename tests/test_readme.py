"""The README stays true to the code it describes."""

from __future__ import annotations

from cioctl.api.usage import ROUTES
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_first_two_commands_are_demo_and_test() -> None:
    commands = [line.split("#")[0].strip() for line in README.splitlines()
                if line.startswith("make ")]
    assert commands[:2] == ["make demo", "make test"]


def test_api_coverage_table_lists_every_route_cioctl_calls() -> None:
    for route in ROUTES:
        status = "documented" if route.documented else "evidence-based"
        row = f"| `{route.method} {route.path_template}` | {route.purpose} | {status}"
        assert row in README, f"README's API coverage table lacks: {route}"
