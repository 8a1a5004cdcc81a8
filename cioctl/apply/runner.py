"""Running a plan: dependency order, independent changes concurrently, failures contained.

Each change waits for the changes it depends on (``Change.depends_on``, written by the
planner). A failed change marks every change that depends on it, directly or not, as skipped;
independent changes go on. Interrupting (Ctrl-C) stops starting new changes, lets the ones in
flight finish or fail, and reports the rest as not run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import anyio

from cioctl.api.http import ApiClient
from cioctl.apply.execute import execute, write_data_index
from cioctl.apply.wire import IdBook
from cioctl.errors import CioctlError
from cioctl.kinds.registry import Kind
from cioctl.plan.change import Action, Change

BATCHED = frozenset({Kind.ATTRIBUTE, Kind.EVENT})
MAX_BATCH = 100


class Status(StrEnum):
    """What became of one change."""

    APPLIED = "applied"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"


@dataclass(frozen=True)
class ChangeResult:
    """The outcome of one change."""

    address: str
    action: str
    status: Status
    detail: str = ""
    request_id: str | None = None
    live_id: int | None = None


@dataclass
class ApplyResult:
    """One result per change of the plan, in plan order."""

    results: list[ChangeResult] = field(default_factory=list)
    interrupted: bool = False

    def count(self, status: Status) -> int:
        """How many changes ended with ``status``."""
        return sum(1 for r in self.results if r.status is status)

    @property
    def ok(self) -> bool:
        """Every change applied."""
        return not self.interrupted and all(r.status is Status.APPLIED for r in self.results)


OnResult = Callable[[ChangeResult], None]


def batches(changes: tuple[Change, ...]) -> list[list[Change]]:
    """Units of work: data-index writes grouped up to 100 per kind (one POST each, as the API
    allows); every other change on its own."""
    units: list[list[Change]] = []
    grouped: dict[Kind, list[Change]] = {}
    for change in changes:
        if change.kind in BATCHED and change.action in (Action.CREATE, Action.UPDATE) \
                and not change.depends_on:
            grouped.setdefault(change.kind, []).append(change)
        else:
            units.append([change])
    for group in grouped.values():
        units += [group[i:i + MAX_BATCH] for i in range(0, len(group), MAX_BATCH)]
    return units


async def run_changes(client: ApiClient, changes: tuple[Change, ...], ids: IdBook, *,
                      on_result: OnResult | None = None, concurrency: int = 8) -> ApplyResult:
    """Run every change; returns results in plan order."""
    done = {c.address: anyio.Event() for c in changes}
    results: dict[str, ChangeResult] = {}
    limit = anyio.CapacityLimiter(concurrency)
    notify = on_result or (lambda _r: None)

    async def run_unit(unit: list[Change]) -> None:
        try:
            for need in {n for change in unit for n in change.depends_on}:
                if need in done:
                    await done[need].wait()
            blocked = [n for n in unit[0].depends_on
                       if n in results and results[n].status is not Status.APPLIED]
            if blocked:
                outcome = [_skipped(unit[0], blocked[0], results)]
            else:
                async with limit:
                    outcome = await _attempt(client, unit, ids)
            for result in outcome:
                results[result.address] = result
                notify(result)
        finally:
            for change in unit:
                done[change.address].set()

    interrupted = False
    position = {c.address: i for i, c in enumerate(changes)}
    units = sorted(batches(changes), key=lambda unit: position[unit[0].address])
    try:
        if concurrency == 1:  # strictly in plan order: ids are then assigned reproducibly
            for unit in units:
                await run_unit(unit)
        else:
            async with anyio.create_task_group() as group:
                for unit in units:
                    group.start_soon(run_unit, unit)
    except KeyboardInterrupt:
        interrupted = True
    ordered = [results.get(c.address) or ChangeResult(c.address, c.action, Status.NOT_RUN,
                                                      "interrupted") for c in changes]
    return ApplyResult(ordered, interrupted)


def _skipped(change: Change, blocker: str, results: dict[str, ChangeResult]) -> ChangeResult:
    reason = f"depends on {blocker}, which {results[blocker].status}"
    return ChangeResult(change.address, change.action, Status.SKIPPED, reason)


async def _attempt(client: ApiClient, unit: list[Change], ids: IdBook) -> list[ChangeResult]:
    live_id = None
    try:
        if len(unit) > 1 or unit[0].kind in BATCHED:
            await write_data_index(client, unit)
        else:
            live_id = await execute(client, unit[0], ids)
    except CioctlError as error:
        request_id = getattr(error, "request_id", None)
        return [ChangeResult(c.address, c.action, Status.FAILED, error.message, request_id)
                for c in unit]
    except Exception as bug:  # one change's bug must not abandon the others unreported
        detail = f"internal error ({type(bug).__name__}: {bug}); please report it"
        return [ChangeResult(c.address, c.action, Status.FAILED, detail) for c in unit]
    return [ChangeResult(c.address, c.action, Status.APPLIED, live_id=live_id) for c in unit]
