"""Finishing replaces: deleting each old copy once nothing refers to it any more.

A replace runs create → repoint → delete: the new copy is created by the replace change
itself, the changes that refer to the resource (planned as its dependents) write the new id,
and only then, after every change has run, is the old copy deleted — if every dependent
applied and, for a segment, no campaign still uses the old copy. Otherwise the old copy stays
and the replace is reported half done, naming both ids; the next plan sees two tagged copies,
keeps the one that is referred to and deletes the other, so re-running apply finishes it.
"""

from __future__ import annotations

from cioctl.api import segments as api_segments
from cioctl.api.endpoints import Surface as ApiSurface
from cioctl.api.http import ApiClient
from cioctl.apply.execute import delete_copy
from cioctl.apply.runner import ApplyResult, ChangeResult, OnResult, Status
from cioctl.apply.wire import IdBook
from cioctl.errors import CioctlError
from cioctl.kinds.registry import Kind
from cioctl.plan.change import Change


async def finish_replaces(client: ApiClient, changes: tuple[Change, ...], result: ApplyResult,
                          ids: IdBook, notify: OnResult) -> ApplyResult:
    """Delete the old copies of applied replaces; report any replace left half done."""
    outcomes = {r.address: r for r in result.results}
    by_address = {c.address: c for c in changes}
    for address, old_id in ids.retired.items():
        change = by_address[address]
        if outcomes[address].status is not Status.APPLIED:
            continue  # the new copy's create did not land: nothing to finish
        problem = await _retire(client, change, old_id, changes, outcomes, result.interrupted)
        if problem:
            new_id = outcomes[address].live_id
            half = ChangeResult(
                address, change.action, Status.FAILED,
                f"replace of {address} half done: new copy created (id {new_id}), old copy "
                f"(id {old_id}) still live — {problem}; re-run apply to finish",
                live_id=new_id)
            outcomes[address] = half
            notify(half)
    return ApplyResult([outcomes[r.address] for r in result.results], result.interrupted)


async def _retire(client: ApiClient, change: Change, old_id: int, changes: tuple[Change, ...],
                  outcomes: dict[str, ChangeResult], interrupted: bool) -> str | None:
    """Delete the old copy, or say why it stays."""
    if interrupted:
        return "apply was interrupted"
    waiting = [c.address for c in changes
               if change.address in c.depends_on and outcomes[c.address].status
               is not Status.APPLIED]
    if waiting:
        return f"{waiting[0]} still refers to it ({outcomes[waiting[0]].status})"
    try:
        if change.kind is Kind.SEGMENT and client.has_credential(ApiSurface.APP):
            usage = await api_segments.segment_used_by(client, old_id)
            if usage.campaigns:
                return f"campaign(s) {', '.join(map(str, usage.campaigns))} still use it"
        await delete_copy(client, change, old_id)
    except CioctlError as error:
        return f"deleting it failed: {error.message}"
    return None
