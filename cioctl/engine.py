"""The operations the CLI runs, composed from the pipeline's stages."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from cioctl.api.http import ApiClient
from cioctl.apply.audit import AuditLog
from cioctl.apply.descriptions import record_descriptions
from cioctl.apply.ledger import next_ledger, write_ledger
from cioctl.apply.runner import ApplyResult, ChangeResult, OnResult, run_changes
from cioctl.apply.wire import IdBook
from cioctl.errors import CioctlError, ValidationFailedError
from cioctl.model.workspace import Workspace
from cioctl.pipeline import validate_workspace
from cioctl.plan.build import build_plan, definitions_checksum, wanted_addresses
from cioctl.plan.change import Change, Flag
from cioctl.plan.fields import keep_ignored
from cioctl.plan.value import Plan
from cioctl.state.desired import desired_resources
from cioctl.state.kinds import Kind
from cioctl.state.live import LiveState, read_live
from cioctl.state.resource import Resource

Progress = Callable[[str], None]


class StalePlanError(CioctlError):
    """A saved plan no longer matches the definitions or the live workspace."""


class MissingCredentialsError(CioctlError):
    """Changes need a credential the environment does not have."""


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


def preflight(plan: Plan, workspace: Workspace, live: LiveState) -> None:
    """Credentials, then staleness — before anything is touched."""
    missing = sorted({c.credential for c in plan.changes if Flag.CREDENTIAL_MISSING in c.flags})
    if missing:
        raise MissingCredentialsError(
            f"environment '{plan.environment}' lacks the credential(s) {', '.join(missing)} "
            "that changes in this plan need; nothing was changed",
            hint=_credential_hint(workspace, missing))
    if plan.definitions_checksum != definitions_checksum(desired_resources(workspace)):
        raise StalePlanError("the definitions changed since this plan was made",
                             hint="run cioctl plan again and review the new plan")
    if plan.live_fingerprint != live.fingerprint:
        raise StalePlanError(
            f"the live workspace changed since this plan was made (environment "
            f"'{plan.environment}')", hint="run cioctl plan again and review the new plan")


def _with_real_values(change: Change, desired: dict[tuple[Kind, str], Resource],
                      live: LiveState) -> Change:
    """The change with its ``after`` from the definitions (plans hold ``${env:…}`` references
    in place of environment values; the checksum proves the definitions are the same), and
    ``ignore_changes`` paths at their live value (the fingerprint proves it unchanged)."""
    resource = desired.get((change.kind, change.key))
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
    return live.resources.get((change.kind, change.key))


@dataclass(frozen=True)
class ApplyOutcome:
    """What apply did, and whether the ledger write worked."""

    result: ApplyResult
    ledger_error: str | None = None


async def execute_plan(plan: Plan, workspace: Workspace, client: ApiClient, *,
                       audit: AuditLog, on_result: OnResult | None = None,
                       concurrency: int = 8) -> ApplyOutcome:
    """Preflight against a fresh read of the live workspace, then run every change."""
    live = await read_live(client, wanted_addresses(desired_resources(workspace)))
    preflight(plan, workspace, live)

    def record(result: ChangeResult) -> None:
        audit.record(result)
        if on_result:
            on_result(result)

    desired = desired_resources(workspace)
    executable = tuple(_with_real_values(c, desired, live) for c in plan.changes
                       if c.executable)
    result = await run_changes(client, executable, id_book(live), on_result=record,
                               concurrency=concurrency)
    described = await record_descriptions(client, executable, result, live,
                                          {r.address for r in desired.values()})
    ledger = next_ledger(plan, result)
    if ledger == frozenset(plan.ledger):
        return ApplyOutcome(result, described)
    try:
        await write_ledger(client, ledger, live.ledger_id)
    except CioctlError as error:
        return ApplyOutcome(result, f"could not record ownership: {error.message}")
    return ApplyOutcome(result, described)
