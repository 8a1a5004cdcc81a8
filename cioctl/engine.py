"""The operations the CLI runs, composed from the pipeline's stages."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import anyio

from cioctl.api.http import ApiClient
from cioctl.apply.audit import AuditLog
from cioctl.apply.descriptions import record_descriptions
from cioctl.apply.ledger import (
    delete_duplicates,
    ledger_after,
    ledger_before,
    released,
    tidy_ledger,
    write_ledger,
)
from cioctl.apply.replace import finish_replaces
from cioctl.apply.runner import ApplyResult, ChangeResult, OnResult, run_changes
from cioctl.apply.wire import IdBook
from cioctl.contract.mode import ContractMode, default_mode
from cioctl.errors import CioctlError, ValidationFailedError
from cioctl.kinds.address import Address
from cioctl.kinds.registry import Kind
from cioctl.model.workspace import Workspace
from cioctl.pipeline import validate_workspace
from cioctl.plan.build import (
    build_plan,
    declare_types,
    definitions_checksum,
    plan_from_live,
    plan_workspace_id,
    wanted_addresses,
)
from cioctl.plan.change import Change, Flag
from cioctl.plan.fields import keep_ignored
from cioctl.plan.safety import Overrides, check_plan
from cioctl.plan.value import Plan, plan_digest
from cioctl.state.desired import desired_resources
from cioctl.state.live import LiveState, read_live
from cioctl.state.resource import Resource

Progress = Callable[[str], None]


class StalePlanError(CioctlError):
    """A saved plan no longer matches the definitions or the live workspace."""


class MissingCredentialsError(CioctlError):
    """Changes need a credential the environment does not have."""


class ForeignPlanError(CioctlError):
    """A saved plan made for another workspace or environment."""


class ChangedPlanError(StalePlanError):
    """A saved plan whose changes are not what apply would do now."""


class OwnershipError(CioctlError):
    """The ledger could not be written before the changes (so none ran)."""


def load_valid_workspace(root: Path, env: str, environ: Mapping[str, str]) -> Workspace:
    """The validated workspace, or every problem at once."""
    report = validate_workspace(root, env, environ)
    if report.problems:
        raise ValidationFailedError(report.problems)
    return report.workspace


async def make_plan(workspace: Workspace, client: ApiClient, *,
                    targets: Collection[str] = (), progress: Progress | None = None) -> Plan:
    """Plan one environment."""
    return await build_plan(workspace, client, targets=targets, progress=progress)


def id_book(live: LiveState) -> IdBook:
    """Live ids by key, as apply needs them."""
    book = IdBook()
    for resource in live.resources.values():
        if resource.live_id is None:
            continue
        if resource.kind is Kind.SEGMENT:
            book.segments[resource.key] = resource.live_id
        elif resource.kind is Kind.FLOW:
            book.flows[resource.key] = resource.live_id
            book.action_ids[resource.key] = dict(resource.extra.get("action_ids", {}))
        elif resource.kind is Kind.COLLECTION:
            book.collections[resource.key] = resource.live_id
        elif resource.kind is Kind.REPORTING_WEBHOOK:
            book.webhooks[resource.key] = resource.live_id
    return book


def _credential_hint(workspace: Workspace, missing: list[str]) -> str:
    from cioctl.environments import CREDENTIAL_FIELDS, credential_status

    status = credential_status(workspace.config, workspace.environment_name, {})
    names = [s.env_var for surface, s in status.items()
             if CREDENTIAL_FIELDS[surface] in missing and s.env_var]
    if names:
        return "export " + " and ".join(names) + " (e.g. from a CI secret), then apply again"
    return (f"add {' and '.join(missing)} under environments.{workspace.environment_name}"
            ".credentials in workspace.yaml as ${env:NAME}, and export NAME")


def check_identity(plan: Plan, workspace: Workspace) -> None:
    """A plan applies only to the workspace and environment it was made for."""
    here = (workspace.config.workspace, workspace.environment_name, plan_workspace_id(workspace))
    there = (plan.workspace, plan.environment, plan.workspace_id)
    if here == there:
        return
    raise ForeignPlanError(
        f"this plan was made for {_identity(*there)}, not for {_identity(*here)}; nothing was "
        "changed", hint=f"apply it to environment '{plan.environment}' of workspace "
        f"'{plan.workspace}', or make a plan here: cioctl plan -e "
        f"{workspace.environment_name} --out FILE")


def _identity(workspace: str, environment: str, workspace_id: int | None) -> str:
    number = f" (Customer.io workspace {workspace_id})" if workspace_id is not None else ""
    return f"workspace '{workspace}' environment '{environment}'{number}"


def preflight(plan: Plan, workspace: Workspace, live: LiveState,
              desired: dict[Address, Resource] | None = None) -> None:
    """Identity, credentials, then staleness — before anything is touched."""
    check_identity(plan, workspace)
    missing = sorted({c.credential for c in plan.changes if Flag.CREDENTIAL_MISSING in c.flags})
    if missing:
        raise MissingCredentialsError(
            f"environment '{plan.environment}' lacks the credential(s) {', '.join(missing)} "
            "that changes in this plan need; nothing was changed",
            hint=_credential_hint(workspace, missing))
    desired = desired if desired is not None else desired_resources(workspace)
    if plan.definitions_checksum != definitions_checksum(desired):
        raise StalePlanError("the definitions changed since this plan was made",
                             hint="run cioctl plan again and review the new plan")
    if plan.live_fingerprint != live.fingerprint:
        raise StalePlanError(
            f"the live workspace changed since this plan was made (environment "
            f"'{plan.environment}')", hint="run cioctl plan again and review the new plan")


def check_same_changes(plan: Plan, fresh: Plan) -> None:
    """Apply does exactly what the plan shows: the changes of a fresh plan from the same
    definitions and live state must be the plan's own (audience sizes aside)."""
    if plan_digest(plan, with_audience=False) == plan_digest(fresh, with_audience=False):
        return
    raise ChangedPlanError(
        "the plan's changes are not what apply would do now "
        f"({_first_difference(plan.changes, fresh.changes)}); nothing was changed",
        hint="a plan file must not be edited: run cioctl plan --out FILE again and review it")


