"""Desired state: the validated :class:`Workspace` as canonical resources, each kind's through
its own module's ``from_definition`` (:mod:`cioctl.kinds`)."""

from __future__ import annotations

from cioctl.checks.expressible import value_types
from cioctl.checks.symbols import Symbols
from cioctl.kinds import attribute as attribute_kind
from cioctl.kinds import collection as collection_kind
from cioctl.kinds import event as event_kind
from cioctl.kinds import flow as flow_kind
from cioctl.kinds import reporting_webhook as webhook_kind
from cioctl.kinds import segment as segment_kind
from cioctl.kinds import snippet as snippet_kind
from cioctl.kinds.address import Address
from cioctl.model.workspace import Workspace
from cioctl.state.references import globals_used, snippets_used, texts
from cioctl.state.resource import Resource

__all__ = ["desired_resources", "globals_used", "snippets_used", "texts"]


def desired_resources(ws: Workspace) -> dict[Address, Resource]:
    """Every definition as a canonical resource, keyed by its address."""
    collections = {c.name for c in ws.collections}
    types = value_types(Symbols.of(ws))  # the Journeys codecs canonicalize with them
    resources = [
        *(attribute_kind.from_definition(a) for a in ws.attributes),
        *(event_kind.from_definition(e) for e in ws.events),
        *(snippet_kind.from_definition(s, collections) for s in ws.snippets),
        *(collection_kind.from_definition(c) for c in ws.collections),
        *(webhook_kind.from_definition(w) for w in ws.reporting_webhooks),
        *(segment_kind.from_definition(s, types) for s in ws.segments),
        *(flow_kind.from_definition(f, collections, types) for f in ws.flows),
    ]
    return {r.ref: r for r in resources}
