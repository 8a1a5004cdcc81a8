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
from cioctl.apply.execute import execute
from cioctl.apply.wire import IdBook
from cioctl.errors import CioctlError
from cioctl.plan.change import Change


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


async def run_changes(client: ApiClient, changes: tuple[Change, ...], ids: IdBook, *,
                      on_result: OnResult | None = None, concurrency: int = 8) -> ApplyResult:
    """Run every change; returns results in plan order."""
    done = {c.address: anyio.Event() for c in changes}
    results: dict[str, ChangeResult] = {}
    limit = anyio.CapacityLimiter(concurrency)
    stop = anyio.Event()
    notify = on_result or (lambda _r: None)

    async def run_one(change: Change) -> None:
        try:
            for need in change.depends_on:
                if need in done:
                    await done[need].wait()
            blocked = [n for n in change.depends_on
                       if n in results and results[n].status is not Status.APPLIED]
            if blocked:
                results[change.address] = _skipped(change, blocked[0], results)
            elif stop.is_set():
                results[change.address] = ChangeResult(change.address, change.action,
                                                       Status.NOT_RUN, "interrupted")
            else:
                async with limit:
                    results[change.address] = await _attempt(client, change, ids)
            notify(results[change.address])
        finally:
            done[change.address].set()

    interrupted = False
    try:
        async with anyio.create_task_group() as group:
            for change in changes:
                group.start_soon(run_one, change)
    except KeyboardInterrupt:
        interrupted = True
    ordered = [results.get(c.address) or ChangeResult(c.address, c.action, Status.NOT_RUN,
                                                      "interrupted") for c in changes]
    return ApplyResult(ordered, interrupted)


def _skipped(change: Change, blocker: str, results: dict[str, ChangeResult]) -> ChangeResult:
    reason = f"depends on {blocker}, which {results[blocker].status}"
    return ChangeResult(change.address, change.action, Status.SKIPPED, reason)


async def _attempt(client: ApiClient, change: Change, ids: IdBook) -> ChangeResult:
    try:
        live_id = await execute(client, change, ids)
    except CioctlError as error:
        request_id = getattr(error, "request_id", None)
        return ChangeResult(change.address, change.action, Status.FAILED, error.message,
                            request_id)
    return ChangeResult(change.address, change.action, Status.APPLIED, live_id=live_id)