def _first_difference(saved: tuple[Change, ...], fresh: tuple[Change, ...]) -> str:
    wanted = {f"{c.action} {c.address}" for c in fresh}
    for change in saved:
        if f"{change.action} {change.address}" not in wanted:
            return f"{change.action} {change.address} is in the plan but not in a fresh one"
    shown = {f"{c.action} {c.address}" for c in saved}
    for change in fresh:
        if f"{change.action} {change.address}" not in shown:
            return f"{change.action} {change.address} is missing from the plan"
    for old, new in zip(saved, fresh, strict=False):
        if replace(old, audience=None) != replace(new, audience=None):
            return f"{old.action} {old.address} differs"
    if [c.address for c in saved] != [c.address for c in fresh]:
        return "their order differs"
    return "the ownership writes differ"


def _with_real_values(change: Change, desired: dict[Address, Resource],
                      live: LiveState) -> Change:
    """The change with its ``after`` from the definitions (plans hold ``${env:…}`` references
    in place of environment values; the checksum proves the definitions are the same), and
    ``ignore_changes`` paths at their live value (the fingerprint proves it unchanged)."""
    resource = desired.get(change.ref)
    if resource is None or change.after is None:
        return change
    after = resource.fields
    have = _live_resource(change, live)
    if resource.ignore_changes and have is not None:
        after = keep_ignored(after, have.fields, resource.ignore_changes)
    return replace(change, after=after)


def _live_resource(change: Change, live: LiveState) -> Resource | None:
    if change.live_id is not None:
        for resource in live.resources.values():
            if resource.kind is change.kind and resource.live_id == change.live_id:
                return resource
    return live.resources.get(change.ref)


@dataclass(frozen=True)
class ApplyOutcome:
    """What apply did, whether the last ledger write worked, and which data-index entries it
    stopped managing (no API deletes them)."""

    result: ApplyResult
    ledger_error: str | None = None
    released: tuple[str, ...] = ()


async def _record_before(client: ApiClient, changes: tuple[Change, ...],
                         live: LiveState) -> tuple[frozenset[str], int | None, str | None]:
    """Write the ledger before any change (see :mod:`cioctl.apply.ledger`), merging duplicate
    ledger collections; returns the rows, the ledger's id and any merge problem."""
    ledger = ledger_before(changes, live)
    if ledger == live.ledger and not live.ledger_duplicates:
        return ledger, live.ledger_id, None
    try:
        ledger_id = await write_ledger(client, ledger, live.ledger_id)
    except CioctlError as error:
        raise OwnershipError(
            f"could not record ownership before applying: {error.message}; nothing was "
            "changed", hint="check that the App API is reachable and the key may write "
            "collections, then apply again") from None
    try:
        await delete_duplicates(client, live.ledger_duplicates)
    except CioctlError as error:
        return ledger, ledger_id, f"could not delete a duplicate ledger: {error.message}"
    return ledger, ledger_id, None


