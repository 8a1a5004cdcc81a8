"""One resource, in the canonical form both sides of a diff share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cioctl.kinds.address import Address
from cioctl.kinds.registry import Kind

JSON = dict[str, Any]


@dataclass(frozen=True)
class Resource:
    """A resource's identity and its managed fields (canonical JSON, references by key)."""

    kind: Kind
    key: str
    name: str
    fields: JSON
    live_id: int | None = None
    managed: bool = True
    previous_names: tuple[str, ...] = ()
    ignore_changes: tuple[str, ...] = ()
    prevent_destroy: bool = False
    depends_on: tuple[Address, ...] = ()
    extra: JSON = field(default_factory=dict, compare=False)

    @property
    def ref(self) -> Address:
        """The resource's :class:`Address` (kind + key), how every lookup names it."""
        return Address(self.kind, self.key)

    @property
    def address(self) -> str:
        """``kind:key``, the string form plans, the ledger and ``--target`` use."""
        return str(self.ref)
