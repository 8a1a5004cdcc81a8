"""Kind ``attribute``: a person attribute's data-index metadata (description, privacy level).

The data index has no delete route: an attribute whose definition is gone is released from
the ledger (see :func:`cioctl.apply.ledger.released`), never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping

from cioctl.api.data_index import AttributeInfo
from cioctl.kinds.data_index import live_description, write_one
from cioctl.kinds.ops import KindOps
from cioctl.kinds.registry import Kind
from cioctl.model.data import Attribute
from cioctl.state.references import definition_resource
from cioctl.state.resource import Resource


def from_live(info: AttributeInfo, ledger: frozenset[str],
              written: Mapping[str, str] | None = None) -> Resource:
    """Attribute metadata from the data index; owned when the ledger lists it."""
    address = f"attribute:{info.name}"
    description, extra = live_description(info.description, address, written or {})
    return Resource(Kind.ATTRIBUTE, info.name, info.name, {
        "description": description, "privacy_level": info.privacy_level or 0},
        managed=address in ledger, extra=extra)


def from_definition(a: Attribute) -> Resource:
    """An attribute definition as a canonical resource."""
    return definition_resource(Kind.ATTRIBUTE, a, a.name, a.name, {
        "description": a.description or "", "privacy_level": 1 if a.sensitive else 0})


OPS = KindOps(create=write_one, update=write_one)
