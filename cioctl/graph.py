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
from cioctl.kinds.address import Address
from cioctl.kinds.registry import Kind
from cioctl.plan.change import Action, Change
from cioctl.state.resource import Resource


class DependencyCycleError(CioctlError):
    """Changes that depend on each other in a loop."""


def prerequisites(changes: list[Change],
                  live: Mapping[Address, Resource]) -> dict[Address, set[Address]]:
    """For each change, the changes of ``changes`` that must run before it."""
    by_address = {c.ref: c for c in changes}
    after: dict[Address, set[Address]] = {c.ref: set() for c in changes}
    for change in changes:
        if change.action is Action.DELETE:
            continue
        needs = {Address.parse(d) for d in change.depends_on}
        after[change.ref] |= {d for d in needs if d in by_address and
                              by_address[d].action is not Action.DELETE}
    deletes = {c.ref for c in changes if c.action is Action.DELETE}
    if deletes:
        for address in by_address:
            resource = live.get(address)
            if resource is not None:
                for deleted in _live_refs(resource) & deletes - {address}:
                    after[deleted].add(address)
    return after


def _live_refs(resource: Resource) -> set[Address]:
    """Segments, snippets and collections a live resource refers to (a snippet in use cannot
    be deleted; a collection a template loops over should outlive the template's use)."""
    from cioctl.plan.diff import referenced_segments
    from cioctl.state.desired import globals_used, snippets_used, texts

    rendered = texts(resource.fields.get("steps", [])) + texts(resource.fields.get("value", ""))
    return {Address(Kind.SEGMENT, key) for key in referenced_segments(resource)} | \
        {Address(Kind.SNIPPET, name) for name in snippets_used(rendered)} | \
        {Address(Kind.COLLECTION, name) for name in globals_used(rendered)}


def order_changes(changes: list[Change], live: Mapping[Address, Resource]) -> list[Change]:
    """A topological order, ties broken by kind order then key (stable, reviewable).

    Each returned change's ``depends_on`` lists the changes of this plan that must succeed
    before it runs, so a saved plan carries its own execution graph.
    """
    after = prerequisites(changes, live)
    cycles = find_cycles({str(a): sorted(str(n) for n in d) for a, d in after.items()})
    if cycles:
        loop = " → ".join([*cycles[0], cycles[0][0]])
        raise DependencyCycleError(f"changes depend on each other in a cycle: {loop}",
                                   hint="break the loop between these definitions")
    by_address = {c.ref: c for c in changes}
    waiting = {a: set(d) for a, d in after.items()}
    dependants: dict[Address, list[Address]] = {a: [] for a in after}
    for address, needs in after.items():
        for need in needs:
            dependants[need].append(address)
    ready = [(by_address[a].sort_key(), a) for a, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    ordered: list[Change] = []
    while ready:
        _, address = heapq.heappop(ready)
        ordered.append(replace(by_address[address],
                               depends_on=tuple(str(a) for a in sorted(after[address]))))
        for dependant in dependants[address]:
            waiting[dependant].discard(address)
            if not waiting[dependant]:
                heapq.heappush(ready, (by_address[dependant].sort_key(), dependant))
    return ordered
