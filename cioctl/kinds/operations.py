"""Every kind's writes, by kind (imported by apply only: the kind modules import the API
client, which the light :mod:`cioctl.kinds.registry` must not)."""

from __future__ import annotations

from cioctl.kinds import (
    attribute,
    collection,
    event,
    flow,
    reporting_webhook,
    segment,
    snippet,
)
from cioctl.kinds.ops import KindOps
from cioctl.kinds.registry import Kind

OPERATIONS: dict[Kind, KindOps] = {
    Kind.ATTRIBUTE: attribute.OPS, Kind.EVENT: event.OPS, Kind.SNIPPET: snippet.OPS,
    Kind.COLLECTION: collection.OPS, Kind.REPORTING_WEBHOOK: reporting_webhook.OPS,
    Kind.SEGMENT: segment.OPS, Kind.FLOW: flow.OPS,
}
# A kind without its module is a bug caught at import, not at the first apply of that kind.
assert set(OPERATIONS) == set(Kind), sorted(set(Kind) - set(OPERATIONS))
