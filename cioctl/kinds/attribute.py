"""Kind ``attribute``: a person attribute's data-index metadata (description, privacy level).

The data index has no delete route: an attribute whose definition is gone is released from
the ledger (see :func:`cioctl.apply.ledger.released`), never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from cioctl.api.data_index import AttributeInfo
from cioctl.kinds.address import Address
from cioctl.kinds.data_index import live_description, write_one
from cioctl.kinds.ops import KindOps
from cioctl.kinds.registry import Kind
from cioctl.model.data import Attribute
from cioctl.state.references import definition_resource
from cioctl.state.resource import Resource


class AttributeFields(TypedDict):
    """An attribute's canonical fields (``privacy_level`` 1: sensitive)."""

    description: str
    privacy_level: int


def from_live(info: AttributeInfo, ledger: frozenset[str],
              written: Mapping[str, str] | None = None) -> Resource:
    """Attribute metadata from the data index; owned when the ledger lists it."""
    address = str(Address(Kind.ATTRIBUTE, info.name))
    description, extra = live_description(info.description, address, written or {})
    fields = AttributeFields(description=description, privacy_level=info.privacy_level or 0)
    return Resource(Kind.ATTRIBUTE, info.name, info.name, dict(fields),
                    managed=address in ledger, extra=extra)


def from_definition(a: Attribute) -> Resource:
    """An attribute definition as a canonical resource."""
    fields = AttributeFields(description=a.description or "",
                             privacy_level=1 if a.sensitive else 0)
    return definition_resource(Kind.ATTRIBUTE, a, a.name, a.name, dict(fields))


OPS = KindOps(create=write_one, update=write_one)
