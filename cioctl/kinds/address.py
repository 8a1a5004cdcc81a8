"""One resource's name in plans, ``--target``, the ledger and every lookup: kind plus key."""

from __future__ import annotations

from dataclasses import dataclass

from cioctl.errors import CioctlError
from cioctl.kinds.registry import Kind


class AddressError(CioctlError):
    """Text that does not name a resource as ``kind:key``."""


@dataclass(frozen=True, order=True)
class Address:
    """``kind:key``. Ordered like the ``(kind, key)`` tuples it replaces (kind, then key)."""

    kind: Kind
    key: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"

    @classmethod
    def parse(cls, text: str) -> Address:
        """The address ``text`` spells, or an :class:`AddressError` saying what is wrong."""
        kind, colon, key = text.partition(":")
        kinds = ", ".join(k.value for k in Kind)
        if not colon or not key:
            raise AddressError(f"'{text}' is not an address (kind:key)",
                               hint=f"write it as kind:key, e.g. segment:vip; kinds: {kinds}")
        if kind not in {k.value for k in Kind}:
            raise AddressError(f"'{text}' names an unknown kind '{kind}'",
                               hint=f"the kinds are: {kinds}")
        return cls(Kind(kind), key)
