"""The definitions' step tree ↔ the campaign's workflow graph of actions and edges (evidence §5).

Encoding (rules of §5, S12): exactly one root (the first step); every non-exit action has one
outgoing ``continue`` edge; a true/false branch has exactly two ``branch`` edges, index 0 the
matched (``then``) path; the two paths reconverge at the step after the branch, or — when
nothing follows — each path ends at its **own** ``exit_action`` (sharing an exit fails with
422/409). The end of the flow is an ``exit_action``; an ``exit`` step is one too.

Because reaching the end of the flow and an explicit ``exit`` are the same graph, an ``exit``
step whose path would end there anyway is dropped by :func:`canonical_steps` (the form
:func:`decode_steps` gives back). Steps after an ``exit`` (or after a branch whose paths both
exit) can never run and have no place in a one-root graph: they are refused.

Actions are numbered in pre-order (the order the steps read); :mod:`campaign_codec` turns the
numbers into placeholders (``-N`` first … ``-1`` last, §5) or kept live ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cioctl.api.journeys.campaign_conditions import CampaignRefusal
from cioctl.api.journeys.campaign_types import WireEdge

JSON = dict[str, Any]


@dataclass
class Node:
    """One action before ids are assigned: its step (None for an end exit) and path."""

    number: int
    step: JSON | None
    path: str
    fixed: int | None = None
    """The live id of a system action (D5: created by the service with the trigger)."""


@dataclass
class Graph:
    """Actions in pre-order and the complete edge list, by action number."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[WireEdge] = field(default_factory=list)

    def add(self, step: JSON | None, path: str, fixed: int | None = None) -> int:
        """A new action (or a system one, ``fixed``); its number."""
        number = len(self.nodes) + 1
        self.nodes.append(Node(number, step, path, fixed))
        return number


Port = tuple[int, str, int]
"""An edge waiting for its target: (from action, edge type, branch index)."""


def _connect(graph: Graph, ports: list[Port], target: int) -> None:
    for source, kind, index in ports:
        edge: WireEdge = {"from": source, "to": target, "type": kind}
        if kind == "branch":
            edge["index"] = index
        graph.edges.append(edge)


def _emit(graph: Graph, steps: list[JSON], path: str, ports: list[Port]) -> list[Port]:
    """Add ``steps`` after ``ports``; the ports left open where the list ends."""
    for index, step in enumerate(steps):
        here = f"{path}[{index}]"
        number = graph.add(step, here)
        _connect(graph, ports, number)
        if step["type"] == "exit":
            ports = []
        elif step["type"] == "branch":
            then = _emit(graph, step["then"], f"{here}.then", [(number, "branch", 0)])
            ports = then + _emit(graph, step["else"], f"{here}.else", [(number, "branch", 1)])
        else:
            ports = [(number, "continue", 0)]
    return ports


def build_graph(steps: list[JSON], root: int | None, exit_id: int) -> Graph:
    """The graph of canonical ``steps`` (accepted by :func:`graph_refusals`).

    ``root``/``exit_id``: the system actions the trigger created (D5): the entry gate of a
    segment trigger (None for other triggers) and the exit_action the main path ends at.
    """
    graph = Graph()
    ports: list[Port] = []
    if root is not None:
        ports = [(graph.add({"type": "system_root"}, "root", root), "continue", 0)]
    ports = _emit(graph, canonical_steps(steps), "steps", ports)
    for index, port in enumerate(ports):
        # §5: each exiting path ends at its own exit_action; D6: the main one is the system's.
        end = graph.add(None, "end", exit_id) if index == 0 else graph.add(None, f"end{index}")
        _connect(graph, [port], end)
    if not graph.nodes:  # no gate and no steps: the system exit is the whole workflow
        graph.add(None, "end", exit_id)
    return graph


def graph_refusals(steps: list[JSON], path: str = "steps") -> list[CampaignRefusal]:
    """Steps that can never run (after an exit): they cannot hang off a one-root graph."""
    found: list[CampaignRefusal] = []
    for index, step in enumerate(steps):
        if step["type"] == "branch":
            found += graph_refusals(step["then"], f"{path}[{index}].then")
            found += graph_refusals(step["else"], f"{path}[{index}].else")
        if index + 1 < len(steps) and _always_exits(step):
            found.append(CampaignRefusal(
                f"{path}[{index + 1}]", "this step can never run: every path before it exits, "
                "and a campaign's workflow has exactly one root (evidence §5)",
                "remove the unreachable steps, or the exit before them"))
            break
    return found


