"""Building a plan: read live state, diff, look up audiences, narrow to targets, order."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace

import anyio

from cioctl import __version__
from cioctl.api import segments as api_segments
from cioctl.api.endpoints import Surface as ApiSurface
from cioctl.api.http import ApiClient
from cioctl.checks.expressible import value_types
from cioctl.checks.symbols import Symbols
from cioctl.errors import ApiError, ConfigError
from cioctl.graph import order_changes, prerequisites
from cioctl.kinds.address import Address
from cioctl.kinds.registry import LEDGER_COLLECTION, Kind, Surface
from cioctl.model.base import slugify
from cioctl.model.workspace import Workspace
from cioctl.plan.change import Action, Change
from cioctl.plan.diff import diff
from cioctl.plan.ownership import ownership_writes
from cioctl.plan.redact import mask_rotated, redact_changes
from cioctl.plan.value import Plan, Unmanaged
from cioctl.state.desired import desired_resources
from cioctl.state.live import LiveState, read_live
from cioctl.state.resource import Resource

Progress = Callable[[str], None]


def definitions_checksum(desired: dict[Address, Resource]) -> str:
    """A digest of every definition as resolved for the environment."""
    items = sorted((r.address, r.name, r.fields, r.previous_names, r.ignore_changes)
                   for r in desired.values())
    text = json.dumps(items, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def plan_workspace_id(workspace: Workspace) -> int | None:
    """The Customer.io workspace id a plan of this environment names (1: the embedded one)."""
    env = workspace.environment
    return env.workspace_id or (1 if env.backend == "embedded" else None)


def declare_types(client: ApiClient, workspace: Workspace) -> None:
    """Give the client the definitions' declared types (the Journeys codec reads and writes
    condition values with them)."""
    client.value_types = value_types(Symbols.of(workspace))


def wanted_addresses(desired: dict[Address, Resource]) -> set[Address]:
    """What to read in full: every definition, under its key and its previous names."""
    wanted = set(desired)
    for resource in desired.values():
        wanted |= {Address(resource.kind, slugify(n)) for n in resource.previous_names}
    return wanted


def credentials_of(client: ApiClient) -> frozenset[Surface]:
    """The surfaces this environment has credentials for."""
    return frozenset(s for s, api in ((Surface.APP, ApiSurface.APP),
                                      (Surface.JOURNEYS, ApiSurface.JOURNEYS))
                     if client.has_credential(api))


async def build_plan(workspace: Workspace, client: ApiClient, *,
                     targets: Collection[str] = (), progress: Progress | None = None) -> Plan:
    """The complete, ordered plan for one environment."""
    desired = desired_resources(workspace)
    declare_types(client, workspace)
    live = await read_live(client, wanted_addresses(desired), progress)
    return await plan_from_live(workspace, client, live, desired, targets=targets)


async def plan_from_live(workspace: Workspace, client: ApiClient, live: LiveState,
                         desired: dict[Address, Resource], *,
                         targets: Collection[str] = ()) -> Plan:
    """The plan for a live state already read (apply re-plans a saved plan's this way)."""
    result = diff(desired, live, credentials_of(client))
    changes = await _with_audiences(client, result.changes)
    changes = await _blocked_deletes(client, changes, live)
    changes = redact_changes(mask_rotated(changes, desired, workspace.env_values),
                             workspace.env_values)
    live_by_address = {r.ref: r for r in live.resources.values()}
    if targets:
        changes = narrow(changes, targets, desired, live_by_address)
    env = workspace.environment
    ordered = tuple(order_changes(changes, live_by_address))
    ownership = ownership_writes(ordered, live)
    return Plan(
        workspace=workspace.config.workspace, environment=workspace.environment_name,
        workspace_id=plan_workspace_id(workspace), backend=env.backend, cioctl_version=__version__,
        definitions_checksum=definitions_checksum(desired),
        live_fingerprint=live.fingerprint,
        changes=ordered,
        unmanaged=tuple(Unmanaged(str(r.kind), r.key, r.name) for r in result.unmanaged
                        if r.kind not in (Kind.ATTRIBUTE, Kind.EVENT)),
        warnings=_warnings(live), targets=tuple(sorted(targets)),
        managed_count=sum(1 for r in live.resources.values() if r.managed),
        ledger=tuple(sorted(live.ledger)), ledger_merge=live.ledger_duplicates,
        ownership=ownership,
        creates_ledger=live.ledger_id is None and
        any(w.via == "ledger" and w.op == "add" for w in ownership),
    )


def _warnings(live: LiveState) -> tuple[str, ...]:
    found = [f"live {kind}s could not be read (credential missing); every {kind} is shown as "
             "a create" for kind in sorted(live.unreadable)]
    if live.ledger_duplicates:
        extra = ", ".join(map(str, live.ledger_duplicates))
        found.append(f"the ownership ledger '{LEDGER_COLLECTION}' exists more than once "
                     f"(applies ran concurrently): apply merges collection(s) {extra} into "
                     f"collection {live.ledger_id} and deletes them")
    return tuple(found)


async def _with_audiences(client: ApiClient, changes: list[Change]) -> list[Change]:
    """For a segment edit or delete, its current audience size (``customer_count``)."""
    counts: dict[int, int] = {}
    wanted = [c.live_id for c in changes if c.kind is Kind.SEGMENT and c.live_id is not None
              and c.action in (Action.UPDATE, Action.REPLACE, Action.DELETE)]
    if not wanted or not client.has_credential(ApiSurface.APP):
        return changes

    async def count(segment_id: int) -> None:
        try:
            counts[segment_id] = await api_segments.segment_customer_count(client, segment_id)
        except ApiError:
            return

    async with anyio.create_task_group() as group:
        for segment_id in wanted:
            group.start_soon(count, segment_id)
    return [replace(c, audience=counts[c.live_id])
            if c.live_id in counts and c.kind is Kind.SEGMENT else c for c in changes]


async def _blocked_deletes(client: ApiClient, changes: list[Change],
                           live: LiveState) -> list[Change]:
    """A segment delete (or replace, which deletes the old copy) becomes *manual* when something
    cioctl doesn't manage still uses it.

    Campaigns and newsletters outside cioctl would break (or block the delete); a person has
    to detach the segment from them in Customer.io first.
    """
    deletes = [c for c in changes if c.kind is Kind.SEGMENT and c.live_id is not None
               and c.action in (Action.DELETE, Action.REPLACE)]
    if not deletes or not client.has_credential(ApiSurface.APP):
        return changes
    ours = {r.live_id for r in live.resources.values() if r.kind is Kind.FLOW and r.managed}
    blockers: dict[str, str] = {}

    async def check(change: Change) -> None:
        assert change.live_id is not None
        try:
            usage = await api_segments.segment_used_by(client, change.live_id)
        except ApiError:
            return
        foreign = [i for i in usage.campaigns if i not in ours]
        newsletters = len(usage.draft_newsletters) + len(usage.sent_newsletters)
        if foreign or newsletters:
            verb = "deleting" if change.action is Action.DELETE else \
                "replacing (deletes the old copy)"
            blockers[change.address] = (
                f"{verb} it would break campaign(s) {', '.join(map(str, foreign)) or '-'} and "
                f"{newsletters} newsletter(s) that cioctl does not manage and that use it; "
                "detach it from them in Customer.io, then plan again")

    async with anyio.create_task_group() as group:
        for change in deletes:
            group.start_soon(check, change)
    return [replace(c, action=Action.MANUAL, reason=blockers[c.address], surface=Surface.NONE,
                    credential="") if c.address in blockers else c for c in changes]


def narrow(changes: list[Change], targets: Collection[str], desired: dict[Address, Resource],
           live: Mapping[Address, Resource] | None = None) -> list[Change]:
    """Only the targeted resources and what they depend on (``--target kind:key``), including,
    for a delete, the changes that stop live resources referring to it."""
    known = {c.address for c in changes} | {r.address for r in desired.values()}
    for target in targets:
        if target not in known:
            raise ConfigError(f"--target {target} names no resource of this workspace",
                              hint="use kind:key, e.g. segment:pro_plan or flow:onboarding")
    before = prerequisites(changes, live or {})
    keep: set[Address] = set()
    pending = [Address.parse(t) for t in targets]
    while pending:
        address = pending.pop()
        if address in keep:
            continue
        keep.add(address)
        resource = desired.get(address)
        if resource is not None:
            pending += resource.depends_on
        pending += before.get(address, ())
    return [c for c in changes if c.ref in keep]
