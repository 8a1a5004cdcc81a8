"""The ownership ledger: which name-identified resources cioctl manages.

Segments and flows carry a ``cioctl:<key>`` tag, written in the same request that creates
them. Snippets, collections, reporting webhooks and data-index entries have nowhere to keep
one, so cioctl records the addresses it manages in a collection of the workspace itself,
``cioctl_managed`` (rows ``{"address": "snippet:x"}``), shared by every machine and CI run.

Ownership must survive an apply that stops half-way (Ctrl-C, a crash, a failed write), so the
ledger is written *before* any change: every address the plan may create or adopt is recorded
first (one request), then the changes run, then one more write drops what did not happen
(deletes, renames, creates that never started). A row whose resource does not exist — the
create never ran or failed — means nothing: it is reconciled on read and pruned at the next
write. Two writes per apply keep well within the rate limit.
"""

from __future__ import annotations

from collections.abc import Sequence

from cioctl.api import collections as api_collections
from cioctl.api.errors import ApiNotFound
from cioctl.api.http import ApiClient
from cioctl.apply.runner import ApplyResult, Status
from cioctl.kinds.address import Address, AddressError
from cioctl.kinds.registry import KINDS, LEDGER_COLLECTION, LEDGER_KINDS
from cioctl.plan.change import Action, Change
from cioctl.plan.ownership import ledger_entry
from cioctl.state.live import LiveState

_WRITES = (Action.CREATE, Action.UPDATE, Action.REPLACE)


def released(changes: Sequence[Change]) -> tuple[str, ...]:
    """Managed data-index entries whose definitions are gone: no API deletes them, so apply
    stops managing them (drops their rows) instead of planning an undoable delete forever."""
    return tuple(c.address for c in changes
                 if c.action is Action.UNSUPPORTED and c.kind in LEDGER_KINDS
                 and not KINDS[c.kind].deletable)


def _exists(address: str, live: LiveState, live_addresses: set[str]) -> bool:
    try:
        kind = Address.parse(address).kind
    except AddressError:
        return True  # a row cioctl cannot read (another version's?): keep it
    if kind in live.unreadable:
        return True  # cannot tell: keep the row
    return address in live_addresses


def ledger_before(changes: Sequence[Change], live: LiveState) -> frozenset[str]:
    """The ledger to record before any change runs: live rows whose resource exists, plus
    every address the changes may create or adopt, minus released entries."""
    live_addresses = {r.address for r in live.resources.values()}
    ledger = {a for a in live.ledger if _exists(a, live, live_addresses)}
    for change in changes:
        if change.kind in LEDGER_KINDS and change.action in _WRITES and change.executable:
            ledger.add(ledger_entry(change, change.after))
    return frozenset(ledger - set(released(changes)))


def ledger_after(recorded: frozenset[str], original: frozenset[str],
                 changes: Sequence[Change], result: ApplyResult) -> frozenset[str]:
    """The ledger once the changes ran: applied deletes and a renamed resource's old address
    out; rows recorded for changes that never started (skipped, not run) back as they were.
    A failed create keeps its row: it may have landed, and a row without a resource is
    harmless (pruned at the next write)."""
    ledger = set(recorded)
    by_address = {c.address: c for c in changes}
    for outcome in result.results:
        change = by_address[outcome.address]
        if change.kind not in LEDGER_KINDS:
            continue
        if outcome.status is Status.APPLIED and change.action is Action.DELETE:
            ledger.discard(change.address)
        elif outcome.status is Status.APPLIED and change.before is not None:
            old, new = ledger_entry(change, change.before), ledger_entry(change, change.after)
            if old != new:
                ledger.discard(old)
        elif outcome.status in (Status.SKIPPED, Status.NOT_RUN) and change.action in _WRITES:
            address = ledger_entry(change, change.after)
            if address not in original:
                ledger.discard(address)
    return frozenset(ledger)


async def write_ledger(client: ApiClient, ledger: frozenset[str], ledger_id: int | None) -> int:
    """Store the ledger (creating its collection the first time); returns its id.

    Creating it is a POST, which the client does not retry after a server or connection
    error (it may have landed): :func:`~cioctl.api.collections.create_unique_collection` looks
    before creating again, as any create does."""
    rows = [{"address": address} for address in sorted(ledger)]
    if ledger_id is None:
        created = await api_collections.create_unique_collection(
            client, LEDGER_COLLECTION, data=rows)
        return created.id
    await api_collections.update_collection(client, ledger_id, LEDGER_COLLECTION, data=rows)
    return ledger_id


async def tidy_ledger(client: ApiClient, recorded: frozenset[str], after: frozenset[str],
                      ledger_id: int | None) -> None:
    """Drop the rows ``after`` no longer has from the ledger as it is *now*: another apply
    may have added rows since this one recorded its own (real workspaces have no lock), and
    a plain overwrite would lose them."""
    current = recorded
    if ledger_id is not None:
        content = await api_collections.get_collection_content(client, ledger_id)
        current = frozenset(str(r.get("address")) for r in
                            (content if isinstance(content, list) else []) if isinstance(r, dict))
    await write_ledger(client, current - (recorded - after), ledger_id)


async def delete_duplicates(client: ApiClient, duplicate_ids: Sequence[int]) -> None:
    """Delete further ledger collections once their rows are merged into the first."""
    for collection_id in duplicate_ids:
        try:
            await api_collections.delete_collection(client, collection_id)
        except ApiNotFound:
            continue  # another apply merged it already
