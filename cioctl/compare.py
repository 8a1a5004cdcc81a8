"""Comparing two environments by key (never by id): live against live, desired against desired.

``cioctl diff`` compares what two workspaces hold now; ``cioctl promote`` shows what will still
differ between them once both match the definitions (the per-environment variables).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cioctl.kinds.address import Address
from cioctl.kinds.registry import KIND_ORDER, Kind
from cioctl.plan.change import FieldChange
from cioctl.plan.fields import field_changes, value_at
from cioctl.plan.redact import mask_like_desired, redact_value
from cioctl.render.mask import mask_value
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
        return str(Address(self.kind, self.key))


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
            # secret-looking values (an Authorization header, say) masked where they show
            shown = mask_value(one.fields), mask_value(two.fields)
            found.append(Difference(address.kind, address.key, "differs", tuple(
                FieldChange(f.path, _shown(shown[0], f.path, f.before),
                            _shown(shown[1], f.path, f.after), f.label) for f in fields)))
    return EnvironmentDiff(source, target, tuple(found), unreadable)


def _shown(masked: Any, path: str, value: Any) -> Any:
    found, at = value_at(masked, path)
    return at if found else value


def hide_secrets(resources: Mapping[Address, Resource], desired: Mapping[Address, Resource],
                 secrets: dict[str, str]) -> dict[Address, Resource]:
    """Resources as a comparison may show them (its output is a PR comment or an artifact):
    the environment's ``${env:…}`` values shown as references, and the live (old) value of a
    field the definitions fill from one, after it rotated, masked — as in a plan. A stale
    secret still differs from the current one; :func:`compare` masks what it shows."""
    hidden: dict[Address, Resource] = {}
    for address, resource in resources.items():
        fields = resource.fields
        if address in desired:
            fields = mask_like_desired(fields, desired[address].fields, secrets)
        hidden[address] = replace(resource, fields=redact_value(fields, secrets))
    return hidden


def managed(resources: dict[Address, Resource]) -> dict[Address, Resource]:
    """What cioctl owns (tagged or in the ledger)."""
    return {a: r for a, r in resources.items() if r.managed}
