"""The contract preflight as ``doctor --contract`` and ``apply`` run it.

``apply`` (``--contract off|warn|strict``; default strict for a real region, off for the
embedded workspace and a served emulator, which are not the vendor) calls
:func:`apply_preflight` once, after its own preflight and before the first write, with the live
state it has just read. ``doctor -e ENV --contract SOURCE`` plans the environment afresh and
adds one check per finding to its report (:func:`check_contract`).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import httpx

from cioctl.api.http import ApiClient
from cioctl.contract.document import (
    APP_URL,
    JOURNEYS_URL,
    ContractDocument,
    ContractUnavailableError,
    load_contract,
)
from cioctl.contract.dryrun import DryRun, planned_requests
from cioctl.contract.mode import ContractMode
from cioctl.contract.validate import Contract, Finding, Severity
from cioctl.errors import CioctlError
from cioctl.model.workspace import Workspace
from cioctl.plan.value import Plan
from cioctl.state.live import LiveState

DEFAULT_SOURCES = (JOURNEYS_URL, APP_URL)
DOCUMENTS_ENV = "CIOCTL_CONTRACT_DOCUMENTS"
MAX_LISTED = 40


class ContractDisagreementError(CioctlError):
    """The plan would send bodies the vendor's document does not accept."""


@dataclass(slots=True)
class ContractResult:
    """What one preflight found."""

    documents: list[ContractDocument]
    dry_run: DryRun
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The findings that refuse a strict apply."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def notes(self) -> list[str]:
        """Warnings that are not findings: cached documents, changes not derivable."""
        return [d.warning for d in self.documents if d.warning] + self.not_derived()

    def not_derived(self) -> list[str]:
        """The changes whose dry run failed: none of their requests was checked."""
        return [f"{r.address}: not checked — its dry run failed, so its requests are unknown "
                f"({r.detail})" for r in self.dry_run.unknown]


async def run_contract(
    plan: Plan, workspace: Workspace, live: LiveState, sources: Sequence[str],
    *, transport: httpx.BaseTransport | None = None, reader: ApiClient | None = None,
) -> ContractResult:
    """Load the documents, derive the plan's requests, validate them (``reader``: a client of
    the live workspace, for the reads a flow update makes; see :func:`planned_requests`)."""
    documents = [load_contract(s, transport=transport) for s in sources]
    dry_run = await planned_requests(plan, workspace, live, reader)
    findings = Contract(documents).check(dry_run.requests)
    return ContractResult(documents, dry_run, findings)


def report_text(result: ContractResult) -> str:
    """The refusal's field-level report: one line per error (values never shown, only types),
    then how many requests no document covered."""
    errors = result.errors
    lines = [str(f) for f in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        lines.append(f"… and {len(errors) - MAX_LISTED} more (cioctl doctor --contract lists "
                     "them all)")
    unchecked = sum(1 for f in result.findings if f.severity is Severity.INFO)
    if unchecked:
        lines.append(f"({unchecked} request(s) on an API surface no document covers were not "
                     "checked)")
    return "\n".join(f"  {line}" for line in lines)


async def apply_preflight(
    plan: Plan, workspace: Workspace, live: LiveState, mode: ContractMode,
    *, sources: Sequence[str] | None = None, transport: httpx.BaseTransport | None = None,
    reader: ApiClient | None = None,
) -> list[str]:
    """Warnings to show; raises :class:`ContractDisagreementError` in strict mode on errors.
    ``sources`` default to :func:`apply_sources`."""
    if mode is ContractMode.OFF or not any(c.executable for c in plan.changes):
        return []
    sources = apply_sources(os.environ) if sources is None else sources
    try:
        result = await run_contract(plan, workspace, live, sources, transport=transport,
                                    reader=reader)
    except ContractUnavailableError as error:
        if mode is ContractMode.WARN:
            return [f"contract not checked: {error.message}"]
        raise ContractUnavailableError(
            f"{error.message}; nothing was changed",
            hint="retry when the document can be fetched (it is cached afterwards), or pass "
            "--contract warn to apply without the check") from None
    errors = result.errors
    if errors and mode is ContractMode.STRICT:
        raise ContractDisagreementError(
            f"{len(errors)} request field(s) of this plan disagree with the vendor's OpenAPI "
            f"document; nothing was changed:\n{report_text(result)}",
            hint="fix the definitions (or report a cioctl bug if the body is cioctl's own "
            "shape); --contract warn applies anyway")
    shown = [str(f) for f in result.findings if f.severity is not Severity.INFO]
    return [*result.notes(), *shown[:MAX_LISTED]]


def apply_sources(environ: Mapping[str, str]) -> list[str]:
    """The documents apply checks against: ``$CIOCTL_CONTRACT_DOCUMENTS`` (comma-separated
    files or URLs: saved copies for machines that cannot reach the vendor), else both
    published documents."""
    given = [s.strip() for s in environ.get(DOCUMENTS_ENV, "").split(",") if s.strip()]
    return contract_sources(given) if given else list(DEFAULT_SOURCES)


def contract_sources(given: Collection[str]) -> list[str]:
    """``doctor --contract`` values; ``default`` stands for both published documents."""
    out: list[str] = []
    for source in given:
        out += list(DEFAULT_SOURCES) if source == "default" else [source]
    return out
