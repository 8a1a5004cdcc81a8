"""The ownership records a plan's changes make: ledger rows and ``cioctl:<key>`` tags.

Apply keeps ownership two ways (see :mod:`cioctl.apply.ledger`): segments and flows carry a
``cioctl:<key>`` tag, every other kind is a row of the ``cioctl_managed`` collection. Both are
writes to the workspace a reviewer should see, so the plan lists them, computed here once from
the changes and the live state so that every renderer only reads them. The rules mirror what
apply does: an applied create or update records its address (a renamed resource's old one
out), an applied delete removes it; a segment or flow written by cioctl gets its key's tag.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cioctl.kinds.address import Address
from cioctl.kinds.registry import KINDS, LEDGER_KINDS, Kind, owner_tag
from cioctl.model.base import slugify
from cioctl.plan.change import Action, Change
from cioctl.plan.value import OwnershipWrite
from cioctl.state.live import LiveState
from cioctl.state.resource import Resource


def ledger_entry(change: Change, fields: dict[str, Any] | None) -> str:
    """The address the ledger records: the one the live resource is read under (a reporting
    webhook is read back by a slug of its name, whatever key the definition gives it)."""
    if change.kind is Kind.REPORTING_WEBHOOK and fields and isinstance(fields.get("name"), str):
        return str(Address(change.kind, slugify(fields["name"])))
    return change.address


def ownership_writes(changes: Iterable[Change], live: LiveState) -> tuple[OwnershipWrite, ...]:
    """Every ledger row and tag that applying ``changes`` (in order) adds or removes.

    Changes apply cannot carry out (manual, unsupported, missing a credential) write nothing."""
    ledger = set(live.ledger)
    by_id: dict[tuple[Kind, int | None], Resource] = {
        (r.kind, r.live_id): r for r in live.resources.values() if r.live_id is not None}
    writes: list[OwnershipWrite] = []
    for change in changes:
        if not change.executable:
            continue
        if change.kind in LEDGER_KINDS:
            writes += _ledger_writes(change, ledger)
        elif KINDS[change.kind].tagged:
            have = None if change.action is Action.CREATE else \
                by_id.get((change.kind, change.live_id)) or \
                live.resources.get(change.ref)
            writes += _tag_writes(change, have)
    return tuple(writes)


def _ledger_writes(change: Change, ledger: set[str]) -> list[OwnershipWrite]:
    """Rows of ``ledger`` that ``change`` removes and adds (``ledger`` is updated)."""
    added = None if change.action is Action.DELETE else ledger_entry(change, change.after)
    gone = {change.address} if change.action is Action.DELETE else set()
    if change.before is not None:
        gone.add(ledger_entry(change, change.before))
    gone.discard(added or "")
    writes = [OwnershipWrite(change.address, "ledger", "remove", e)
              for e in sorted(gone & ledger)]
    ledger -= gone
    if added is not None and added not in ledger:
        writes.append(OwnershipWrite(change.address, "ledger", "add", added))
        ledger.add(added)
    return writes


def _tag_writes(change: Change, have: Resource | None) -> list[OwnershipWrite]:
    """A created or adopted segment or flow gets its tag; one whose key changed is retagged.
    A deleted one takes its tag with it (no write of its own)."""
    if change.action is Action.DELETE:
        return []
    if have is not None and have.managed and have.key == change.key:
        return []
    writes = []
    if have is not None and have.managed:
        writes.append(OwnershipWrite(change.address, "tag", "remove", owner_tag(have.key)))
    writes.append(OwnershipWrite(change.address, "tag", "add", owner_tag(change.key)))
    return writes
