"""``cioctl doctor -e ENV --contract SOURCE``: the current plan's bodies against the documents.

The environment is planned afresh (as ``cioctl plan`` would), its live state read, and the
plan's requests derived exactly (:mod:`cioctl.contract.dryrun`) and validated. Each finding
becomes one check of the doctor report: an error fails doctor (exit 1), a warning does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import anyio
import httpx

from cioctl.contract.preflight import ContractResult, run_contract
from cioctl.contract.validate import Finding, Severity
from cioctl.doctor.report import Report, Status
from cioctl.errors import CioctlError

GROUP = "vendor contract"
_STATUS = {Severity.ERROR: Status.FAIL, Severity.WARNING: Status.WARN, Severity.INFO: Status.INFO}


def check_contract(
    report: Report, root: Path, env_name: str, environ: Mapping[str, str],
    sources: Sequence[str], *, transport: httpx.BaseTransport | None = None,
) -> None:
    """Add the contract checks of environment ``env_name`` to ``report``."""
    try:
        result = anyio.run(_run, root, env_name, environ, sources, transport)
    except CioctlError as error:
        report.add("contract preflight", Status.FAIL, error.message, error.hint, group=GROUP)
        return
    for document in result.documents:
        origin = " (cached copy)" if document.from_cache else ""
        kind = "partial excerpt" if document.partial else "document"
        report.add(document.source, Status.WARN if document.warning else Status.OK,
                   document.warning or f"{kind}{origin}, {len(document.raw['paths'])} paths",
                   group=GROUP)
    for note in result.not_derived():
        report.add("contract preflight", Status.WARN, note, group=GROUP)
    unchecked: dict[str, int] = {}
    for finding in result.findings:
        if finding.severity is Severity.INFO:  # one line per uncovered surface, not per request
            unchecked[finding.expected] = unchecked.get(finding.expected, 0) + 1
        else:
            _add_finding(report, finding)
    for expected, count in unchecked.items():
        report.add("not checked", Status.INFO, f"{count} request(s): expected {expected}",
                   "pass that API's document too (--contract default)", group=GROUP)
    _summary(report, result)


async def _run(root: Path, env_name: str, environ: Mapping[str, str], sources: Sequence[str],
               transport: httpx.BaseTransport | None) -> ContractResult:
    from cioctl.engine import load_valid_workspace, make_plan
    from cioctl.environments import open_client
    from cioctl.plan.build import declare_types, wanted_addresses
    from cioctl.state.desired import desired_resources
    from cioctl.state.live import read_live

    workspace = load_valid_workspace(root, env_name, environ)
    async with open_client(workspace.root, workspace.config, env_name, environ) as client:
        plan = await make_plan(workspace, client)
        declare_types(client, workspace)
        live = await read_live(client, wanted_addresses(desired_resources(workspace)))
        # still open: a flow update's requests depend on reads of its live campaign
        return await run_contract(plan, workspace, live, sources, transport=transport,
                                  reader=client)


def _add_finding(report: Report, finding: Finding) -> None:
    name = f"{finding.method} {finding.route or finding.path} {finding.pointer}".rstrip()
    detail = f"expected {finding.expected}, got {finding.got}"
    if finding.address:
        detail += f" (sent by {finding.address})"
    hint = None
    if finding.severity is Severity.ERROR:
        hint = f"the body disagrees with {finding.document}; apply refuses it (strict)"
    report.add(name, _STATUS[finding.severity], detail, hint, group=GROUP)


def _summary(report: Report, result: ContractResult) -> None:
    count = len(result.dry_run.requests)
    errors = len(result.errors)
    warnings = sum(1 for f in result.findings if f.severity is Severity.WARNING)
    status = Status.FAIL if errors else Status.OK
    report.add("plan requests", status, f"{count} request(s) of the plan checked: {errors} "
               f"error(s), {warnings} warning(s)", group=GROUP)
