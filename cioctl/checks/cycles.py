"""Segments that refer to each other in a loop."""

from __future__ import annotations

from cioctl.errors import CioctlError, DefinitionError
from cioctl.model.conditions import SegmentCondition, walk
from cioctl.model.segments import Segment
from cioctl.model.workspace import Workspace


def segment_references(segment: Segment) -> list[str]:
    """Keys of the segments a segment's conditions name, in order, without repeats."""
    if segment.conditions is None:
        return []
    refs = [n.segment for n in walk(segment.conditions) if isinstance(n, SegmentCondition)]
    return list(dict.fromkeys(refs))


def segment_cycles(workspace: Workspace) -> list[CioctlError]:
    """One error per cycle, printing it: ``a → b → c → a``."""
    graph = {s.key: segment_references(s) for s in workspace.segments}
    by_key = {s.key: s for s in workspace.segments}
    cycles = find_cycles(graph)
    return [
        DefinitionError(
            "segments refer to each other in a cycle: " + " → ".join([*cycle, cycle[0]]),
            location=by_key[cycle[0]].source,
            hint="a segment cannot include itself, directly or through others; break the loop",
        )
        for cycle in cycles
    ]


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Distinct cycles found by an iterative depth-first search (each reported once)."""
    done: set[str] = set()
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for root in sorted(graph):
        if root in done:
            continue
        path, on_path = [root], {root}
        pending: list[list[str]] = [[t for t in reversed(graph[root]) if t in graph]]
        while pending:
            if not pending[-1]:
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                pending.pop()
                continue
            target = pending[-1].pop()
            if target in on_path:
                cycle = path[path.index(target):]
                if frozenset(cycle) not in seen:
                    seen.add(frozenset(cycle))
                    found.append(cycle)
            elif target not in done:
                path.append(target)
                on_path.add(target)
                pending.append([t for t in reversed(graph[target]) if t in graph])
    return found
