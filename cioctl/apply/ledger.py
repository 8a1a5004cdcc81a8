"""The ownership ledger: which name-identified resources cioctl manages.

Segments and flows carry a ``cioctl:<key>`` tag. Snippets, collections, reporting webhooks and
data-index entries have nowhere to keep one, so cioctl records the addresses it manages in a
collection of the workspace itself, ``cioctl_managed`` (rows ``{"address": "snippet:x"}``).
Living in the workspace, it is shared by every machine and CI run that applies there.
"""

from __future__ import annotations

from typing import Any

from cioctl.api import collections as api_collections
from cioctl.api.http import ApiClient
from cioctl.apply.runner import ApplyResult, Status
from cioctl.model.base import slugify
from cioctl.plan.change import Action, Change
from cioctl.plan.value import Plan
from cioctl.state.kinds import LEDGER_COLLECTION, Kind

LEDGER_KINDS = frozenset({Kind.SNIPPET, Kind.COLLECTION, Kind.REPORTING_WEBHOOK,
                          Kind.ATTRIBUTE, Kind.EVENT})


def ledger_address(change: Change, fields: dict[str, Any] | None) -> str:
    """The address the ledger records: the one the live resource is read under (a reporting
    webhook is read back by a slug of its name, whatever key the definition gives it)."""
    if change.kind is Kind.REPORTING_WEBHOOK and fields and isinstance(fields.get("name"), str):
        return f"{change.kind}:{slugify(fields['name'])}"
    return change.address


def next_ledger(plan: Plan, result: ApplyResult) -> frozenset[str]:
    """The ledger after ``result``: applied creates and updates in (a renamed resource's old
    address out), applied deletes out."""
    ledger = set(plan.ledger)
    actions = {c.address: c for c in plan.changes}
    for outcome in result.results:
        change = actions[outcome.address]
        if outcome.status is not Status.APPLIED or change.kind not in LEDGER_KINDS:
            continue
        if change.before is not None:
            ledger.discard(ledger_address(change, change.before))
        if change.action is Action.DELETE:
            ledger.discard(change.address)
        else:
            ledger.add(ledger_address(change, change.after))
    return frozenset(ledger)


async def write_ledger(client: ApiClient, ledger: frozenset[str], ledger_id: int | None) -> None:
    """Store the ledger (creating its collection the first time)."""
    rows = [{"address": address} for address in sorted(ledger)]
    if ledger_id is None:
        await api_collections.create_collection(client, LEDGER_COLLECTION, data=rows)
    else:
        await api_collections.update_collection(client, ledger_id, LEDGER_COLLECTION, data=rows)
