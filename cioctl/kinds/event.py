"""Kind ``event``: an event name's data-index metadata (its description).

Like attributes, events cannot be deleted through the API; see :mod:`cioctl.kinds.attribute`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from cioctl.api.data_index import EventInfo
from cioctl.kinds.address import Address
from cioctl.kinds.data_index import live_description, write_one
from cioctl.kinds.ops import KindOps
from cioctl.kinds.registry import Kind
from cioctl.model.data import Event
from cioctl.state.references import definition_resource
from cioctl.state.resource import Resource


class EventFields(TypedDict):
    """An event's canonical fields."""

    description: str


def from_live(info: EventInfo, ledger: frozenset[str],
              written: Mapping[str, str] | None = None) -> Resource:
    """Event metadata from ``/event_names``; owned when the ledger lists it."""
    address = str(Address(Kind.EVENT, info.name))
    description, extra = live_description(info.description, address, written or {})
    return Resource(Kind.EVENT, info.name, info.name,
                    dict(EventFields(description=description)),
                    managed=address in ledger, extra=extra)


def from_definition(e: Event) -> Resource:
    """An event definition as a canonical resource."""
    return definition_resource(Kind.EVENT, e, e.name, e.name,
                               dict(EventFields(description=e.description or "")))


OPS = KindOps(create=write_one, update=write_one)