async def execute_plan(plan: Plan, workspace: Workspace, client: ApiClient, *,
                       audit: AuditLog, on_result: OnResult | None = None,
                       concurrency: int = 8, safety: Overrides = Overrides(),
                       contract: ContractMode | None = None,
                       on_warning: Callable[[str], None] = lambda _note: None) -> ApplyOutcome:
    """Preflight against a fresh read of the live workspace — identity, credentials,
    staleness, the safety rules (``safety`` holds what the user explicitly allowed), the
    vendor contract (``contract``; default: strict for a real region, off otherwise) — then
    :func:`carry_out`."""
    desired = desired_resources(workspace)
    declare_types(client, workspace)
    live = await read_live(client, wanted_addresses(desired))
    preflight(plan, workspace, live, desired)
    # Re-plan from this very read: what runs is the fresh plan, proven equal to the one shown
    # (a plan file is only JSON; its changes and ledger are never trusted on their own).
    fresh = await plan_from_live(workspace, client, live, desired, targets=plan.targets)
    check_same_changes(plan, fresh)
    check_plan(fresh, workspace.environment, desired.values(), safety)
    mode = contract or default_mode(workspace.environment)
    if mode is not ContractMode.OFF:
        # Imported here: the contract check pulls in jsonschema, whose format checkers can take
        # seconds to import, and the embedded workspace never needs it.
        from cioctl.contract.preflight import apply_preflight

        for note in await apply_preflight(fresh, workspace, live, mode, reader=client):
            on_warning(note)

    def record(result: ChangeResult) -> None:
        audit.record(result)
        if on_result:
            on_result(result)

    return await carry_out(fresh, desired, live, client, on_result=record,
                           concurrency=concurrency)


_INTERRUPT_GRACE_SECONDS = 10.0


async def _record_descriptions_on_interrupt(
        client: ApiClient, executable: tuple[Change, ...], finished: list[ChangeResult],
        live: LiveState, defined: Collection[str]) -> None:
    """Ctrl-C cancels the apply: still record the descriptions the changes that did finish
    wrote, or the next plan shows each of them as a description-only update. Shielded from
    the cancellation and bounded in time: the user asked to stop."""
    with anyio.CancelScope(shield=True), anyio.move_on_after(_INTERRUPT_GRACE_SECONDS):
        await record_descriptions(client, executable, ApplyResult(list(finished), True),
                                  live, defined)


async def carry_out(plan: Plan, desired: dict[Address, Resource], live: LiveState,
                    client: ApiClient, *, on_result: OnResult,
                    on_ledger: Callable[[], None] = lambda: None,
                    concurrency: int = 8) -> ApplyOutcome:
    """Record ownership, run every change, finish replaces, then tidy the ledger (apply after
    its preflight; the contract dry run calls it too, so its requests are apply's own).
    ``on_ledger`` is told after each write of cioctl's own records (ledger, descriptions)."""
    executable = tuple(_with_real_values(c, desired, live) for c in plan.changes
                       if c.executable)
    ledger, ledger_id, merge_error = await _record_before(client, plan.changes, live)
    on_ledger()
    ids = id_book(live)
    defined = {r.address for r in desired.values()}
    finished: list[ChangeResult] = []

    def seen(result: ChangeResult) -> None:
        finished.append(result)
        on_result(result)

    try:
        result = await run_changes(client, executable, ids, on_result=seen,
                                   concurrency=concurrency)
    except anyio.get_cancelled_exc_class():
        await _record_descriptions_on_interrupt(client, executable, finished, live, defined)
        raise
    result = await finish_replaces(client, executable, result, ids, on_result)
    described = await record_descriptions(client, executable, result, live, defined)
    on_ledger()
    warning = "; ".join(w for w in (merge_error, described) if w) or None
    after = ledger_after(ledger, live.ledger, executable, result)
    gone = released(plan.changes)
    if after == ledger:
        return ApplyOutcome(result, warning, gone)
    try:
        await tidy_ledger(client, ledger, after, ledger_id)
    except CioctlError as error:
        return ApplyOutcome(result, f"could not tidy the ownership ledger: {error.message} "
                            "(what this apply created was recorded before it ran; the next "
                            "apply tidies the rest)", gone)
    finally:
        on_ledger()
    return ApplyOutcome(result, warning, gone)
