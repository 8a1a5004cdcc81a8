"""Data-index descriptions cioctl wrote, kept where it can read them back.

Evidence §6: ``/event_names`` and the ``/attributes`` list carry no description, so cioctl
cannot verify one. Plans compare the definitions with the description cioctl last wrote,
recorded in a collection of the workspace, ``cioctl_descriptions`` (rows ``{"address":
"event:x", "description": "…"}``), shared like the ownership ledger by every machine and CI
run. It is written after the changes (after those that finished, when Ctrl-C stops an
apply), only when it changed: if that write fails, the next plan
shows the description again and writing the same value once more converges.

A collection of its own, rather than columns of the ownership ledger, so that the ledger's rules
(recorded before the changes, tidied after) and this record evolve independently.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from cioctl.api import collections as api_collections
from cioctl.api.http import ApiClient
from cioctl.apply.runner import ApplyResult, Status
from cioctl.errors import CioctlError
from cioctl.kinds.registry import DESCRIPTIONS_COLLECTION, Kind
from cioctl.plan.change import Action, Change
from cioctl.state.live import LiveState

DESCRIBED_KINDS = frozenset({Kind.ATTRIBUTE, Kind.EVENT})


def next_descriptions(changes: Sequence[Change], result: ApplyResult,
                      written: Mapping[str, str], defined: Collection[str]) -> dict[str, str]:
    """The record after ``result``: what each applied create or update of an attribute or
    event wrote (``changes`` hold the real values); entries no longer defined drop out."""
    record = {a: d for a, d in written.items() if a in defined}
    by_address = {c.address: c for c in changes}
    for outcome in result.results:
        change = by_address.get(outcome.address)
        if change is None or outcome.status is not Status.APPLIED or \
                change.kind not in DESCRIBED_KINDS:
            continue
        description = (change.after or {}).get("description")
        if change.action is Action.DELETE or not isinstance(description, str):
            record.pop(change.address, None)
        else:
            record[change.address] = description
    return record


async def record_descriptions(client: ApiClient, changes: Sequence[Change],
                              result: ApplyResult, live: LiveState,
                              defined: Collection[str]) -> str | None:
    """Store the record when it changed; a problem is returned as a warning, not raised (the
    changes are applied either way)."""
    record = next_descriptions(changes, result, live.descriptions, defined)
    if record == live.descriptions:
        return None
    rows = [{"address": a, "description": record[a]} for a in sorted(record)]
    try:
        if live.descriptions_id is None:
            await api_collections.create_unique_collection(client, DESCRIPTIONS_COLLECTION,
                                                          data=rows)
        else:
            await api_collections.update_collection(client, live.descriptions_id,
                                                    DESCRIPTIONS_COLLECTION, data=rows)
    except CioctlError as error:
        return f"could not record the data-index descriptions written: {error.message}"
    return None
