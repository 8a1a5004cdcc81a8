"""Branch coverage: every arm of every running flow's branches, reached by some scenario or not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cioctl.model.workspace import Workspace
from cioctl.semantics.flows_program import compile_flow


@dataclass(frozen=True)
class Coverage:
    """Arms reached and not reached, as ``(flow key, "steps[3]:then")``."""

    reached: tuple[tuple[str, str], ...]
    missed: tuple[tuple[str, str], ...]

    @property
    def total(self) -> int:
        """Every arm."""
        return len(self.reached) + len(self.missed)

    @property
    def percent(self) -> float:
        """Reached arms in percent (100 when there are no branches)."""
        return 100.0 if not self.total else round(100.0 * len(self.reached) / self.total, 1)

    def missed_text(self) -> list[str]:
        """``winback steps[3]:then`` per arm not reached."""
        return [f"{flow} {arm}" for flow, arm in self.missed]


def branch_coverage(workspace: Workspace, reached: Iterable[tuple[str, str]]) -> Coverage:
    """Coverage of the running flows (a draft flow sends nothing, so it has nothing to cover)."""
    seen = set(reached)
    arms = [(flow.key, arm) for flow in sorted(workspace.flows, key=lambda f: f.key)
            if flow.state == "running" for arm in compile_flow(flow).arms()]
    return Coverage(tuple(a for a in arms if a in seen), tuple(a for a in arms if a not in seen))
