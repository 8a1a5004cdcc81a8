"""Comparing two environments by key (never by id): live against live, desired against desired.

``cioctl diff`` compares what two workspaces hold now; ``cioctl promote`` shows what will still
differ between them once both match the definitions (the per-environment variables).
"""

from __future__ import annotations

from dataclasses import dataclass

from cioctl.kinds.address import Address
from cioctl.kinds.registry import KIND_ORDER, Kind
from cioctl.plan.change import FieldChange
from cioctl.plan.fields import field_changes
from cioctl.state.resource import Resource


@dataclass(frozen=True)
class Difference:
    """One resource that is not the same in both environments."""

    kind: Kind
    key: str
    status: str  # "only_in_from" | "only_in_to" | "differs"
    fields: tuple[FieldChange, ...] = ()

    @property
    def address(self) -> str:
        """``kind:key``."""
        return f"{self.kind}:{self.key}"


@dataclass(frozen=True)
class EnvironmentDiff:
    """Every difference between environment ``source`` and environment ``target``."""

    source: str
    target: str
    differences: tuple[Difference, ...]
    unreadable: tuple[str, ...] = ()


def compare(source: str, source_resources: dict[Address, Resource], target: str,
            target_resources: dict[Address, Resource],
            unreadable: tuple[str, ...] = ()) -> EnvironmentDiff:
    """Differences from ``source`` to ``target``, field by field, ordered by kind then key."""
    found: list[Difference] = []
    for address in sorted(source_resources.keys() | target_resources.keys(),
                          key=lambda a: (KIND_ORDER[a.kind], a.key)):
        one, two = source_resources.get(address), target_resources.get(address)
        if two is None:
            found.append(Difference(address.kind, address.key, "only_in_from"))
        elif one is None:
            found.append(Difference(address.kind, address.key, "only_in_to"))
        elif fields := field_changes(one.fields, two.fields):
            found.append(Difference(address.kind, address.key, "differs",
                                    tuple(FieldChange(f.path, f.after, f.before)
                                          for f in fields)))
    return EnvironmentDiff(source, target, tuple(found), unreadable)


def managed(resources: dict[Address, Resource]) -> dict[Address, Resource]:
    """What cioctl owns (tagged or in the ledger)."""
    return {a: r for a, r in resources.items() if r.managed}