def _always_exits(step: JSON) -> bool:
    if step["type"] == "exit":
        return True
    if step["type"] != "branch":
        return False
    return _path_exits(step["then"]) and _path_exits(step["else"])


def canonical_steps(steps: list[JSON], at_end: bool = True) -> list[JSON]:
    """``steps`` in the one form their graph decodes to (see the module docstring).

    Two spellings share a graph, so one is chosen: steps after a branch whose other path
    always exits belong to the path that continues (``then: [exit], else: [b]`` then ``c`` is
    ``then: [exit], else: [b, c]``), and an ``exit`` where its path ends the flow anyway is
    dropped.
    """
    if at_end and steps and steps[-1]["type"] == "exit":
        steps = steps[:-1]  # first, so that the step before it counts as the last one
    result: list[JSON] = []
    for index, step in enumerate(steps):
        rest, last = steps[index + 1:], index == len(steps) - 1
        if step["type"] == "branch":
            then, otherwise = step["then"], step["else"]
            moved = bool(rest) and _path_exits(then) != _path_exits(otherwise)
            if moved:
                then, otherwise = (then, otherwise + rest) if _path_exits(then) else \
                    (then + rest, otherwise)
            tail = at_end and (last or moved)
            result.append({**step, "then": canonical_steps(then, tail),
                           "else": canonical_steps(otherwise, tail)})
            if moved:
                break
        else:
            result.append(step)
    return result


def _path_exits(steps: list[JSON]) -> bool:
    return any(map(_always_exits, steps))


@dataclass(frozen=True)
class ReadGraph:
    """A workflow read back: step per action id (None for exits) and outgoing edges."""

    steps: dict[int, JSON | None]
    """The step each action decodes to, without branch paths; None for an exit_action."""
    continues: dict[int, int]
    branches: dict[int, dict[int, int]]


def decode_steps(graph: ReadGraph, root: int | None,
                 fail: Callable[[str], Exception]) -> list[JSON]:
    """The step tree from ``root`` (the inverse of :func:`build_graph`)."""
    return _walk(graph, root, None, fail, set())


def _walk(graph: ReadGraph, node: int | None, stop: int | None,
          fail: Callable[[str], Exception], seen: set[int]) -> list[JSON]:
    steps: list[JSON] = []
    while node is not None and node != stop:
        if node in seen:
            raise fail(f"action {node} is reached twice outside a reconvergence (a cycle, or "
                       "paths that share an action)")
        seen.add(node)
        step = graph.steps.get(node, {"type": "?"})
        if node not in graph.steps:
            raise fail(f"an edge points at action {node}, which the campaign does not have")
        if step is None:  # an exit_action: inside a path that others continue from, a step
            if stop is not None:
                steps.append({"type": "exit"})
            return steps
        if step["type"] == "branch":
            node = _branch(graph, node, step, stop, fail, seen, steps)
            continue
        steps.append(step)
        if node not in graph.continues:
            raise fail(f"action {node} ({step['type']}) has no outgoing continue edge (§5)")
        node = graph.continues[node]
    return steps


def _branch(graph: ReadGraph, node: int, step: JSON, stop: int | None,
            fail: Callable[[str], Exception], seen: set[int], steps: list[JSON]) -> int | None:
    paths = graph.branches.get(node, {})
    if sorted(paths) != [0, 1]:
        raise fail(f"branch action {node} has branch edges {sorted(paths)}, not 0 and 1 (§5)")
    merge = _merge(graph, paths[0], paths[1])
    if merge is None and stop is not None:
        merge = stop
    then = _walk(graph, paths[0], merge, fail, seen)
    otherwise = _walk(graph, paths[1], merge, fail, seen)
    steps.append({**step, "then": then, "else": otherwise})
    return merge


def _merge(graph: ReadGraph, first: int, second: int) -> int | None:
    """Where two paths reconverge: the common action every other common action follows."""
    common = _reach(graph, first) & _reach(graph, second)
    if not common:
        return None
    return max(common, key=lambda n: len(_reach(graph, n)))


def _reach(graph: ReadGraph, start: int) -> set[int]:
    found: set[int] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node in found or node not in graph.steps:
            continue
        found.add(node)
        if node in graph.continues:
            todo.append(graph.continues[node])
        todo.extend(graph.branches.get(node, {}).values())
    return found


def walk(steps: list[JSON]) -> list[JSON]:
    """Every step, depth first (``then`` before ``else``), branches included."""
    found: list[JSON] = []
    for step in steps:
        found.append(step)
        if step["type"] == "branch":
            found += walk(step["then"]) + walk(step["else"])
    return found
