"""Ordering changes from a dependency graph (dbt-style: a cycle is an error that prints it).

Creates and updates run after the changes of what they depend on (attributes and events,
snippets, segments by their references, then flows). A delete runs after every change to a
resource that referred to the deleted one (a segment, or a snippet its content renders) in the
live workspace, so nothing is left pointing at it; deletes therefore come in reverse
dependency order.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import replace

from cioctl.checks.cycles import find_cycles
from cioctl.errors import CioctlError
from cioctl.plan.change import Action, Change
from cioctl.state.resource import Resource


class DependencyCycleError(CioctlError):
    """Changes that depend on each other in a loop."""


def prerequisites(changes: list[Change],
                  live: Mapping[str, Resource]) -> dict[str, set[str]]:
    """For each change, the changes of ``changes`` that must run before it."""
    by_address = {c.address: c for c in changes}
    after: dict[str, set[str]] = {c.address: set() for c in changes}
    for change in changes:
        if change.action is Action.DELETE:
            continue
        after[change.address] |= {d for d in change.depends_on if d in by_address and
                                  by_address[d].action is not Action.DELETE}
    deletes = {c.address for c in changes if c.action is Action.DELETE}
    if deletes:
        for address in by_address:
            resource = live.get(address)
            if resource is not None:
                for deleted in _live_refs(resource) & deletes - {address}:
                    after[deleted].add(address)
    return after


def _live_refs(resource: Resource) -> set[str]:
    """Segments, snippets and collections a live resource refers to (a snippet in use cannot
    be deleted; a collection a template loops over should outlive the template's use)."""
    from cioctl.plan.diff import referenced_segments
    from cioctl.state.desired import globals_used, snippets_used, texts

    rendered = texts(resource.fields.get("steps", [])) + texts(resource.fields.get("value", ""))
    return {f"segment:{key}" for key in referenced_segments(resource)} | \
        {f"snippet:{name}" for name in snippets_used(rendered)} | \
        {f"collection:{name}" for name in globals_used(rendered)}


def order_changes(changes: list[Change], live: Mapping[str, Resource]) -> list[Change]:
    """A topological order, ties broken by kind order then key (stable, reviewable).

    Each returned change's ``depends_on`` lists the changes of this plan that must succeed
    before it runs, so a saved plan carries its own execution graph.
    """
    after = prerequisites(changes, live)
    cycles = find_cycles({a: sorted(d) for a, d in after.items()})
    if cycles:
        loop = " → ".join([*cycles[0], cycles[0][0]])
        raise DependencyCycleError(f"changes depend on each other in a cycle: {loop}",
                                   hint="break the loop between these definitions")
    by_address = {c.address: c for c in changes}
    waiting = {a: set(d) for a, d in after.items()}
    dependants: dict[str, list[str]] = {a: [] for a in after}
    for address, needs in after.items():
        for need in needs:
            dependants[need].append(address)
    ready = [(by_address[a].sort_key(), a) for a, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    ordered: list[Change] = []
    while ready:
        _, address = heapq.heappop(ready)
        ordered.append(replace(by_address[address], depends_on=tuple(sorted(after[address]))))
        for dependant in dependants[address]:
            waiting[dependant].discard(address)
            if not waiting[dependant]:
                heapq.heappush(ready, (by_address[dependant].sort_key(), dependant))
    return ordered
