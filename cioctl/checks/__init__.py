"""Checks that span definitions: references, cycles, operator types, Liquid, API limits."""

from __future__ import annotations

from cioctl.checks.cycles import segment_cycles
from cioctl.checks.expressible import campaign_problems, expressible_problems
from cioctl.checks.limits import limit_problems
from cioctl.checks.liquid import liquid_problems
from cioctl.checks.references import reference_problems
from cioctl.checks.symbols import Symbols
from cioctl.errors import CioctlError
from cioctl.model.workspace import Workspace


def run_checks(workspace: Workspace) -> list[CioctlError]:
    """Every cross-definition problem, all at once."""
    symbols = Symbols.of(workspace)
    problems: list[CioctlError] = []
    problems.extend(reference_problems(workspace, symbols))
    problems.extend(segment_cycles(workspace))
    problems.extend(liquid_problems(workspace, symbols))
    problems.extend(limit_problems(workspace))
    problems.extend(expressible_problems(workspace, symbols))
    problems.extend(campaign_problems(workspace, symbols))
    return problems
