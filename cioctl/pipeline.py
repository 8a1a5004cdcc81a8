"""The first half of the pipeline: a workspace folder to a validated :class:`Workspace`."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cioctl.checks import run_checks
from cioctl.definitions.load import load_sources
from cioctl.errors import CioctlError
from cioctl.model.build import build_workspace
from cioctl.model.workspace import Workspace


@dataclass(frozen=True)
class ValidationReport:
    """A workspace and every problem found in it (empty when valid)."""

    workspace: Workspace
    problems: tuple[CioctlError, ...]

    @property
    def ok(self) -> bool:
        """No problems."""
        return not self.problems


def validate_workspace(start: Path, env: str, environ: Mapping[str, str]) -> ValidationReport:
    """Load, model and check a workspace for one environment; collect every problem."""
    with _no_cyclic_gc():
        sources = load_sources(start, env, environ)
        workspace, problems = build_workspace(sources)
        problems.extend(run_checks(workspace))
    # Root causes first: a file that cannot be read or parsed, or a ${...} that cannot be
    # resolved, comes before the errors it may cause elsewhere; then by file and line.
    roots = {id(p) for p in sources.problems}
    problems = [_scrubbed(p, workspace.env_values) for p in problems]
    problems.sort(key=lambda p: (id(p) not in roots, *_order(p)))
    return ValidationReport(workspace, tuple(problems))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Loading allocates hundreds of thousands of small acyclic objects; the cyclic collector
    would rescan them over and over (validate of workspace L ran ~2x slower with it on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _order(problem: CioctlError) -> tuple[str, int, int]:
    loc = problem.location
    return (str(loc.file), loc.line, loc.col) if loc else ("", 0, 0)


def _scrubbed(problem: CioctlError, secrets: dict[str, str]) -> CioctlError:
    """A problem whose text quotes an environment value (an undeclared ``customer.<value>``,
    say) names the variable instead, as plans do."""
    from cioctl.plan.redact import redact_value

    message, hint = redact_value(problem.message, secrets), redact_value(problem.hint, secrets)
    if (message, hint) != (problem.message, problem.hint):
        problem.message, problem.hint, problem.args = message, hint, (message,)
    return problem
