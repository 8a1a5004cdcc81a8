"""A flow's steps compiled into numbered nodes with explicit successors.

Branches are nested lists in the model; the engine needs one position per journey that can be
stored and resumed (a wait, a ``wait_until``), so each step becomes a node that knows the node
after it — the end of a ``then`` list continues after its branch. Branch arms are named here so
that branch coverage counts the same arms the trace reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from cioctl.model.flows import Flow
from cioctl.model.steps import BranchStep, Step, message_of, step_tag


@dataclass(frozen=True)
class Node:
    """One step of a flow and where a journey goes after it."""

    index: int
    step: Step
    kind: str
    path: str          # steps[3].then[0]: where the step is written
    label: str         # the message id for messages, else kind@path
    next: int | None
    then_: int | None = None
    else_: int | None = None


@dataclass(frozen=True)
class Program:
    """A flow's nodes; ``start`` is the first one."""

    flow: Flow
    nodes: tuple[Node, ...]
    start: int | None

    def arms(self) -> tuple[str, ...]:
        """Every branch arm of the flow: ``steps[4]:then`` and ``steps[4]:else``."""
        return tuple(f"{node.path}:{arm}" for node in self.nodes if node.kind == "branch"
                     for arm in ("then", "else"))


def compile_flow(flow: Flow) -> Program:
    """Number every step depth first and link each to its successor."""
    nodes: dict[int, Node] = {}
    counter = iter(range(1_000_000))

    def place(steps: list[Step], prefix: str, after: int | None) -> int | None:
        indices = [next(counter) for _ in steps]
        follow = after
        for position in range(len(steps) - 1, -1, -1):
            step, index = steps[position], indices[position]
            path = f"{prefix}[{position}]"
            kind = step_tag(step) or "step"
            message = message_of(step)
            label = message.id if message is not None else f"{kind}@{path}"
            if isinstance(step, BranchStep):
                then_ = place(step.branch.then, f"{path}.then", follow)
                else_ = place(step.branch.else_, f"{path}.else", follow)
                nodes[index] = Node(index, step, kind, path, label, follow, then_, else_)
            else:
                nodes[index] = Node(index, step, kind, path, label, follow)
            follow = index
        return follow

    start = place(flow.steps, "steps", None)
    return Program(flow, tuple(nodes[i] for i in sorted(nodes)), start)
